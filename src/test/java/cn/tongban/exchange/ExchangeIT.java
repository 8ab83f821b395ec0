package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import cn.tongban.support.WebhookServer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Records from a supplier to two demanders with different agreements, over real HTTP: each gets
 * exactly its granted, masked fields in envelopes that verify with the hub's certificate; a
 * demander that is down gets everything once back; bad records wait in quarantine for correction.
 */
@HubTest
class ExchangeIT {

    @LocalServerPort
    int port;

    ExchangeProvince province;
    Party provider;
    Party notary;
    Party insurer;
    Api supplierSystem;
    String code;
    WebhookServer webhook;

    @BeforeEach
    void province() {
        province = new ExchangeProvince(port);
        provider = province.provider;
        notary = province.notary;
        insurer = province.insurer;
        supplierSystem = province.supplierSystem;
        code = province.code;
        webhook = province.webhook;
    }

    @AfterEach
    void stop() {
        province.close();
    }

    @Test
    void s01_eachDemanderGetsExactlyItsGrantedMaskedFieldsSigned() {
        List<Map<String, Object>> records =
                List.of(province.record("S-1", "张三丰"), province.record("S-2", "李四"), ExchangeProvince.bad("S-3"));
        Api.Reply pushed = supplierSystem.post("/api/exchange/intake/" + code, Map.of("records", records));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(pushed.json().get("quarantined").asInt()).isEqualTo(1);
        assertThat(pushed.json().get("deliveries").asInt()).isEqualTo(4);
        assertThat(pushed.json().at("/results/2/reasons/0/rule").asString()).isEqualTo("id-number-gb11643");
        assertThat(pushed.body()).doesNotContain("430102").as("no personal data in the answer");

        await().atMost(Duration.ofSeconds(15)).until(() -> webhook.envelopes().size() == 2);
        for (JsonNode envelope : webhook.envelopes()) {
            assertThat(ExchangeProvince.fields(envelope.get("record")))
                    .containsExactly("certificateNo", "name", "idNumber", "school");
            assertThat(envelope.at("/record/idNumber").asString()).matches("430102\\*{8}\\d{3}[0-9X]");
            assertThat(province.verify(envelope)).isNull();
            assertThat(envelope.at("/signature/mode").asString()).isEqualTo("BATCH");
        }
        assertThat(webhook.envelopes().get(0).at("/record/name").asString()).isEqualTo("张*丰");

        List<JsonNode> mailbox =
                await().atMost(Duration.ofSeconds(15)).until(() -> province.mailbox(insurer), m -> m.size() == 2);
        for (JsonNode item : mailbox) {
            JsonNode envelope = item.get("envelope");
            assertThat(ExchangeProvince.fields(envelope.get("record"))).containsExactly("certificateNo", "mobile");
            assertThat(envelope.at("/record/mobile").asString()).isEqualTo("138****5678");
            assertThat(province.verify(envelope)).isNull();
        }
        List<Long> ids = mailbox.stream().map(m -> m.get("id").asLong()).toList();
        assertThat(insurer.admin()
                        .post("/api/exchange/mailbox/ack", Map.of("ids", ids))
                        .json()
                        .get("acknowledged")
                        .asInt())
                .isEqualTo(2);
        assertThat(province.mailbox(insurer)).isEmpty();

        JsonNode tampered = webhook.envelopes().get(0).deepCopy();
        ((tools.jackson.databind.node.ObjectNode) tampered.get("record")).put("school", "伪造大学");
        assertThat(province.verify(tampered)).isEqualTo("the record differs from its signed Avro bytes");
        JsonNode resigned = webhook.envelopes().get(1).deepCopy();
        ((tools.jackson.databind.node.ObjectNode) resigned).put("purpose", "另作他用");
        assertThat(province.verify(resigned)).isEqualTo("the inclusion proof does not lead to the sealed root");
    }

    @Test
    void s02_perRecordSigningAndResentRecordsAreNotDeliveredTwice() {
        List<Map<String, Object>> records = List.of(province.record("R-1", "王五"), province.record("R-2", "赵六"));
        Api.Reply first =
                supplierSystem.post("/api/exchange/intake/" + code + "?signing=RECORD", Map.of("records", records));
        assertThat(first.json().get("deliveries").asInt()).isEqualTo(4);
        Api.Reply again =
                supplierSystem.post("/api/exchange/intake/" + code + "?signing=RECORD", Map.of("records", records));
        assertThat(again.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(again.json().get("deliveries").asInt())
                .as("same records, same idempotency keys")
                .isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> webhook.envelopes().size() == 2);
        assertThat(webhook.envelopes()).allSatisfy(e -> {
            assertThat(e.at("/signature/mode").asString()).isEqualTo("RECORD");
            assertThat(province.verify(e)).isNull();
        });
    }

