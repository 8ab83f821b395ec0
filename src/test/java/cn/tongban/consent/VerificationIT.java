package cn.tongban.consent;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 核验 over real HTTP: a notary office records an applicant's consent and asks the hub whether the
 * education department's record (a real query server) holds what it claims; the hub answers the
 * least, signed, and refuses — audited, naming the rule — whatever the agreement or consent does
 * not allow. Every answer is checked never to carry the ID number.
 */
@HubTest
class VerificationIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CERTIFICATE = "105421202005000123";

    @LocalServerPort
    int port;

    HttpServer supplier;
    Party provider;
    Party notary;
    String code;
    String agreementId;
    String purpose;
    final Random random = new SecureRandom();
    final String person = idNumber();
    /** Everything the hub answered in a scenario, to check that none names the person. */
    final List<Api.Reply> replies = new ArrayList<>();

    @BeforeEach
    void province() throws Exception {
        supplier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        supplier.createContext("/query", exchange -> {
            JsonNode request = Api.json(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = request.get("key").asString().equals(person)
                    ? JSON.writeValueAsBytes(Map.of(
                            "record",
                            Map.of(
                                    "certificateNo", CERTIFICATE,
                                    "name", "张三丰",
                                    "idNumber", person,
                                    "school", "湖南大学",
                                    "mobile", "13812345678",
                                    "religion", "无")))
                    : new byte[0];
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        supplier.start();
        CatalogFixture fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(核验)", "DEPARTMENT");
        notary = fixture.participant("公证处(核验)", "NOTARY_OFFICE");
        code = CatalogFixture.resourceCode();
        assertThat(provider.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(201);
        assertThat(provider.admin()
                        .post(
                                "/api/catalog/participants/" + provider.uscc() + "/endpoints",
                                Map.of(
                                        "direction",
                                        "SUPPLY",
                                        "kind",
                                        "HTTP_QUERY",
                                        "resourceCode",
                                        code,
                                        "address",
                                        "http://127.0.0.1:"
                                                + supplier.getAddress().getPort() + "/query"))
                        .status())
                .isEqualTo(201);
        // certificateNo and school are granted unmasked, name masked (张*丰): all three unconditional.
        JsonNode agreement = notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "name", "school")))
                .json()
                .get("agreement");
        assertThat(agreement.get("status").asString()).isEqualTo("ACTIVE");
        agreementId = agreement.get("id").asString();
        purpose = agreement.get("purpose").asString();
    }

    @AfterEach
    void stop() {
        supplier.stop(0);
        assertThat(replies).allSatisfy(reply -> assertThat(reply.body()).doesNotContain(person));
    }

    @Test
    void s01_withConsentTheClaimsMatchAndTheAnswerIsSignedOverTheDocumentedBytes() {
        String consent = consent(person, List.of("certificateNo", "school", "name"));
        Map<String, Object> request = request(consent, Map.of("certificateNo", CERTIFICATE, "school", " 湖南大学 "));
        request.put("disclose", List.of("name"));
        Api.Reply reply = remember(notary.admin().post("/api/verifications", request));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode answer = reply.json();
        assertThat(answer.get("outcome").asString()).isEqualTo("MATCH");
        assertThat(answer.get("claims").toString()).isEqualTo("{\"certificateNo\":true,\"school\":true}");
        assertThat(answer.get("disclosed").toString()).isEqualTo("{\"name\":\"张*丰\"}");
        assertThat(reply.body()).doesNotContain("张三丰");

        byte[] signed = canonical(answer, request, answer.get("outcome").asString());
        assertThat(Sm2Signer.verify(hubKey(answer.at("/signature/keyId").asString()), signed, signature(answer)))
                .isTrue();
        byte[] asIfNoMatch = canonical(answer, request, "NO_MATCH");
        assertThat(Sm2Signer.verify(hubKey(answer.at("/signature/keyId").asString()), asIfNoMatch, signature(answer)))
                .as("a changed outcome fails")
                .isFalse();

        JsonNode given = only(events("CONSENT_GIVEN"));
        assertThat(given.get("details").asString()).contains(consent);
        JsonNode verified = only(events("VERIFICATION"));
        assertThat(verified.get("outcome").asString()).isEqualTo("MATCH");
        assertThat(verified.get("personRef").asString())
                .isEqualTo(given.get("personRef").asString());
        assertThat(verified.get("details").asString())
                .contains(consent, answer.get("verificationId").asString(), "(2026)湘长证字第7号")
                .doesNotContain(CERTIFICATE, "湖南大学", person);
        assertThat(verified.toString()).doesNotContain(person);
    }

    @Test
    void s02_aWrongClaimIsNoMatchAndAnUnknownPersonNotFound() {
        String consent = consent(person, List.of("certificateNo", "school"));
        Api.Reply wrong = remember(notary.admin()
                .post(
                        "/api/verifications",
                        request(consent, Map.of("certificateNo", "105421202005000999", "school", "湖南大学"))));
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(200);
        assertThat(wrong.json().get("outcome").asString()).isEqualTo("NO_MATCH");
        assertThat(wrong.json().get("claims").toString()).isEqualTo("{\"certificateNo\":false,\"school\":true}");

        String stranger = idNumber();
        Map<String, Object> unknown =
                request(consent(stranger, List.of("certificateNo")), Map.of("certificateNo", CERTIFICATE));
        unknown.put("subject", Map.of("idNumber", stranger));
        Api.Reply none = remember(notary.admin().post("/api/verifications", unknown));
        assertThat(none.status()).as(none.toString()).isEqualTo(200);
        assertThat(none.json().get("outcome").asString()).isEqualTo("NOT_FOUND");
        assertThat(none.json().get("claims").toString()).isEqualTo("{\"certificateNo\":false}");
        assertThat(none.body()).doesNotContain(stranger);
    }

    @Test
    void s03_withoutAConsentTheVerificationIsRefusedAndAudited() {
        Api.Reply refused = verify(UUID.randomUUID().toString(), Map.of("certificateNo", CERTIFICATE));
        assertRefused(refused, "consentId:consent-missing");
        JsonNode audited = only(events("VERIFICATION_REFUSED"));
        assertThat(audited.get("outcome").asString()).isEqualTo("CONSENT_MISSING");
        assertThat(audited.get("resourceCode").asString()).isEqualTo(code);
        assertThat(audited.get("details").asString()).contains("consent-missing");
        assertThat(audited.toString()).doesNotContain(person);
        assertThat(events("VERIFICATION")).isEmpty();
    }

    @Test
    void s04_aRevokedConsentAllowsNothing() {
        String consent = consent(person, List.of("certificateNo"));
        assertThat(verify(consent, Map.of("certificateNo", CERTIFICATE)).status())
                .isEqualTo(200);

        Party otherNotary = new CatalogFixture(port).participant("另一公证处(核验)", "NOTARY_OFFICE");
        assertThat(remember(otherNotary.admin().get("/api/consents/" + consent)).status())
                .as("another notary does not see it")
                .isEqualTo(404);
        assertThat(remember(otherNotary.admin().post("/api/consents/" + consent + "/revoke", Map.of("reason", "无权")))
                        .status())
                .isEqualTo(404);

        Api.Reply revoked =
                remember(notary.admin().post("/api/consents/" + consent + "/revoke", Map.of("reason", "申请人书面撤回授权")));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("status").asString()).isEqualTo("REVOKED");
        assertThat(remember(notary.admin().get("/api/consents/" + consent))
                        .json()
                        .get("revokeReason")
                        .asString())
                .isEqualTo("申请人书面撤回授权");
        assertRefused(verify(consent, Map.of("certificateNo", CERTIFICATE)), "consentId:consent-revoked");
        assertThat(remember(notary.admin().post("/api/consents/" + consent + "/revoke", Map.of("reason", "再次")))
                        .violations())
                .containsExactly("id:already-revoked");
        assertThat(only(events("CONSENT_REVOKED")).get("details").asString())
                .contains(consent)
                .doesNotContain("申请人");
    }

    @Test
    void s05_aPurposeThatIsNotTheAgreementsIsRefused() {
        String consent = consent(person, List.of("certificateNo"));
        Map<String, Object> request = request(consent, Map.of("certificateNo", CERTIFICATE));
        request.put("purpose", "招聘核验");
        assertRefused(remember(notary.admin().post("/api/verifications", request)), "purpose:agreement-purpose");
    }

    @Test
    void s06_aFieldOutsideTheConsentOrTheUnmaskedGrantIsRefused() {
        String consent = consent(person, List.of("certificateNo", "name"));
        assertRefused(verify(consent, Map.of("school", "湖南大学")), "claims.school:consent-fields");
        Map<String, Object> disclosing = request(consent, Map.of("certificateNo", CERTIFICATE));
        disclosing.put("disclose", List.of("school"));
        assertRefused(remember(notary.admin().post("/api/verifications", disclosing)), "disclose[0]:consent-fields");
        // The agreement masks the name: a claim on it could only be compared with 张*丰.
        assertRefused(verify(consent, Map.of("name", "张三丰")), "claims.name:claim-masked");
        String widerConsent = consent(person, List.of("certificateNo", "mobile"));
        assertRefused(verify(widerConsent, Map.of("mobile", "13812345678")), "claims.mobile:agreement-fields");
    }

    @Test
    void s07_onlyTheNotaryOfficeItselfRecordsConsentsAndVerifies() {
        String consent = consent(person, List.of("certificateNo"));
        Api.Reply department = remember(
                provider.admin().post("/api/verifications", request(consent, Map.of("certificateNo", CERTIFICATE))));
        assertRefused(department, "caller:caller-notary-office");
        assertThat(only(eventsOf(provider.uscc(), "VERIFICATION_REFUSED"))
                        .get("outcome")
                        .asString())
                .isEqualTo("CALLER_NOTARY_OFFICE");

        Map<String, Object> body = consentBody(person, List.of("certificateNo"));
        assertThat(remember(provider.admin().post("/api/consents", body)).violations())
                .containsExactly("granteeUscc:grantee-own");
        assertThat(remember(Api.at(port).as("admin").post("/api/consents", body))
                        .violations())
                .as("the platform does not record consents for a notary")
                .containsExactly("granteeUscc:grantee-own");
        body.put("granteeUscc", provider.uscc());
        assertThat(remember(provider.admin().post("/api/consents", body)).violations())
                .containsExactly("granteeUscc:grantee-notary-office");
        assertThat(remember(notary.approver()
                                .post("/api/verifications", request(consent, Map.of("certificateNo", CERTIFICATE))))
                        .violations())
                .as("an approver decides on data, it does not exchange it")
                .containsExactly("caller:caller-notary-office");
    }

    @Test
    void s08_aBadBodyIsRefusedNamingTheField() {
        String consent = consent(person, List.of("certificateNo"));
        Map<String, Object> noConsent = request(consent, Map.of("certificateNo", CERTIFICATE));
        noConsent.remove("consentId");
        assertThat(remember(notary.admin().post("/api/verifications", noConsent))
                        .violations())
                .containsExactly("consentId:not-null");
        Map<String, Object> badId = request(consent, Map.of("certificateNo", CERTIFICATE));
        badId.put("subject", Map.of("idNumber", person.substring(0, 17) + (person.charAt(17) == '0' ? '1' : '0')));
        Api.Reply bad = remember(notary.admin().post("/api/verifications", badId));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.violations()).containsExactly("subject.idNumber:id-number-gb11643");
        assertThat(remember(notary.admin().post("/api/verifications", request(consent, Map.of())))
                        .violations())
                .containsExactly("claims:not-empty");

        Map<String, Object> badEvidence = consentBody(person, List.of("certificateNo"));
        badEvidence.put("evidenceDigest", "not-a-digest");
        assertThat(remember(notary.admin().post("/api/consents", badEvidence)).violations())
                .containsExactly("evidenceDigest:pattern");
        Map<String, Object> unknownField = consentBody(person, List.of("certificateNo", "degreeClass"));
        assertThat(remember(notary.admin().post("/api/consents", unknownField)).violations())
                .containsExactly("fields[1]:field-unknown");
        assertThat(events("VERIFICATION_REFUSED"))
                .as("a malformed request is not a refusal")
                .isEmpty();
    }

    private String consent(String idNumber, List<String> fields) {
        Api.Reply reply = remember(notary.admin().post("/api/consents", consentBody(idNumber, fields)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().get("status").asString()).isEqualTo("VALID");
        assertThat(reply.body()).doesNotContain(idNumber);
        return reply.json().get("id").asString();
    }

    private Map<String, Object> consentBody(String idNumber, List<String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", Map.of("idNumber", idNumber));
        body.put("granteeUscc", notary.uscc());
        body.put("resourceCode", code);
        body.put("fields", fields);
        body.put("purpose", purpose);
        body.put("serviceItemCode", "GZ-XLGZ-0001");
        body.put("caseNumber", "(2026)湘长证字第7号");
        body.put("evidenceDigest", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        body.put(
                "validUntil",
                LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(30).toString());
        body.put("givenAt", Instant.now().minusSeconds(600).toString());
        return body;
    }

    private Map<String, Object> request(String consentId, Map<String, String> claims) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceCode", code);
        body.put("agreementId", agreementId);
        body.put("caseNumber", "(2026)湘长证字第7号");
        body.put("purpose", purpose);
        body.put("consentId", consentId);
        body.put("subject", Map.of("idNumber", person));
        body.put("claims", claims);
        return body;
    }

    private Api.Reply verify(String consentId, Map<String, String> claims) {
        return remember(notary.admin().post("/api/verifications", request(consentId, claims)));
    }

    private Api.Reply remember(Api.Reply reply) {
        replies.add(reply);
        return reply;
    }

    private static void assertRefused(Api.Reply reply, String violation) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.violations()).containsExactly(violation);
    }

    private List<JsonNode> events(String type) {
        return eventsOf(notary.uscc(), type);
    }

    private List<JsonNode> eventsOf(String participant, String type) {
        List<JsonNode> found = new ArrayList<>();
        Api.at(port)
                .as("auditor")
                .get("/api/audit/events?participant=" + participant + "&type=" + type)
                .json()
                .get("items")
                .forEach(found::add);
        return found;
    }

    private static JsonNode only(List<JsonNode> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private PublicKey hubKey(String keyId) {
        for (JsonNode published :
                Api.at(port).get("/api/exchange/hub-certificates").json()) {
            if (published.get("fingerprint").asString().equals(keyId)) {
                return HubKeys.readCertificate(published.get("pem").asString()).getPublicKey();
            }
        }
        throw new AssertionError("no published hub certificate " + keyId);
    }

    private static byte[] signature(JsonNode answer) {
        return Base64.getDecoder().decode(answer.at("/signature/value").asString());
    }

    /** docs/verification.md §3, built here from the request sent and the answer received. */
    @SuppressWarnings("unchecked")
    private byte[] canonical(JsonNode answer, Map<String, Object> request, String outcome) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String text : List.of(
                "tongban-verification-v1",
                answer.get("verificationId").asString(),
                code,
                agreementId,
                (String) request.get("consentId"),
                (String) request.get("caseNumber"),
                purpose,
                notary.uscc(),
                person,
                outcome)) {
            text(out, text);
        }
        Map<String, String> claims = new TreeMap<>((Map<String, String>) request.get("claims"));
        out.writeBytes(ByteBuffer.allocate(8).putLong(claims.size()).array());
        claims.forEach((field, value) -> {
            text(out, field);
            text(out, value.strip());
            text(out, answer.at("/claims/" + field).asBoolean() ? "true" : "false");
        });
        Map<String, String> disclosed = new TreeMap<>();
        answer.get("disclosed")
                .properties()
                .forEach(e -> disclosed.put(e.getKey(), e.getValue().asString()));
        out.writeBytes(ByteBuffer.allocate(8).putLong(disclosed.size()).array());
        disclosed.forEach((field, value) -> {
            text(out, field);
            text(out, value);
        });
        text(out, answer.get("answeredAt").asString());
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private String idNumber() {
        return SyntheticIdentifiers.idNumber(
                random, "430102", LocalDate.of(1990, 3, 1).plusDays(random.nextInt(3000)));
    }
}
