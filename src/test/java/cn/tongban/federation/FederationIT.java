package cn.tongban.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.federation.FederationWire.WireMessage;
import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two hubs, Hunan and Guangdong, each with its own database and keys, federated over real HTTP:
 * peers registered both ways with pinned anchors, signed directories exchanged and imported,
 * signed and receipted messages, and what each refuses (tampered, replayed, stale, unknown).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private final HttpClient http = HttpClient.newHttpClient();
    private TwoHubs hubs;
    private String gdResource;
    private CatalogFixture.Party gdDepartment;
    private CatalogFixture.Party hnDepartment;
    private String crossAgreement;

    @BeforeAll
    void start() {
        hubs = new TwoHubs().start();
        gdDepartment = new CatalogFixture(hubs.guangdong.port).participant("广东省教育厅", "DEPARTMENT", "440100");
        gdResource = CatalogFixture.resourceCode();
        Api.Reply published = gdDepartment
                .admin()
                .post("/api/catalog/resources", CatalogFixture.resource(gdResource, gdDepartment.uscc()));
        assertThat(published.status()).as(published.toString()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (hubs != null) {
            hubs.close();
        }
    }

    private Api.Reply registerPeer(TwoHubs.Hub at, TwoHubs.Hub peer, List<String> outbound, List<String> inbound) {
        String pem = Api.at(peer.port).get("/api/exchange/hub-certificate").body();
        return at.api("admin")
                .post(
                        "/api/federation/peers",
                        Map.of(
                                "province",
                                peer.province,
                                "name",
                                peer.province.equals("440000") ? "广东省政务数据共享交换平台" : "湖南省政务数据共享交换平台",
                                "baseUrl",
                                peer.url(),
                                "certificatePem",
                                pem,
                                "outboundResources",
                                outbound,
                                "inboundResources",
                                inbound,
                                "reason",
                                "跨省通办对接"));
    }

    @Test
    @Order(1)
    void s01_peersExchangeSignedDirectoriesAndTheRemoteResourceAppearsInTheCatalog() {
        Api.Reply atHunan = registerPeer(hubs.hunan, hubs.guangdong, List.of("*"), List.of(gdResource));
        assertThat(atHunan.status()).as(atHunan.toString()).isEqualTo(201);
        Api.Reply atGuangdong = registerPeer(hubs.guangdong, hubs.hunan, List.of(gdResource), List.of("*"));
        assertThat(atGuangdong.status()).as(atGuangdong.toString()).isEqualTo(201);

        Api.Reply refreshed = hubs.hunan.api("ops").post("/api/federation/peers/440000/directory/refresh", Map.of());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        JsonNode peer = refreshed.json();
        assertThat(peer.get("status").asString()).as(refreshed.toString()).isEqualTo("CONNECTED");
        assertThat(Instant.parse(peer.get("directoryExpiresAt").asString())).isAfter(Instant.now());

        Api.Reply resource = hubs.hunan.api("admin").get("/api/catalog/resources/" + gdResource);
        assertThat(resource.status()).as(resource.toString()).isEqualTo(200);
        assertThat(hubs.hunan
                        .api("auditor")
                        .get("/api/federation/remote-resources")
                        .body())
                .as("the resource is marked remote, as Guangdong's")
                .contains(gdResource, "440000");
        Api.Reply subject =
                hubs.hunan.api("admin").get("/registry/subjects/peer.440000." + gdResource + "-value/versions");
        assertThat(subject.status()).as(subject.toString()).isEqualTo(200);

        Api.Reply changes = hubs.hunan.api("auditor").get("/api/audit/events?type=CHANGE:peer");
        assertThat(changes.body()).contains("440000");
    }

    @Test
    @Order(2)
    void s02_aTestMessageIsSignedAndReceipted_andBothLedgersHoldIt() {
        Api.Reply test = hubs.hunan.api("ops").post("/api/federation/peers/440000/test", Map.of());
        assertThat(test.status()).as(test.toString()).isEqualTo(200);
        assertThat(test.json().get("receipted").asBoolean()).as(test.toString()).isTrue();
        assertThat(hubs.hunan
                        .api("auditor")
                        .get("/api/audit/events?type=FEDERATION_SENT")
                        .body())
                .contains("\\\"messageType\\\":\\\"TEST\\\"");
        assertThat(hubs.guangdong
                        .api("auditor")
                        .get("/api/audit/events?type=FEDERATION_RECEIVED")
                        .body())
                .contains("\\\"peer\\\":\\\"430000\\\"");
        JsonNode peers = hubs.hunan.api("ops").get("/api/federation/peers").json();
        assertThat(peers.get(0).get("sent").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(peers.get(0).get("lastSentAt").isNull()).isFalse();
    }

    @Test
    @Order(3)
    void s03_aRepeatGetsTheOriginalReceipt_tamperedStaleAndReplayedMessagesAreRefusedAndAudited() throws Exception {
        HubKeys hunanKeys = hubs.hunan.keys();
        WireMessage message = message(UUID.randomUUID().toString(), Instant.now(), "nonce-" + UUID.randomUUID());
        byte[] body = JSON.writeValueAsBytes(message);

        HttpResponse<byte[]> first = post(body, FederationWire.sign(hunanKeys.current(), body));
        assertThat(first.statusCode())
                .as(new String(first.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        HttpResponse<byte[]> again = post(body, FederationWire.sign(hunanKeys.current(), body));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body())
                .as("a repeat is answered with the original receipt")
                .isEqualTo(first.body());
        assertThat(again.headers().firstValue(FederationWire.SIGNATURE_HEADER))
                .isEqualTo(first.headers().firstValue(FederationWire.SIGNATURE_HEADER));
        assertSignedByGuangdong(first);

        byte[] tampered = body.clone();
        int at = new String(body, StandardCharsets.UTF_8).indexOf("nonce-");
        tampered[at + 5] = '_';
        assertRefused(post(tampered, FederationWire.sign(hunanKeys.current(), body)), 401, "signature");

        WireMessage stale = message(
                UUID.randomUUID().toString(), Instant.now().minus(Duration.ofHours(1)), "n-" + UUID.randomUUID());
        byte[] staleBody = JSON.writeValueAsBytes(stale);
        assertRefused(post(staleBody, FederationWire.sign(hunanKeys.current(), staleBody)), 400, "timestamp");

        WireMessage replayed = message(UUID.randomUUID().toString(), Instant.now(), message.nonce());
        byte[] replayedBody = JSON.writeValueAsBytes(replayed);
        assertRefused(post(replayedBody, FederationWire.sign(hunanKeys.current(), replayedBody)), 409, "replay");

        HubKeys stranger = HubKeys.ephemeral("CN=stranger");
        assertRefused(post(body, FederationWire.sign(stranger.current(), body)), 401, "signature");

        String refusals = hubs.guangdong
                .api("auditor")
                .get("/api/audit/events?type=FEDERATION_REFUSED")
                .body();
        assertThat(refusals).contains("SENDER:signature", "SENDER:timestamp", "SENDER:replay");
    }

    @Test
    @Order(4)
    void s04_aDemandForAGuangdongResourceIsDecidedThere_andTheAgreementExistsOnBothSidesWithTheSameId() {
        hnDepartment = new CatalogFixture(hubs.hunan.port).participant("长沙市公安局", "DEPARTMENT");
        Api.Reply filed = hnDepartment
                .admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(
                                hnDepartment.uscc(), gdResource, List.of("certificateNo", "school", "idNumber")));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        assertThat(filed.json().get("demand").get("status").asString()).isEqualTo("FORWARDED");
        String demandId = filed.json().get("demand").get("id").asString();

        JsonNode atGuangdong = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> gdDepartment
                                .approver()
                                .get("/api/catalog/agreements?demander=" + hnDepartment.uscc())
                                .json(),
                        list -> list.size() == 1);
        String agreementId = atGuangdong.get(0).get("id").asString();
        crossAgreement = agreementId;
        JsonNode atHunan = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> hnDepartment.admin().get("/api/catalog/agreements/" + agreementId),
                        reply -> reply.status() == 200)
                .json();
        assertThat(atHunan.get("demandId").asString()).isEqualTo(demandId);
        assertThat(atHunan.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(atHunan.toString()).contains("\"PENDING\"");

        Api.Reply decided = gdDepartment
                .approver()
                .post(
                        "/api/catalog/agreements/" + agreementId + "/decisions",
                        Map.of("decisions", List.of(Map.of("field", "idNumber", "outcome", "APPROVE"))));
        assertThat(decided.status()).as(decided.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> hnDepartment
                                .admin()
                                .get("/api/catalog/agreements/" + agreementId)
                                .body(),
                        body -> !body.contains("\"PENDING\""));
    }

    @Test
    @Order(5)
    void s05_aCaseAcceptedAtAHunanCounterReachesTheGuangdongOffice_andItsDecisionsComeBack() {
        String idNumber = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.security.SecureRandom(), "430102", java.time.LocalDate.of(1990, 3, 7));
        Api.Reply created = hnDepartment
                .admin()
                .post(
                        "/api/cases",
                        Map.of(
                                "serviceItemCode",
                                "JY-XLRZ-0001",
                                "serviceItemName",
                                "学历认证(异地代收代办)",
                                "mode",
                                "PROXY",
                                "applicant",
                                Map.of("type", "PERSON", "idNumber", idNumber, "name", "欧阳明月"),
                                "receivingOfficeUscc",
                                hnDepartment.uscc(),
                                "owningProvince",
                                "440000",
                                "owningOfficeUscc",
                                gdDepartment.uscc(),
                                "materials",
                                List.of(Map.of(
                                        "name",
                                        "学位证书",
                                        "mediaType",
                                        "application/pdf",
                                        "size",
                                        1024,
                                        "sm3",
                                        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(idNumber, "欧阳明月");
        String serial = created.json().get("serial").asString();
        assertThat(created.json().get("status").asString()).isEqualTo("FORWARDED");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> gdDepartment.admin().get("/api/cases/" + serial).status() == 200);
        Api.Reply accepted =
                gdDepartment.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        Api.Reply completed = gdDepartment
                .admin()
                .post(
                        "/api/cases/" + serial + "/status",
                        Map.of("status", "COMPLETED", "result", "ISSUED", "note", "认证报告已出具"));
        assertThat(completed.status()).as(completed.toString()).isEqualTo(200);

        JsonNode atHunan = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> hnDepartment.admin().get("/api/cases/" + serial).json(),
                        c -> c.get("status").asString().equals("COMPLETED"));
        JsonNode atGuangdong = gdDepartment.admin().get("/api/cases/" + serial).json();
        assertThat(steps(atHunan)).isEqualTo(steps(atGuangdong)).hasSize(4);
        assertThat(hubs.hunan
                        .api("auditor")
                        .get("/api/audit/events?type=CASE_STATUS")
                        .body())
                .contains(serial);
        assertThat(hubs.guangdong
                        .api("auditor")
                        .get("/api/audit/events?type=CASE_STATUS")
                        .body())
                .contains(serial);
    }

    @Test
    @Order(6)
    void s06_recordsFlowFromTheGuangdongSupplierThroughBothHubsToTheHunanDemander_verifiedAndInBothLedgers() {
        String idNumber = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.security.SecureRandom(), "440106", java.time.LocalDate.of(1996, 8, 1));
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            records.add(Map.of(
                    "sourceRecordId",
                    "gd-" + i,
                    "record",
                    Map.of(
                            "certificateNo",
                            "10558120240000" + i,
                            "name",
                            "陈小" + i,
                            "idNumber",
                            idNumber,
                            "school",
                            "中山大学",
                            "mobile",
                            "13800138000",
                            "religion",
                            "无")));
        }
        Api.Reply pushed = gdDepartment.admin().post("/api/exchange/intake/" + gdResource, Map.of("records", records));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);

        List<JsonNode> mailbox = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            List<JsonNode> items = new java.util.ArrayList<>();
                            hnDepartment
                                    .admin()
                                    .get("/api/exchange/mailbox")
                                    .json()
                                    .forEach(items::add);
                            return items;
                        },
                        items -> items.size() == 3);
        java.security.PublicKey hunanKey = HubKeys.readCertificate(Api.at(hubs.hunan.port)
                        .get("/api/exchange/hub-certificate")
                        .body())
                .getPublicKey();
        List<String> order = new java.util.ArrayList<>();
        for (JsonNode item : mailbox) {
            JsonNode envelope = item.get("envelope");
            assertThat(cn.tongban.exchange.EnvelopeVerifier.problem(
                            JSON.treeToValue(envelope, cn.tongban.exchange.Envelope.class), hunanKey))
                    .as("signed by Hunan's hub for its demander")
                    .isNull();
            List<String> fields = new java.util.ArrayList<>();
            envelope.get("record").properties().forEach(e -> fields.add(e.getKey()));
            assertThat(fields).containsExactlyInAnyOrder("certificateNo", "school", "idNumber");
            assertThat(envelope.at("/record/idNumber").asString())
                    .isEqualTo(idNumber.substring(0, 6) + "********" + idNumber.substring(14));
            order.add(envelope.get("sourceRecordId").asString());
        }
        assertThat(order)
                .as("one person's records keep their order across both hubs")
                .containsExactly("gd-1", "gd-2", "gd-3");

        String sent = hubs.guangdong
                .api("auditor")
                .get("/api/audit/events?type=FEDERATION_SENT")
                .body();
        String received = hubs.hunan
                .api("auditor")
                .get("/api/audit/events?type=FEDERATION_RECEIVED")
                .body();
        java.util.regex.Matcher ids = java.util.regex.Pattern.compile(
                        "messageId\\\\\":\\\\\"([0-9a-f-]{36})\\\\\",\\\\\"messageType\\\\\":\\\\\"RECORDS")
                .matcher(sent);
        assertThat(ids.find()).as(sent).isTrue();
        assertThat(received)
                .as("the auditor joins both ledgers by the message id")
                .contains(ids.group(1));
        for (TwoHubs.Hub hub : List.of(hubs.guangdong, hubs.hunan)) {
            String lineage = hub.api("auditor")
                    .get("/api/audit/lineage?resource=" + gdResource + "&sourceRecordId=gd-2")
                    .body();
            // Cross-hub lineage: each hub's lineage of the record names the message that carried it.
            assertThat(lineage).as(hub.province).contains("RECORD_RECEIVED", "FEDERATION_RECORDS", ids.group(1));
        }
        assertThat(mailbox.toString()).doesNotContain("13800138000", "无\"");
    }

    @Test
    @Order(7)
    void s07_aQueryPassesThroughBothHubs_answeredByTheGuangdongSupplierAndSignedByEachHub() {
        Api.Reply endpoint = gdDepartment
                .admin()
                .post(
                        "/api/catalog/participants/" + gdDepartment.uscc() + "/endpoints",
                        Map.of(
                                "direction",
                                "SUPPLY",
                                "kind",
                                "HTTP_QUERY",
                                "address",
                                hubs.guangdong.url() + "/demo/suppliers/" + gdDepartment.uscc() + "/query",
                                "resourceCode",
                                gdResource));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        String idNumber = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.security.SecureRandom(), "440106", java.time.LocalDate.of(1988, 2, 9));

        Api.Reply answer = hnDepartment
                .admin()
                .post(
                        "/api/exchange/query/" + gdResource,
                        Map.of("key", idNumber, "agreementId", crossAgreement, "purpose", "学历公证核验"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode envelope = answer.json();
        java.security.PublicKey hunanKey = HubKeys.readCertificate(Api.at(hubs.hunan.port)
                        .get("/api/exchange/hub-certificate")
                        .body())
                .getPublicKey();
        assertThat(cn.tongban.exchange.EnvelopeVerifier.problem(
                        JSON.treeToValue(envelope, cn.tongban.exchange.Envelope.class), hunanKey))
                .isNull();
        List<String> fields = new java.util.ArrayList<>();
        envelope.get("record").properties().forEach(e -> fields.add(e.getKey()));
        assertThat(fields).containsExactlyInAnyOrder("certificateNo", "school", "idNumber");
        assertThat(answer.body()).doesNotContain(idNumber);

        assertThat(hubs.guangdong
                        .api("auditor")
                        .get("/api/audit/events?type=QUERY&resource=" + gdResource)
                        .body())
                .as("the provider's hub records the query it answered")
                .contains("ANSWERED", "federation:430000");
        assertThat(hubs.hunan
                        .api("auditor")
                        .get("/api/audit/events?type=QUERY&resource=" + gdResource)
                        .body())
                .contains("ANSWERED");

        Api.Reply wrongPurpose = hnDepartment
                .admin()
                .post(
                        "/api/exchange/query/" + gdResource,
                        Map.of("key", idNumber, "agreementId", crossAgreement, "purpose", "其他用途"));
        assertThat(wrongPurpose.status()).isEqualTo(403);
    }

    @Test
    @Order(8)
    void s08_aHunanNotaryVerifiesAGuangdongDiplomaWithTheApplicantsConsent_andNotWithoutIt() {
        CatalogFixture.Party notary = new CatalogFixture(hubs.hunan.port).participant("长沙市公证处", "NOTARY_OFFICE");
        Api.Reply filed = notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), gdResource, List.of("certificateNo", "school")));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        String agreementId = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> notary.admin()
                                .get("/api/catalog/agreements?demander=" + notary.uscc())
                                .json(),
                        list -> list.size() == 1
                                && list.get(0).get("status").asString().equals("ACTIVE"))
                .get(0)
                .get("id")
                .asString();
        String idNumber = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.security.SecureRandom(), "440106", java.time.LocalDate.of(1992, 6, 18));
        String school = notary.admin()
                .post(
                        "/api/exchange/query/" + gdResource,
                        Map.of("key", idNumber, "agreementId", agreementId, "purpose", "学历公证核验"))
                .json()
                .at("/record/school")
                .asString();

        Map<String, Object> verification = new java.util.HashMap<>(Map.of(
                "resourceCode",
                gdResource,
                "agreementId",
                agreementId,
                "caseNumber",
                "(2026)湘长证字第2048号",
                "purpose",
                "学历公证核验",
                "subject",
                Map.of("idNumber", idNumber),
                "claims",
                Map.of("school", school)));
        verification.put("consentId", UUID.randomUUID().toString());
        Api.Reply withoutConsent = notary.admin().post("/api/verifications", verification);
        assertThat(withoutConsent.status()).as(withoutConsent.toString()).isEqualTo(403);

        Api.Reply consent = notary.admin()
                .post(
                        "/api/consents",
                        Map.of(
                                "subject", Map.of("idNumber", idNumber),
                                "granteeUscc", notary.uscc(),
                                "resourceCode", gdResource,
                                "fields", List.of("certificateNo", "school"),
                                "purpose", "学历公证核验",
                                "serviceItemCode", "GZ-XLGZ-0001",
                                "evidenceDigest", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                                "validUntil",
                                        java.time.LocalDate.now().plusMonths(3).toString(),
                                "givenAt", Instant.now().minusSeconds(60).toString()));
        assertThat(consent.status()).as(consent.toString()).isEqualTo(201);
        verification.put("consentId", consent.json().get("id").asString());
        Api.Reply matched = notary.admin().post("/api/verifications", verification);
        assertThat(matched.status()).as(matched.toString()).isEqualTo(200);
        assertThat(matched.json().get("outcome").asString()).isEqualTo("MATCH");
        assertThat(matched.body()).doesNotContain(idNumber);

        Api.Reply revoked = notary.admin()
                .post(
                        "/api/consents/" + consent.json().get("id").asString() + "/revoke",
                        Map.of("reason", "申请人书面撤回授权"));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        Api.Reply afterRevocation = notary.admin().post("/api/verifications", verification);
        assertThat(afterRevocation.status()).isEqualTo(403);
        assertThat(hubs.hunan
                        .api("auditor")
                        .get("/api/audit/events?type=VERIFICATION_REFUSED")
                        .body())
                .contains("CONSENT_REVOKED");
        assertThat(hubs.guangdong
                        .api("auditor")
                        .get("/api/audit/events?type=QUERY&resource=" + gdResource)
                        .body())
                .as("the diploma's own province records each question asked of it")
                .contains(notary.uscc());
    }

    @Test
    @Order(9)
    void s09_recordsFlowTheOtherWayToo_fromAHunanSupplierToAGuangdongDemander() {
        String hnResource = CatalogFixture.resourceCode();
        Api.Reply published = hnDepartment
                .admin()
                .post("/api/catalog/resources", CatalogFixture.resource(hnResource, hnDepartment.uscc()));
        assertThat(published.status()).as(published.toString()).isEqualTo(201);
        hubs.guangdong.api("ops").post("/api/federation/peers/430000/directory/refresh", Map.of());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> hubs.guangdong
                                .api("admin")
                                .get("/api/catalog/resources/" + hnResource)
                                .status()
                        == 200);
        Api.Reply filed = gdDepartment
                .admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(gdDepartment.uscc(), hnResource, List.of("certificateNo", "school")));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> gdDepartment
                                .admin()
                                .get("/api/catalog/agreements?demander=" + gdDepartment.uscc())
                                .json(),
                        list -> list.size() == 1
                                && list.get(0).get("status").asString().equals("ACTIVE"));

        Api.Reply pushed = hnDepartment
                .admin()
                .post("/api/exchange/intake/" + hnResource, Map.of("records", List.of(record("hn-1", "430102"))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        JsonNode delivered = await().atMost(Duration.ofSeconds(30))
                .until(() -> gdDepartment.admin().get("/api/exchange/mailbox").json(), m -> m.size() == 1);
        assertThat(delivered.get(0).at("/envelope/sourceRecordId").asString()).isEqualTo("hn-1");
        assertThat(delivered.get(0).at("/envelope/record/school").asString()).isEqualTo("中山大学");
    }

    @Test
    @Order(10)
    void s10_anUntrustedDirectory_aRevokedPeerAndAForgedEnvelopeAreRefused() throws Exception {
        Api.Reply impostor = hubs.hunan
                .api("admin")
                .post(
                        "/api/federation/peers",
                        Map.of(
                                "province", "650000",
                                "name", "冒名平台",
                                "baseUrl", hubs.guangdong.url(),
                                "certificatePem",
                                        HubKeys.ephemeral("CN=impostor").certificatePem(),
                                "outboundResources", List.of(),
                                "inboundResources", List.of("*"),
                                "reason", "测试: 锚证书不符"));
        assertThat(impostor.status()).as(impostor.toString()).isEqualTo(201);
        JsonNode view = hubs.hunan
                .api("ops")
                .post("/api/federation/peers/650000/directory/refresh", Map.of())
                .json();
        assertThat(view.get("status").asString()).isEqualTo("UNTRUSTED");
        assertThat(view.get("directoryProblem").asString()).startsWith("signature");
        JsonNode health = hubs.hunan.api("ops").get("/actuator/health").json();
        assertThat(health.at("/components/peerPlatforms/status").asString()).isEqualTo("DEGRADED");
        assertThat(health.at("/components/peerPlatforms/details/650000/status").asString())
                .isEqualTo("UNTRUSTED");

        Map<String, Object> revoke = new java.util.HashMap<>(peerBody(hubs.hunan, List.of(gdResource), List.of("*")));
        revoke.put("status", "REVOKED");
        assertThat(hubs.guangdong
                        .api("admin")
                        .put("/api/federation/peers/430000", revoke)
                        .status())
                .isEqualTo(200);
        JsonNode test = hubs.hunan
                .api("ops")
                .post("/api/federation/peers/440000/test", Map.of())
                .json();
        assertThat(test.get("receipted").asBoolean()).isFalse();
        assertThat(test.get("code").asString()).isEqualTo("peer-revoked");
        assertThat(hubs.guangdong
                        .api("admin")
                        .put("/api/federation/peers/430000", peerBody(hubs.hunan, List.of(gdResource), List.of("*")))
                        .status())
                .isEqualTo(200);
        assertThat(hubs.hunan
                        .api("ops")
                        .post("/api/federation/peers/440000/test", Map.of())
                        .json()
                        .get("receipted")
                        .asBoolean())
                .isTrue();

        Map<String, Object> forged = Map.of(
                "records",
                List.of(Map.of(
                        "orderKey",
                        "x",
                        "envelope",
                        new cn.tongban.exchange.Envelope(
                                1,
                                "d",
                                gdResource,
                                crossAgreement,
                                hnDepartment.uscc(),
                                null,
                                null,
                                "forged",
                                null,
                                Instant.now().toString(),
                                "0",
                                "\"string\"",
                                "",
                                null,
                                new cn.tongban.exchange.Envelope.Signature(
                                        "RECORD",
                                        "SM3withSM2",
                                        "1234567812345678",
                                        hubs.guangdong.keys().keyId(),
                                        "AAAA",
                                        null)))));
        WireMessage records = new WireMessage(
                FederationWire.PROTOCOL,
                UUID.randomUUID().toString(),
                null,
                "440000",
                "430000",
                Instant.now().toString(),
                "n-" + UUID.randomUUID(),
                MessageType.RECORDS,
                gdResource,
                crossAgreement,
                null,
                null,
                null,
                OutboundMessage.JSON,
                Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(forged)));
        byte[] body = JSON.writeValueAsBytes(records);
        HttpResponse<byte[]> refused = http.send(
                HttpRequest.newBuilder(URI.create(hubs.hunan.url() + FederationWire.MESSAGES_PATH))
                        .header("Content-Type", "application/json")
                        .header(
                                FederationWire.SIGNATURE_HEADER,
                                FederationWire.sign(hubs.guangdong.keys().current(), body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.statusCode())
                .as(new String(refused.body(), StandardCharsets.UTF_8))
                .isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("signature");
        assertThat(hnDepartment.admin().get("/api/exchange/mailbox").body()).doesNotContain("forged");
        Map<String, Object> revokeImpostor = new java.util.HashMap<>(Map.of(
                "province",
                "650000",
                "name",
                "冒名平台",
                "baseUrl",
                hubs.guangdong.url(),
                "certificatePem",
                HubKeys.ephemeral("CN=impostor").certificatePem(),
                "status",
                "REVOKED",
                "outboundResources",
                List.of(),
                "inboundResources",
                List.of(),
                "reason",
                "锚证书不符, 撤销"));
        assertThat(hubs.hunan
                        .api("admin")
                        .put("/api/federation/peers/650000", revokeImpostor)
                        .status())
                .isEqualTo(200);
    }

    @Test
    @Order(10)
    void s10b_aPeerWhoseAnchorHasExpiredIsRefused() throws Exception {
        java.security.KeyPair pair = cn.tongban.signing.Sm2Signer.generate();
        java.time.Instant past = Instant.now().minus(Duration.ofDays(400));
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=海南省政务数据共享交换平台,C=CN");
        java.security.cert.X509Certificate expired = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .setProvider(BC)
                .getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                                name,
                                java.math.BigInteger.TEN,
                                java.util.Date.from(past),
                                java.util.Date.from(past.plus(Duration.ofDays(30))),
                                name,
                                pair.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SM3withSM2")
                                .setProvider(BC)
                                .build(pair.getPrivate())));
        Api.Reply registered = hubs.guangdong
                .api("admin")
                .post(
                        "/api/federation/peers",
                        Map.of(
                                "province",
                                "460000",
                                "name",
                                "海南省政务数据共享交换平台",
                                "baseUrl",
                                "http://127.0.0.1:9",
                                "certificatePem",
                                HubKeys.pemOf(expired),
                                "outboundResources",
                                List.of(),
                                "inboundResources",
                                List.of(),
                                "reason",
                                "测试: 过期的锚证书"));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        WireMessage test = new WireMessage(
                FederationWire.PROTOCOL,
                UUID.randomUUID().toString(),
                null,
                "460000",
                "440000",
                Instant.now().toString(),
                "n-" + UUID.randomUUID(),
                MessageType.TEST,
                null,
                null,
                null,
                null,
                null,
                OutboundMessage.JSON,
                null);
        byte[] body = JSON.writeValueAsBytes(test);
        String signature = "keyId=" + HubKeys.keyIdOf(expired) + ";algorithm=SM3withSM2;value="
                + Base64.getEncoder().encodeToString(cn.tongban.signing.Sm2Signer.sign(pair.getPrivate(), body));
        assertRefused(post(body, signature), 401, "certificate-expired");
    }

    @Test
    @Order(11)
    void s11_whileHunanIsDownGuangdongKeepsItsRecordsAndSendsEachOnceWhenItIsBack() {
        hubs.stop(hubs.hunan);
        List<Map<String, Object>> more = new java.util.ArrayList<>();
        for (int i = 4; i <= 6; i++) {
            more.add(record("gd-" + i, "440106"));
        }
        Api.Reply pushed = gdDepartment.admin().post("/api/exchange/intake/" + gdResource, Map.of("records", more));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> hubs.guangdong
                                .api("ops")
                                .get("/api/federation/peers/430000")
                                .json()
                                .get("status")
                                .asString(),
                        "UNREACHABLE"::equals);

        hubs.restart(hubs.hunan);
        List<String> ids = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            List<String> seen = new java.util.ArrayList<>();
                            hnDepartment
                                    .admin()
                                    .get("/api/exchange/mailbox?limit=500")
                                    .json()
                                    .forEach(m -> seen.add(
                                            m.at("/envelope/sourceRecordId").asString()));
                            return seen;
                        },
                        seen -> seen.containsAll(List.of("gd-4", "gd-5", "gd-6")));
        assertThat(ids)
                .as("nothing lost, nothing doubled")
                .containsExactly("gd-1", "gd-2", "gd-3", "gd-4", "gd-5", "gd-6");
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> hubs.guangdong
                                .api("ops")
                                .get("/api/federation/peers/430000")
                                .json()
                                .get("status")
                                .asString(),
                        "CONNECTED"::equals);
    }

    private static Map<String, Object> record(String sourceId, String region) {
        String idNumber = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.security.SecureRandom(), region, java.time.LocalDate.of(1990, 1, 1));
        return Map.of(
                "sourceRecordId",
                sourceId,
                "record",
                Map.of(
                        "certificateNo",
                        "105581202400" + sourceId.hashCode() % 100,
                        "name",
                        "李四",
                        "idNumber",
                        idNumber,
                        "school",
                        "中山大学",
                        "mobile",
                        "13800138000",
                        "religion",
                        "无"));
    }

    private Map<String, Object> peerBody(TwoHubs.Hub peer, List<String> outbound, List<String> inbound) {
        return Map.of(
                "province",
                peer.province,
                "name",
                peer.province.equals("440000") ? "广东省政务数据共享交换平台" : "湖南省政务数据共享交换平台",
                "baseUrl",
                peer.url(),
                "certificatePem",
                Api.at(peer.port).get("/api/exchange/hub-certificate").body(),
                "outboundResources",
                outbound,
                "inboundResources",
                inbound,
                "reason",
                "跨省通办对接");
    }

    /** A timeline as both sides must show it: each step's status, province and carrying message. */
    private static List<String> steps(JsonNode c) {
        List<String> steps = new java.util.ArrayList<>();
        c.get("timeline")
                .forEach(s -> steps.add(s.get("status").asString() + "@"
                        + s.get("province").asString() + "/"
                        + (s.get("messageId") == null ? "-" : s.get("messageId").asString())));
        return steps;
    }

    private WireMessage message(String id, Instant at, String nonce) {
        return new WireMessage(
                FederationWire.PROTOCOL,
                id,
                null,
                "430000",
                "440000",
                at.toString(),
                nonce,
                MessageType.TEST,
                null,
                null,
                null,
                null,
                null,
                OutboundMessage.JSON,
                Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<byte[]> post(byte[] body, String signature) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hubs.guangdong.url() + FederationWire.MESSAGES_PATH))
                        .header("Content-Type", "application/json")
                        .header(FederationWire.SIGNATURE_HEADER, signature)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private void assertRefused(HttpResponse<byte[]> response, int status, String code) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode error = JSON.readTree(text);
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("fault").asString()).isEqualTo("SENDER");
        assertSignedByGuangdong(response);
    }

    private void assertSignedByGuangdong(HttpResponse<byte[]> response) {
        String pem =
                Api.at(hubs.guangdong.port).get("/api/exchange/hub-certificate").body();
        assertThat(FederationWire.verifies(
                        response.headers()
                                .firstValue(FederationWire.SIGNATURE_HEADER)
                                .orElse(null),
                        response.body(),
                        HubKeys.readCertificate(pem).getPublicKey()))
                .as("the answer is signed by Guangdong's anchor")
                .isTrue();
        await().atMost(Duration.ofSeconds(1)).until(() -> true);
    }
}
