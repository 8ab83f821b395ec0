package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.exchange.ExchangeProvinceAccess;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.ledger.BundleVerifier;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hub's certificate as an outsider pins it: its fingerprint from the running hub, evidence
 * bundles verified against it, and a key rotation after which old bundles, envelopes and seals
 * verify with the old certificate and new ones only with the new (ADR 0014).
 */
@HubTest
class HubKeyRotationIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    ExchangeProvinceAccess province;
    String person;

    @BeforeEach
    void province() {
        province = new ExchangeProvinceAccess(port);
        person = SyntheticIdentifiers.idNumber(new Random(), "430102", LocalDate.of(1988, 8, 8));
    }

    @AfterEach
    void close() {
        province.close();
    }

    @Test
    void s01_theHubStatesItsCertificatesFingerprintAndABundlePinnedToItVerifies() throws Exception {
        Api.Reply pem = Api.at(port).get("/api/exchange/hub-certificate");
        String fingerprint = pem.header("Tongban-Certificate-Fingerprint");
        assertThat(fingerprint).isEqualTo(HubKeys.keyIdOf(HubKeys.readCertificate(pem.body())));
        JsonNode published = Api.at(port).get("/api/exchange/hub-certificates").json();
        assertThat(published.get(0).get("fingerprint").asString()).isEqualTo(fingerprint);
        assertThat(published.get(0).get("status").asString()).isEqualTo("CURRENT");

        province.push("K-1", person);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 1);
        Path bundle = bundle("pinned.zip");
        BundleVerifier.Verdict pinned = BundleVerifier.verify(bundle, Set.of(fingerprint));
        assertThat(pinned.outcome()).as(pinned.toString()).isEqualTo(BundleVerifier.Outcome.VALID);
        Path trust = dir.resolve("hub.pem");
        Files.writeString(trust, pem.body());
        assertThat(BundleVerifier.verify(bundle, BundleVerifier.fingerprintsIn(trust))
                        .valid())
                .isTrue();
        String other = HubKeys.ephemeral("another hub").keyId();
        assertThat(BundleVerifier.verify(bundle, Set.of(other)).outcome()).isEqualTo(BundleVerifier.Outcome.UNTRUSTED);
    }

    @Test
    void s02_afterARotationOldAndNewEvidenceVerifyEachWithItsOwnCertificate() throws Exception {
        province.push("R-1", person);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 1);
        Path before = bundle("before.zip");
        String old = Api.at(port).get("/api/exchange/hub-certificate").header("Tongban-Certificate-Fingerprint");

        Map<String, String> reason = Map.of("reason", "annual rotation");
        assertThat(Api.at(port)
                        .as("ops")
                        .post("/api/ops/hub-keys/rotate", reason)
                        .status())
                .isEqualTo(403);
        Api.Reply rotated = Api.at(port).as("admin").post("/api/ops/hub-keys/rotate", reason);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.json().get("previousFingerprint").asString()).isEqualTo(old);
        String now = rotated.json().get("fingerprint").asString();
        assertThat(now).isNotEqualTo(old);
        assertThat(Api.at(port).get("/api/exchange/hub-certificate").header("Tongban-Certificate-Fingerprint"))
                .isEqualTo(now);
        Map<String, X509Certificate> certificates = published();
        assertThat(certificates).containsKeys(old, now);

        // The bundle from before the rotation: valid pinned to the old certificate.
        assertThat(BundleVerifier.verify(before, Set.of(old)).outcome()).isEqualTo(BundleVerifier.Outcome.VALID);

        province.push("R-2", person);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 2);
        Path after = bundle("after.zip");
        BundleVerifier.Verdict pinnedNew = BundleVerifier.verify(after, Set.of(now));
        assertThat(pinnedNew.outcome()).as(pinnedNew.toString()).isEqualTo(BundleVerifier.Outcome.VALID);
        assertThat(BundleVerifier.verify(after, Set.of(old)).outcome()).isEqualTo(BundleVerifier.Outcome.UNTRUSTED);
        assertThat(HubKeys.readCertificates(entry(after, "hub-certificate.pem")))
                .extracting(HubKeys::keyIdOf)
                .containsExactly(now, old);

        // Envelopes name the key that signed them and verify with that certificate, old ones too.
        JsonNode second = province.webhook().envelopes().get(1);
        assertThat(second.get("signature").get("keyId").asString()).isEqualTo(now);
        assertThat(verify(second, certificates)).isNull();
        List<JsonNode> mailbox =
                await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 2);
        Map<String, String> keyBySource = new HashMap<>();
        for (JsonNode item : mailbox) {
            JsonNode envelope = item.get("envelope");
            keyBySource.put(
                    envelope.get("sourceRecordId").asString(),
                    envelope.get("signature").get("keyId").asString());
            assertThat(verify(envelope, certificates)).isNull();
        }
        assertThat(keyBySource).containsEntry("R-1", old).containsEntry("R-2", now);

        Api auditor = Api.at(port).as("auditor");
        JsonNode check = auditor.get("/api/audit/verify").json();
        assertThat(check.get("intact").asBoolean()).as(check.toString()).isTrue();
        List<String> details = new ArrayList<>();
        auditor.get("/api/audit/events?type=HUB_KEY_ROTATED&size=100")
                .json()
                .get("items")
                .forEach(e -> details.add(e.get("details").asString()));
        assertThat(details)
                .anySatisfy(d -> assertThat(d)
                        .contains("\"previousKeyId\":\"" + old + "\"", "\"keyId\":\"" + now + "\"", "annual rotation"));
    }

    @Test
    void s03_afterADataKeyRotationRecordsStoredBeforeAndAfterAreBothReadable() {
        province.push("D-1", person);
        await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 1);
        Map<String, String> reason = Map.of("reason", "data key rotation");
        assertThat(Api.at(port)
                        .as("ops")
                        .post("/api/ops/data-keys/rotate", reason)
                        .status())
                .isEqualTo(403);
        Api.Reply rotated = Api.at(port).as("admin").post("/api/ops/data-keys/rotate", reason);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String before = rotated.json().get("previousKeyId").asString();
        String now = rotated.json().get("keyId").asString();
        assertThat(now).isNotEqualTo(before);

        province.push("D-2", person);
        List<JsonNode> mailbox =
                await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 2);
        Map<String, X509Certificate> certificates = published();
        for (JsonNode item : mailbox) {
            assertThat(verify(item.get("envelope"), certificates)).isNull();
        }
        List<String> details = new ArrayList<>();
        Api.at(port)
                .as("auditor")
                .get("/api/audit/events?type=DATA_KEY_ROTATED&size=100")
                .json()
                .get("items")
                .forEach(e -> details.add(e.get("details").asString()));
        assertThat(details).anySatisfy(d -> assertThat(d).contains(before, now));
    }

    private Map<String, X509Certificate> published() {
        Map<String, X509Certificate> byFingerprint = new HashMap<>();
        for (JsonNode c : Api.at(port).get("/api/exchange/hub-certificates").json()) {
            X509Certificate certificate = HubKeys.readCertificate(c.get("pem").asString());
            assertThat(HubKeys.keyIdOf(certificate))
                    .isEqualTo(c.get("fingerprint").asString());
            byFingerprint.put(c.get("fingerprint").asString(), certificate);
        }
        return byFingerprint;
    }

    /** Checked as an outsider would: with the published certificate the envelope names. */
    private static String verify(JsonNode envelope, Map<String, X509Certificate> certificates) {
        X509Certificate certificate =
                certificates.get(envelope.get("signature").get("keyId").asString());
        assertThat(certificate)
                .as("the certificate the envelope names is published")
                .isNotNull();
        return EnvelopeVerifier.problem(JSON.treeToValue(envelope, Envelope.class), certificate.getPublicKey());
    }

    private Path bundle(String fileName) throws Exception {
        byte[] bundle = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + port + "/api/audit/bundle?idNumber=" + person))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder().encodeToString("auditor:tongban-demo".getBytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        Path file = dir.resolve(fileName);
        Files.write(file, bundle);
        return file;
    }

    private static String entry(Path bundle, String name) throws Exception {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(bundle)))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().equals(name)) {
                    return new String(zip.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
        }
        throw new AssertionError(name + " is not in " + bundle);
    }
}
