package cn.tongban.security;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signed system requests over real HTTP (docs/signed-requests.md): a participant's system pushes
 * records signed with its registered SM2 key; a replayed, stale, altered or foreign request is
 * refused with the rule it broke and writes nothing; a participant that requires signatures
 * refuses its own HTTP Basic system credential. #13
 */
@HubTest
class SignedRequestsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    CatalogFixture fixture;
    Party provider;
    String code;
    final Random random = new Random(13);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void province() {
        fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(签名)", "DEPARTMENT");
        code = CatalogFixture.resourceCode();
        Api.Reply resource =
                provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()));
        assertThat(resource.status()).as(resource.toString()).isEqualTo(201);
    }

    @Test
    void s01_aSignedPushIsAcceptedAsTheParticipantsSystem() {
        KeyPair system = Sm2Signer.generate();
        Api.Reply registered = register(provider, pem(system), "学籍系统");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String keyId = registered.json().get("keyId").asString();
        assertThat(keyId).isEqualTo(SignedRequests.keyId(system.getPublic()));
        assertThat(registered.header("Location")).endsWith("/system-keys/" + keyId);

        Api.Reply me = signed("GET", "/api/security/me", new byte[0], system.getPrivate(), keyId, clock);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().get("name").asString()).isEqualTo("sm2:" + keyId.substring(0, 16));
        assertThat(me.json().get("participantUscc").asString()).isEqualTo(provider.uscc());
        assertThat(me.json().get("roles").toString()).isEqualTo("[\"SYSTEM\"]");

        Api.Reply pushed = push(records("S-1", "S-2"), system.getPrivate(), keyId, clock);
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(batches()).isEqualTo(1);

        assertThat(provider.admin()
                        .get("/api/catalog/participants/" + provider.uscc() + "/system-keys")
                        .json()
                        .at("/0/label")
                        .asString())
                .isEqualTo("学籍系统");
    }

    @Test
    void s02_theSameRequestReplayedIsRefusedAndWritesNothing() {
        KeyPair system = Sm2Signer.generate();
        String keyId = keyIdOf(register(provider, pem(system), null));
        byte[] body = records("R-1");
        String path = "/api/exchange/intake/" + code + "?signing=RECORD";
        Map<String, String> headers = SignedRequests.sign("POST", path, body, system.getPrivate(), keyId, clock);

        assertThat(send("POST", path, body, headers).status()).isEqualTo(202);
        Api.Reply replayed = send("POST", path, body, headers);
        assertRefused(replayed, "replayed-nonce");
        assertThat(batches()).isEqualTo(1);
    }

    @Test
    void s03_aTimestampOutsideTheReplayWindowIsRefused() {
        KeyPair system = Sm2Signer.generate();
        String keyId = keyIdOf(register(provider, pem(system), null));
        Clock late = Clock.offset(clock, Duration.ofMinutes(-6));
        Clock early = Clock.offset(clock, Duration.ofMinutes(6));
        assertRefused(push(records("T-1"), system.getPrivate(), keyId, late), "timestamp-out-of-window");
        assertRefused(push(records("T-1"), system.getPrivate(), keyId, early), "timestamp-out-of-window");
        Clock skewed = Clock.offset(clock, Duration.ofMinutes(-4));
        assertThat(push(records("T-1"), system.getPrivate(), keyId, skewed).status())
                .as("within the window")
                .isEqualTo(202);
        assertThat(batches()).isEqualTo(1);
    }

    @Test
    void s04_aBodyChangedAfterSigningIsRefused() {
        KeyPair system = Sm2Signer.generate();
        String keyId = keyIdOf(register(provider, pem(system), null));
        String path = "/api/exchange/intake/" + code;
        byte[] signedBody = records("B-1");
        byte[] changed = records("B-2");
        Map<String, String> headers = SignedRequests.sign("POST", path, signedBody, system.getPrivate(), keyId, clock);
        assertRefused(send("POST", path, changed, headers), "digest-mismatch");

        Map<String, String> redigested =
                new HashMap<>(SignedRequests.sign("POST", path, signedBody, system.getPrivate(), keyId, clock));
        redigested.put(
                SignedRequests.CONTENT_SM3, java.util.HexFormat.of().formatHex(cn.tongban.signing.Sm3.digest(changed)));
        assertRefused(send("POST", path, changed, redigested), "bad-signature");

        Map<String, String> elsewhere = SignedRequests.sign(
                "POST", "/api/exchange/intake/OTHER", signedBody, system.getPrivate(), keyId, clock);
        assertRefused(send("POST", path, signedBody, elsewhere), "bad-signature");
        assertThat(batches()).isZero();
    }

    @Test
    void s05_anUnknownOrRevokedKeyIsRefused() {
        KeyPair stranger = Sm2Signer.generate();
        Api.Reply unknown =
                push(records("U-1"), stranger.getPrivate(), SignedRequests.keyId(stranger.getPublic()), clock);
        assertRefused(unknown, "unknown-key");
        assertThat(unknown.body()).doesNotContain(SignedRequests.keyId(stranger.getPublic()));

        KeyPair system = Sm2Signer.generate();
        String keyId = keyIdOf(register(provider, pem(system), null));
        assertThat(push(records("U-2"), system.getPrivate(), keyId, clock).status())
                .isEqualTo(202);
        assertThat(provider.admin()
                        .delete("/api/catalog/participants/" + provider.uscc() + "/system-keys/" + keyId)
                        .status())
                .isEqualTo(204);
        assertRefused(push(records("U-3"), system.getPrivate(), keyId, clock), "unknown-key");
        assertThat(batches()).isEqualTo(1);
        assertThat(provider.admin()
                        .get("/api/catalog/participants/" + provider.uscc() + "/system-keys")
                        .json()
                        .at("/0/revokedAt")
                        .isNull())
                .isFalse();

        Api.Reply malformed =
                send("GET", "/api/security/me", new byte[0], Map.of("Authorization", "TONGBAN-SM2 keyId=x, nonce=y"));
        assertRefused(malformed, "malformed-authorization");
    }

    @Test
    void s06_anotherParticipantsKeyCannotActForThisParticipant() {
        Party other = fixture.participant("卫健委(签名)", "DEPARTMENT");
        KeyPair otherSystem = Sm2Signer.generate();
        String otherKey = keyIdOf(register(other, pem(otherSystem), null));

        Api.Reply foreign = push(records("F-1"), otherSystem.getPrivate(), otherKey, clock);
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(403);
        assertThat(batches()).isZero();

        assertThat(register(provider, pem(otherSystem), null).status())
                .as("a key belongs to one participant")
                .isEqualTo(409);
        assertThat(register(other, pem(Sm2Signer.generate()), null, provider.uscc())
                        .status())
                .as("another participant's administrator registers nothing here")
                .isEqualTo(403);
        assertThat(provider.approver()
                        .get("/api/catalog/participants/" + provider.uscc() + "/system-keys")
                        .status())
                .isEqualTo(403);
        Api.Reply signedAdmin = signed(
                "GET",
                "/api/catalog/participants/" + other.uscc() + "/system-keys",
                new byte[0],
                otherSystem.getPrivate(),
                otherKey,
                clock);
        assertThat(signedAdmin.status())
                .as("a system does not manage keys, its administrator does")
                .isEqualTo(403);
    }

    @Test
    void s07_aParticipantRequiringSignaturesRefusesItsBasicCredential() {
        String settings = "/api/catalog/participants/" + provider.uscc() + "/authentication";
        Api.Reply tooEarly = provider.admin().put(settings, Map.of("requireSignedRequests", true));
        assertThat(tooEarly.status()).isEqualTo(400);
        assertThat(tooEarly.violations()).containsExactly("requireSignedRequests:active-key-required");

        Api.Reply issued =
                provider.admin().post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of());
        Api basic = Api.at(port)
                .as(
                        issued.json().get("keyId").asString(),
                        issued.json().get("secret").asString());
        assertThat(basic.post("/api/exchange/intake/" + code, recordsJson("C-1"))
                        .status())
                .isEqualTo(202);

        HubKeys certified = HubKeys.ephemeral("学籍系统");
        Api.Reply registered = register(provider, certified.certificatePem(), "证书");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String keyId = keyIdOf(registered);
        assertThat(keyId)
                .as("a certificate's key id is its key's")
                .isEqualTo(SignedRequests.keyId(certified.publicKey()));

        assertThat(provider.approver()
                        .put(settings, Map.of("requireSignedRequests", true))
                        .status())
                .isEqualTo(403);
        Api.Reply required = provider.admin().put(settings, Map.of("requireSignedRequests", true));
        assertThat(required.status()).as(required.toString()).isEqualTo(200);
        assertThat(provider.admin()
                        .get(settings)
                        .json()
                        .get("requireSignedRequests")
                        .asBoolean())
                .isTrue();

        Api.Reply refused = basic.post("/api/exchange/intake/" + code, recordsJson("C-2"));
        assertRefused(refused, "signed-requests-required");
        assertThat(provider.admin()
                        .get("/api/catalog/participants/" + provider.uscc())
                        .status())
                .as("people's logins are unaffected")
                .isEqualTo(200);
        assertThat(push(records("C-3"), certified.signingKey(), keyId, clock).status())
                .isEqualTo(202);
        assertThat(batches()).isEqualTo(2);

        assertThat(provider.admin()
                        .put(settings, Map.of("requireSignedRequests", false))
                        .status())
                .isEqualTo(200);
        assertThat(basic.post("/api/exchange/intake/" + code, recordsJson("C-4"))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void s08_onlySm2KeysAreRegistered() {
        Api.Reply notPem = register(provider, "not a key", null);
        assertThat(notPem.status()).isEqualTo(400);
        assertThat(notPem.violations()).containsExactly("publicKeyPem:sm2-public-key");
        assertThat(Api.at(port)
                        .as("admin")
                        .get("/api/catalog/participants/" + provider.uscc() + "/system-keys")
                        .status())
                .as("a platform administrator manages any participant's keys")
                .isEqualTo(200);
    }

    private Api.Reply register(Party party, String pem, String label) {
        return register(party, pem, label, party.uscc());
    }

    private static Api.Reply register(Party party, String pem, String label, String uscc) {
        Map<String, Object> body = new HashMap<>(Map.of("publicKeyPem", pem));
        if (label != null) {
            body.put("label", label);
        }
        return party.admin().post("/api/catalog/participants/" + uscc + "/system-keys", body);
    }

    private static String keyIdOf(Api.Reply registered) {
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        return registered.json().get("keyId").asString();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private Api.Reply push(byte[] body, PrivateKey key, String keyId, Clock at) {
        return signed("POST", "/api/exchange/intake/" + code, body, key, keyId, at);
    }

    private Api.Reply signed(String method, String path, byte[] body, PrivateKey key, String keyId, Clock at) {
        return send(method, path, body, SignedRequests.sign(method, path, body, key, keyId, at));
    }

    private Api.Reply send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Api.Reply(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body(),
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(Api.Reply reply, String rule) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.violations()).containsExactly("Authorization:" + rule);
    }

    private long batches() {
        return jdbc.sql("select count(*) from exchange_batch where resource_code = ?")
                .param(code)
                .query(Long.class)
                .single();
    }

    private byte[] records(String... sourceIds) {
        return JSON.writeValueAsBytes(recordsJson(sourceIds));
    }

    private Map<String, Object> recordsJson(String... sourceIds) {
        List<Map<String, Object>> records = java.util.Arrays.stream(sourceIds)
                .map(id -> Map.<String, Object>of(
                        "sourceRecordId",
                        id,
                        "record",
                        Map.of(
                                "certificateNo", "10542120200500" + id.hashCode() % 1000,
                                "name", "张三",
                                "idNumber", SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1995, 5, 20)),
                                "school", "湖南大学",
                                "mobile", "13812345678",
                                "religion", "无")))
                .toList();
        return Map.of("records", records);
    }
}