    @Test
    void s03_aDemanderThatIsDownGetsEverythingOnceBackInOrder() throws Exception {
        webhook.answer(503);
        List<Map<String, Object>> records = new ArrayList<>();
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1990, 1, 1));
        for (int i = 1; i <= 5; i++) {
            records.add(ExchangeProvince.record("P-" + i, "钱七", person));
        }
        supplierSystem.post("/api/exchange/intake/" + code, Map.of("records", records));
        await().atMost(Duration.ofSeconds(10)).until(() -> webhook.calls() >= 2);
        assertThat(webhook.envelopes()).isEmpty();

        webhook.answer(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> webhook.envelopes().size() == 5);
        assertThat(webhook.envelopes().stream().map(e -> e.get("sourceRecordId").asString()))
                .as("one person's records arrive in order")
                .containsExactly("P-1", "P-2", "P-3", "P-4", "P-5");
    }

    @Test
    void s04_afterTheLastAttemptADeliveryIsDeadLetteredAndReplayable() {
        webhook.answer(500);
        // Unique in the database: other tests' dead letters may share it (CI runs every test on one database).
        String sourceId = "D-" + code;
        supplierSystem.post(
                "/api/exchange/intake/" + code, Map.of("records", List.of(province.record(sourceId, "孙八"))));
        Api ops = Api.at(port).as("ops");
        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadFor(ops, sourceId), d -> d != null);
        assertThat(dead.get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.get("lastError").asString()).isEqualTo("the endpoint answered HTTP 500");
        assertThat(notary.admin().get("/api/exchange/dead-letters").body()).contains(sourceId);
        assertThat(insurer.admin()
                        .post("/api/exchange/dead-letters/" + dead.get("id").asLong() + "/replay", Map.of())
                        .status())
                .isEqualTo(404);

        webhook.answer(200);
        assertThat(notary.admin()
                        .post("/api/exchange/dead-letters/" + dead.get("id").asLong() + "/replay", Map.of())
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> webhook.envelopes().size() == 1);
        assertThat(province.verify(webhook.envelopes().get(0))).isNull();
    }

    @Test
    void s05_aBadRecordWaitsInQuarantineAndIsReplayedAfterCorrection() {
        Api.Reply pushed = supplierSystem.post(
                "/api/exchange/intake/" + code, Map.of("records", List.of(ExchangeProvince.bad("Q-1"))));
        String quarantineId = pushed.json().at("/results/0/quarantineId").asString();
        JsonNode held = provider.admin()
                .get("/api/exchange/quarantine?resource=" + code)
                .json();
        assertThat(held.findValuesAsString("id")).contains(quarantineId);
        assertThat(notary.admin()
                        .get("/api/exchange/quarantine?resource=" + code)
                        .json()
                        .findValuesAsString("id"))
                .doesNotContain(quarantineId);

        Map<String, Object> stillBad =
                Map.of("record", ExchangeProvince.bad("Q-1").get("record"));
        Api.Reply refused = provider.admin().post("/api/exchange/quarantine/" + quarantineId + "/replay", stillBad);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.violations()).containsExactly("idNumber:id-number-gb11643");

        Api.Reply replayed = provider.admin()
                .post(
                        "/api/exchange/quarantine/" + quarantineId + "/replay",
                        Map.of("record", province.record("Q-1", "周九").get("record")));
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(provider.admin()
                        .get("/api/exchange/quarantine?resource=" + code + "&status=REPLAYED")
                        .json()
                        .findValuesAsString("id"))
                .contains(quarantineId);
        await().atMost(Duration.ofSeconds(15)).until(() -> webhook.envelopes().size() == 1);
        assertThat(webhook.envelopes().get(0).get("sourceRecordId").asString()).isEqualTo("Q-1");
    }

    @Test
    void s06_badBatchesAreRefusedWholeAndOnlyTheProviderSupplies() {
        assertThat(notary.admin()
                        .post("/api/exchange/intake/" + code, Map.of("records", List.of(province.record("X-1", "吴十"))))
                        .status())
                .isEqualTo(403);
        assertThat(supplierSystem
                        .post(
                                "/api/exchange/intake/NO-SUCH-0001",
                                Map.of("records", List.of(province.record("X-1", "吴十"))))
                        .status())
                .isEqualTo(404);
        assertThat(supplierSystem
                        .post("/api/exchange/intake/" + code, Map.of("records", List.of()))
                        .violations())
                .containsExactly("records:not-empty");
        Api.Reply unknownField = supplierSystem.post(
                "/api/exchange/intake/" + code,
                Map.of(
                        "records",
                        List.of(Map.of("sourceRecordId", "X-2", "record", Map.of("certificateNo", "C", "salary", 1)))));
        assertThat(unknownField.json().at("/results/0/status").asString()).isEqualTo("QUARANTINED");
        assertThat(unknownField.json().at("/results/0/reasons").findValuesAsString("rule"))
                .contains("schema-field", "required");
    }

    @Test
    void s08_aDeadLetterWhoseEndpointLeftTheCatalogIsNotReplayedIntoNowhere() { // #12
        webhook.answer(500);
        supplierSystem.post("/api/exchange/intake/" + code, Map.of("records", List.of(province.record("O-1", "周十"))));
        Api ops = Api.at(port).as("ops");
        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadFor(ops, "O-1"), d -> d != null);
        JsonNode endpoint = notary.admin()
                .get("/api/catalog/participants/" + notary.uscc() + "/endpoints")
                .json()
                .get(0);
        assertThat(notary.admin()
                        .delete("/api/catalog/participants/" + notary.uscc() + "/endpoints/"
                                + endpoint.get("id").asString())
                        .status())
                .isEqualTo(204);
        Api.Reply replay = notary.admin()
                .post("/api/exchange/dead-letters/" + dead.get("id").asLong() + "/replay", Map.of());
        assertThat(replay.status()).as(replay.toString()).isEqualTo(409);
        assertThat(replay.violations()).contains("id:endpoint-registered");
    }

    private static JsonNode deadFor(Api ops, String sourceRecordId) {
        for (JsonNode dead : ops.get("/api/exchange/dead-letters").json()) {
            if (dead.get("sourceRecordId").asString().equals(sourceRecordId)) {
                return dead;
            }
        }
        return null;
    }

    @Test
    @SuppressWarnings("unchecked")
    void s07_anEndpointPinnedToAnOlderSchemaVersionGetsRecordsInThatVersion() {
        Map<String, Object> v2 = CatalogFixture.withField(
                CatalogFixture.resource(code, provider.uscc()),
                "{\"name\":\"degreeLevel\",\"type\":[\"null\",\"string\"],\"default\":null}",
                "degreeLevel");
        Api.Reply evolved = provider.admin().put("/api/catalog/resources/" + code, v2);
        assertThat(evolved.status()).as(evolved.toString()).isEqualTo(200);
        Party peer = new CatalogFixture(port).participant("广东平台(交换)", "PEER_PLATFORM");
        province.agree(peer, List.of("certificateNo", "school", "degreeLevel"), null);
        try (WebhookServer pinned = new WebhookServer();
                WebhookServer latest = new WebhookServer()) {
            Map<String, Object> pin = new java.util.HashMap<>(
                    Map.of("direction", "DEMAND", "kind", "WEBHOOK", "address", pinned.url(), "resourceCode", code));
            pin.put("schemaVersion", 9);
            assertThat(peer.admin()
                            .post("/api/catalog/participants/" + peer.uscc() + "/endpoints", pin)
                            .violations())
                    .containsExactly("schemaVersion:registered-version");
            pin.put("schemaVersion", 1);
            assertThat(peer.admin()
                            .post("/api/catalog/participants/" + peer.uscc() + "/endpoints", pin)
                            .status())
                    .isEqualTo(201);
            province.endpoint(peer, "DEMAND", "WEBHOOK", latest.url(), null);

            Map<String, Object> record = new java.util.HashMap<>(
                    (Map<String, Object>) province.record("V-1", "冯十二").get("record"));
            record.put("degreeLevel", "硕士");
            supplierSystem.post(
                    "/api/exchange/intake/" + code,
                    Map.of("records", List.of(Map.of("sourceRecordId", "V-1", "record", record))));

            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            pinned.envelopes().size() == 1 && latest.envelopes().size() == 1);
            JsonNode old = pinned.envelopes().get(0);
            assertThat(ExchangeProvince.fields(old.get("record"))).containsExactly("certificateNo", "school");
            assertThat(old.get("schema").asString()).doesNotContain("degreeLevel");
            assertThat(province.verify(old)).isNull();
            JsonNode current = latest.envelopes().get(0);
            assertThat(ExchangeProvince.fields(current.get("record")))
                    .containsExactly("certificateNo", "school", "degreeLevel");
            assertThat(current.at("/record/degreeLevel").asString()).isEqualTo("硕士");
            assertThat(province.verify(current)).isNull();
        }
    }
}
