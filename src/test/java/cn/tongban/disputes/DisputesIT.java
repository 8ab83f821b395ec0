package cn.tongban.disputes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.security.PublicKey;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * 数据异议 over real HTTP: an education department supplies degree records to a notary office and a
 * social insurance department, both by mailbox; the notary disputes a record it received, the
 * supplier corrects it (both demanders get the corrected record, its envelope naming the dispute,
 * signed — ADR 0019) or rejects the dispute with its reasons, and a dispute left unanswered past its
 * due day is escalated. Every step is in the ledger, without the reasons' text.
 */
@HubTest
class DisputesIT {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final String WRONG_SCHOOL = "湖南大学";
    private static final String RIGHT_SCHOOL = "中南大学";
    private static final String REASON = "院校名称与毕业证书不符，申请人张三持证书原件到场";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    WorkingDayCalendar calendar;

    final Random random = new Random();
    /** Each pushed record's person: a correction is of the same person's record. */
    final Map<String, String> persons = new HashMap<>();

    Party provider;
    Party notary;
    Party insurer;
    Api supplierSystem;
    String code;
    /** The hub's key as a demander has it: from the published certificate. */
    PublicKey hubKey;

    @BeforeEach
    void province() {
        CatalogFixture fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(异议)", "DEPARTMENT");
        notary = fixture.participant("公证处(异议)", "NOTARY_OFFICE");
        insurer = fixture.participant("人社厅(异议)", "DEPARTMENT");
        code = CatalogFixture.resourceCode();
        created(provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc())));
        // Unconditional fields only: both agreements are in force as filed.
        created(notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "name", "school"))));
        created(insurer.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(insurer.uscc(), code, List.of("certificateNo", "school"))));
        JsonNode credential = created(provider.admin()
                        .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of()))
                .json();
        supplierSystem = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        hubKey = HubKeys.readCertificate(
                        Api.at(port).get("/api/exchange/hub-certificate").body())
                .getPublicKey();
    }

    @Test
    void s01_aDemanderDisputesAReceivedRecordWhichIsOpenUntilItsDueDay() {
        String deliveryId = pushAndReceive("S-1");

        Api.Reply opened = notary.admin().post("/api/disputes", open(deliveryId, "school"));

        assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
        JsonNode dispute = opened.json();
        assertThat(dispute.get("status").asString()).isEqualTo("OPEN");
        assertThat(dispute.get("supplierUscc").asString()).isEqualTo(provider.uscc());
        assertThat(dispute.get("demanderUscc").asString()).isEqualTo(notary.uscc());
        assertThat(dispute.get("sourceRecordId").asString()).isEqualTo("S-1");
        assertThat(dispute.get("dueOn").asString())
                .isEqualTo(calendar.addWorkingDays(LocalDate.now(ZONE), 5).toString());
        String id = dispute.get("id").asString();
        assertThat(provider.admin().get("/api/disputes/" + id).status()).isEqualTo(200);
        assertThat(insurer.admin().get("/api/disputes/" + id).status())
                .as("not a party")
                .isEqualTo(404);
        assertThat(ids(provider.admin().get("/api/disputes?role=supplier&status=OPEN")))
                .contains(id);
        assertThat(ids(notary.admin().get("/api/disputes?role=demander"))).contains(id);
        assertThat(ids(notary.admin().get("/api/disputes?role=supplier"))).doesNotContain(id);
        assertThat(notary.admin()
                        .post("/api/disputes", open(deliveryId, "name"))
                        .status())
                .as("one dispute at a time about one delivery")
                .isEqualTo(409);

        JsonNode event = only(events("DISPUTE_OPENED"));
        assertThat(event.get("deliveryKey").asString()).isEqualTo(deliveryId);
        assertThat(event.get("sourceRecordId").asString()).isEqualTo("S-1");
        assertThat(event.get("participantUscc").asString()).isEqualTo(notary.uscc());
        assertThat(event.get("details").asString()).contains(id, "school");
        assertThat(event.toString()).doesNotContain(REASON, "张三");
    }

    @Test
    void s02_aFieldTheDeliveryDidNotCarryIsRefused() {
        String deliveryId = pushAndReceive("S-2");

        Api.Reply notGranted = notary.admin().post("/api/disputes", open(deliveryId, "school", "mobile"));
        assertThat(notGranted.status()).as(notGranted.toString()).isEqualTo(400);
        assertThat(notGranted.violations()).containsExactly("fields[1]:field-not-delivered");
        assertThat(notary.admin().post("/api/disputes", open(deliveryId)).status())
                .isEqualTo(400);
        assertThat(disputesOf(deliveryId)).isZero();
    }

    @Test
    void s03_whoNeverReceivedTheDeliveryCannotDisputeItAndNothingIsWritten() {
        String deliveryId = pushAndReceive("S-3");

        Api.Reply stranger = insurer.admin().post("/api/disputes", open(deliveryId, "school"));
        assertThat(stranger.status()).as(stranger.toString()).isEqualTo(404);
        assertThat(stranger.contentType()).startsWith("application/problem+json");
        assertThat(stranger.violations()).containsExactly("deliveryId:delivery-received");
        assertThat(provider.admin()
                        .post("/api/disputes", open(deliveryId, "school"))
                        .status())
                .as("the supplier did not receive it either")
                .isEqualTo(404);
        Api.Reply platform = Api.at(port).as("admin").post("/api/disputes", open(deliveryId, "school"));
        assertThat(platform.status()).isEqualTo(403);
        assertThat(platform.violations()).containsExactly("caller:demanders-own");
        assertThat(notary.approver()
                        .post("/api/disputes", open(deliveryId, "school"))
                        .status())
                .isEqualTo(403);

        assertThat(disputesOf(deliveryId)).isZero();
        assertThat(events("DISPUTE_OPENED")).isEmpty();
    }

    @Test
    void s04_theCorrectedRecordReachesEveryDemanderInForceAndTheDisputeIsCorrected() {
        String deliveryId = pushAndReceive("S-4");
        // The insurer has taken the wrong record from its mailbox already: it gets the correction all the same.
        List<JsonNode> insurers = await().until(() -> mailbox(insurer, "S-4"), m -> m.size() == 1);
        insurer.admin()
                .post(
                        "/api/exchange/mailbox/ack",
                        Map.of("ids", List.of(insurers.get(0).get("id").asLong())));
        String id = opened(notary.admin().post("/api/disputes", open(deliveryId, "school")));

        assertThat(notary.admin()
                        .post("/api/disputes/" + id + "/correct", correction("S-4"))
                        .status())
                .as("the demander does not correct the supplier's data")
                .isEqualTo(403);
        assertThat(provider.approver()
                        .post("/api/disputes/" + id + "/correct", correction("S-4"))
                        .status())
                .isEqualTo(403);
        Api.Reply corrected = supplierSystem.post("/api/disputes/" + id + "/correct", correction("S-4"));

        assertThat(corrected.status()).as(corrected.toString()).isEqualTo(200);
        assertThat(corrected.json().get("status").asString()).isEqualTo("CORRECTED");
        String batch = corrected.json().get("correctionBatchId").asString();
        assertThat(batch).isNotBlank();
        List<String> notarySchools = schools(mailbox(notary, "S-4"));
        assertThat(notarySchools).containsExactly(WRONG_SCHOOL, RIGHT_SCHOOL);
        assertThat(schools(mailbox(insurer, "S-4"))).containsExactly(RIGHT_SCHOOL);
        JsonNode wrong = mailbox(notary, "S-4").get(0).get("envelope");
        assertThat(wrong.get("version").asInt()).as("an ordinary envelope").isEqualTo(Envelope.VERSION);
        assertThat(wrong.has("disputeId")).isFalse();
        assertNamesTheDispute(id, mailbox(notary, "S-4").get(1).get("envelope"));
        assertNamesTheDispute(id, mailbox(insurer, "S-4").get(0).get("envelope"));
        assertThat(supplierSystem
                        .post("/api/disputes/" + id + "/reject", Map.of("reason", "已更正"))
                        .status())
                .as("answered once")
                .isEqualTo(409);

        JsonNode event = only(events("DISPUTE_CORRECTED"));
        assertThat(event.get("outcome").asString()).isEqualTo("CORRECTED");
        assertThat(event.get("deliveryKey").asString()).isEqualTo(deliveryId);
        assertThat(event.get("participantUscc").asString()).isEqualTo(provider.uscc());
        assertThat(event.get("details").asString()).contains(id, batch);
        assertThat(event.toString()).doesNotContain("核对学籍档案");
        assertThat(jdbc.sql("select channel from exchange_batch where id = ?::uuid")
                        .param(batch)
                        .query(String.class)
                        .single())
                .isEqualTo("DISPUTE_CORRECTION");
    }

    @Test
    void s05_aCorrectionThatFailsValidationChangesNothing() {
        String deliveryId = pushAndReceive("S-5");
        String id = opened(notary.admin().post("/api/disputes", open(deliveryId, "school")));
        Map<String, Object> bad = Map.of("record", record("430102199505200000", RIGHT_SCHOOL), "reason", "更正");

        Api.Reply refused = provider.admin().post("/api/disputes/" + id + "/correct", bad);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.violations()).containsExactly("idNumber:id-number-gb11643");
        assertThat(provider.admin()
                        .get("/api/disputes/" + id)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("OPEN");
        assertThat(mailbox(notary, "S-5")).hasSize(1);
    }

    @Test
    void s06_theSupplierRejectsADisputeWithItsReasons() {
        String deliveryId = pushAndReceive("S-6");
        String id = opened(notary.admin().post("/api/disputes", open(deliveryId, "school")));

        Api.Reply unjustified = provider.admin().post("/api/disputes/" + id + "/reject", Map.of());
        assertThat(unjustified.status()).as(unjustified.toString()).isEqualTo(400);
        assertThat(unjustified.violations()).anyMatch(v -> v.startsWith("reason:"));
        assertThat(notary.admin()
                        .post("/api/disputes/" + id + "/reject", Map.of("reason", "撤回"))
                        .status())
                .isEqualTo(403);
        Api.Reply rejected = provider.admin().post("/api/disputes/" + id + "/reject", Map.of("reason", "经核对学籍档案，记录无误"));

        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.json().get("status").asString()).isEqualTo("REJECTED");
        assertThat(rejected.json().get("outcomeReason").asString()).isEqualTo("经核对学籍档案，记录无误");
        assertThat(mailbox(notary, "S-6")).as("nothing re-sent").hasSize(1);
        JsonNode event = only(events("DISPUTE_REJECTED"));
        assertThat(event.get("outcome").asString()).isEqualTo("REJECTED");
        assertThat(event.get("payloadDigest").asString()).hasSize(64);
        assertThat(event.toString()).doesNotContain("学籍档案");
    }

    @Test
    void s07_anUnansweredDisputePastItsDueDayIsEscalatedToThePlatformAdministrator() {
        String deliveryId = pushAndReceive("S-7");
        String id = opened(notary.admin().post("/api/disputes", open(deliveryId, "school")));
        // As if opened weeks ago: its last day to answer has passed; the scheduled pass finds it.
        jdbc.sql("update dispute set due_on = ? where id = ?::uuid")
                .params(java.sql.Date.valueOf(LocalDate.now(ZONE).minusDays(1)), id)
                .update();

        Api admin = Api.at(port).as("admin");
        await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> admin.get("/api/disputes/" + id)
                                .json()
                                .get("status")
                                .asString(),
                        "ESCALATED"::equals);
        assertThat(ids(admin.get("/api/disputes?status=ESCALATED&limit=1000"))).contains(id);
        assertThat(admin.get("/api/disputes/" + id).json().get("escalatedAt").asString())
                .isNotBlank();
        JsonNode event = only(events("DISPUTE_ESCALATED"));
        assertThat(event.get("outcome").asString()).isEqualTo("ESCALATED");
        assertThat(event.get("actor").asString()).isEqualTo("system:dispute-deadlines");

        Api.Reply answered = provider.admin().post("/api/disputes/" + id + "/reject", Map.of("reason", "记录无误"));
        assertThat(answered.status())
                .as("an escalated dispute still waits for the supplier's answer")
                .isEqualTo(200);
        assertThat(answered.json().get("escalatedAt").asString()).isNotBlank();
    }

    /** The supplier pushes one record with the wrong school; the notary's mailbox delivery id. */
    private String pushAndReceive(String sourceId) {
        String idNumber = SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1995, 5, 20));
        persons.put(sourceId, idNumber);
        Api.Reply pushed = supplierSystem.post(
                "/api/exchange/intake/" + code,
                Map.of(
                        "records",
                        List.of(Map.of("sourceRecordId", sourceId, "record", record(idNumber, WRONG_SCHOOL)))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("deliveries").asInt()).isEqualTo(2);
        List<JsonNode> items = await().until(() -> mailbox(notary, sourceId), m -> m.size() == 1);
        return items.get(0).at("/envelope/deliveryId").asString();
    }

    /**
     * A corrected record's envelope as its demander checks it: version 2 naming the dispute, verified
     * with the published hub key, refused with another dispute id; the ledger's DELIVERY_SIGNED digest,
     * its Merkle leaf, covers the dispute id too.
     */
    private void assertNamesTheDispute(String disputeId, JsonNode json) {
        assertThat(json.get("version").asInt()).isEqualTo(Envelope.CORRECTION_VERSION);
        assertThat(json.get("disputeId").asString()).isEqualTo(disputeId);
        Envelope envelope = JSON.treeToValue(json, Envelope.class);
        assertThat(EnvelopeVerifier.problem(envelope, hubKey)).isNull();
        ObjectNode otherDispute = (ObjectNode) json.deepCopy();
        otherDispute.put("disputeId", UUID.randomUUID().toString());
        assertThat(EnvelopeVerifier.problem(JSON.treeToValue(otherDispute, Envelope.class), hubKey))
                .isNotNull();
        JsonNode signed = events("DELIVERY_SIGNED").stream()
                .filter(e -> e.get("deliveryKey").asString().equals(envelope.deliveryId()))
                .findFirst()
                .orElseThrow();
        assertThat(signed.get("payloadDigest").asString())
                .isEqualTo(HexFormat.of().formatHex(MerkleTree.leafHash(envelope.canonicalBytes())));
    }

    private Map<String, Object> correction(String sourceId) {
        return Map.of("record", record(persons.get(sourceId), RIGHT_SCHOOL), "reason", "核对学籍档案后更正院校");
    }

    private static Map<String, Object> record(String idNumber, String school) {
        return Map.of(
                "certificateNo", "105421202005001",
                "name", "张三",
                "idNumber", idNumber,
                "school", school,
                "mobile", "13812345678",
                "religion", "无");
    }

    private static Map<String, Object> open(String deliveryId, String... fields) {
        Map<String, Object> body = new HashMap<>();
        body.put("deliveryId", deliveryId);
        body.put("fields", List.of(fields));
        body.put("reason", REASON);
        return body;
    }

    private List<JsonNode> mailbox(Party party, String sourceId) {
        List<JsonNode> items = new ArrayList<>();
        party.admin().get("/api/exchange/mailbox").json().forEach(item -> {
            if (item.at("/envelope/resourceCode").asString().equals(code)
                    && item.at("/envelope/sourceRecordId").asString().equals(sourceId)) {
                items.add(item);
            }
        });
        return items;
    }

    private static List<String> schools(List<JsonNode> items) {
        return items.stream()
                .map(i -> i.at("/envelope/record/school").asString())
                .toList();
    }

    private static List<String> ids(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().findValuesAsString("id");
    }

    private long disputesOf(String deliveryId) {
        return jdbc.sql("select count(*) from dispute where delivery_id = ?")
                .param(deliveryId)
                .query(Long.class)
                .single();
    }

    private List<JsonNode> events(String type) {
        List<JsonNode> found = new ArrayList<>();
        Api.at(port)
                .as("auditor")
                .get("/api/audit/events?resource=" + code + "&type=" + type)
                .json()
                .get("items")
                .forEach(found::add);
        return found;
    }

    private static JsonNode only(List<JsonNode> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static String opened(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json().get("id").asString();
    }

    private static Api.Reply created(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply;
    }
}
