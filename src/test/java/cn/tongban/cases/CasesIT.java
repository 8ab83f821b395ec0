package cn.tongban.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.tongban.federation.InboundMessage;
import cn.tongban.federation.MessageHandler;
import cn.tongban.federation.MessageType;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm3;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import cn.tongban.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 办件 over real HTTP and PostgreSQL: a counter registers cases, the owning office decides, both
 * read one timeline and the ledger has every step; a case for a province without a peer platform
 * is refused; the federation handler makes the owning side's copy of a forwarded case, once.
 * Every answer is checked for the applicant's ID number and full name.
 */
@HubTest
class CasesIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PersonRefs personRefs;

    @Autowired
    List<MessageHandler> handlers;

    Api auditor;
    Party counter;
    Party owner;
    Party stranger;
    String item;
    String idNumber;
    String name;
    List<String> answers;

    @BeforeEach
    void province() {
        CatalogFixture fixture = new CatalogFixture(port);
        auditor = Api.at(port).as("auditor");
        counter = fixture.participant("长沙市政务服务中心(测试)", "DEPARTMENT");
        owner = fixture.participant("湖南省公安厅户政(测试)", "DEPARTMENT");
        stranger = fixture.participant("湖南省民政厅(测试)", "DEPARTMENT");
        item = "CS-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        idNumber = SyntheticIdentifiers.idNumber(RANDOM, "430102", LocalDate.of(1988, 7, 9));
        name = "欧阳明月";
        answers = new ArrayList<>();
    }

    @Test
    void s01_aLocalCaseIsReceivedAcceptedAndCompletedWithOneTimeline() {
        JsonNode created = created(counter.admin().post("/api/cases", registration(owner.uscc(), "430000")));
        String serial = created.get("serial").asString();
        assertThat(serial).matches("430000-\\d{8}-[0-9A-Z]{10}");
        assertThat(created.get("status").asString()).isEqualTo("RECEIVED");
        assertThat(created.at("/applicant/idNumber").asString())
                .isEqualTo(idNumber.substring(0, 6) + "********" + idNumber.substring(14));
        assertThat(created.at("/applicant/name").asString()).isEqualTo("欧**月");
        assertThat(created.at("/materials/0/sm3").asString()).isEqualTo(sm3("户口簿"));

        ok(owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED")));
        JsonNode done = ok(owner.admin()
                .post(
                        "/api/cases/" + serial + "/status",
                        Map.of("status", "COMPLETED", "result", "ISSUED", "note", "准予迁入证明已出具")));
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("resultCode").asString()).isEqualTo("0");

        JsonNode atCounter = ok(counter.admin().get("/api/cases/" + serial));
        JsonNode atOwner = ok(owner.admin().get("/api/cases/" + serial));
        assertThat(statuses(atCounter)).containsExactly("RECEIVED", "ACCEPTED", "COMPLETED");
        assertThat(atCounter.get("timeline")).isEqualTo(atOwner.get("timeline"));
        assertThat(atCounter.get("timeline").findValuesAsString("province")).containsOnly("430000");
        assertThat(atCounter.at("/timeline/2/by").asString()).startsWith("adm-");
        assertThat(ok(auditor.get("/api/cases/" + serial)).get("status").asString())
                .isEqualTo("COMPLETED");
        assertThat(ok(counter.admin().get("/api/cases?status=COMPLETED&office=" + owner.uscc()))
                        .findValuesAsString("serial"))
                .containsExactly(serial);

        JsonNode statusEvents = ok(auditor.get("/api/audit/events?type=CASE_STATUS&serviceItem=" + item));
        assertThat(statusEvents.get("items").findValuesAsString("outcome"))
                .containsExactlyInAnyOrder("ACCEPTED", "COMPLETED");
        assertThat(statusEvents.get("items").findValuesAsString("participantUscc"))
                .containsOnly(owner.uscc());
        assertThat(statusEvents.get("items").findValuesAsString("personRef")).containsOnly(personRefs.of(idNumber));
        assertThat(statusEvents.get("items").findValuesAsString("details"))
                .allSatisfy(d -> assertThat(d).contains(serial));
        JsonNode received = ok(auditor.get("/api/audit/events?type=CASE_RECEIVED&serviceItem=" + item));
        assertThat(received.get("items").findValuesAsString("participantUscc")).containsExactly(counter.uscc());
    }

    @Test
    void s02_aRefusalGivesItsReasonAndEndsTheCase() {
        String serial = register();
        Api.Reply noReason = owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "REJECTED"));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.violations()).containsExactly("reason:required-when-rejected");
        JsonNode rejected = ok(owner.admin()
                .post("/api/cases/" + serial + "/status", Map.of("status", "REJECTED", "reason", "材料不齐全")));
        assertThat(rejected.get("rejectReason").asString()).isEqualTo("材料不齐全");
        assertThat(rejected.at("/timeline/1/reason").asString()).isEqualTo("材料不齐全");
    }

    @Test
    void s03_anIllegalTransitionIsRefusedNamingStatus() {
        String serial = register();
        Api.Reply early =
                owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "COMPLETED", "result", "DONE"));
        assertThat(early.status()).as(early.toString()).isEqualTo(409);
        assertThat(early.contentType()).startsWith("application/problem+json");
        assertThat(early.violations()).containsExactly("status:transition");

        ok(owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED")));
        Api.Reply twice = owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.violations()).containsExactly("status:transition");
        Api.Reply backwards = owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "FORWARDED"));
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.violations()).containsExactly("status:owning-office-decision");
        assertThat(statuses(ok(owner.admin().get("/api/cases/" + serial)))).containsExactly("RECEIVED", "ACCEPTED");
    }

    @Test
    void s04_onlyTheReceivingOfficeRegistersAndOnlyTheOwningOfficeDecides() {
        Api.Reply foreign = seen(stranger.admin().post("/api/cases", registration(owner.uscc(), "430000")));
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(403);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        Api.Reply approver = counter.approver().post("/api/cases", registration(owner.uscc(), "430000"));
        assertThat(approver.status()).isEqualTo(403);

        String serial = register();
        Api.Reply byCounter = counter.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(byCounter.status()).isEqualTo(403);
        Api.Reply byAdmin =
                Api.at(port).as("admin").post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(byAdmin.status()).isEqualTo(403);
        Api.Reply byStranger = stranger.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(byStranger.status()).isEqualTo(404);
        assertThat(stranger.admin().get("/api/cases/" + serial).status()).isEqualTo(404);
        assertThat(ok(stranger.admin().get("/api/cases?office=" + owner.uscc())))
                .isEmpty();
        assertThat(statuses(ok(owner.admin().get("/api/cases/" + serial)))).containsExactly("RECEIVED");
    }

    @Test
    void s05_missingAndInvalidFieldsAreNamed() {
        Map<String, Object> body = new HashMap<>(registration(owner.uscc(), "430000"));
        body.remove("serviceItemCode");
        body.put("owningProvince", "4400");
        body.put("applicant", Map.of("type", "PERSON", "name", name));
        body.put("materials", List.of(Map.of("name", "户口簿", "mediaType", "pdf", "size", 10, "sm3", "abc")));
        Api.Reply bad = seen(counter.admin().post("/api/cases", body));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.violations())
                .contains(
                        "serviceItemCode:not-null",
                        "owningProvince:region-code-gb2260",
                        "applicant.idNumber:not-blank",
                        "materials[0].mediaType:pattern",
                        "materials[0].sm3:pattern");

        Map<String, Object> wrongId = new HashMap<>(registration(owner.uscc(), "440100"));
        wrongId.put("applicant", Map.of("type", "PERSON", "idNumber", "430102198807090000", "name", name));
        Api.Reply checks = seen(counter.admin().post("/api/cases", wrongId));
        assertThat(checks.status()).isEqualTo(400);
        assertThat(checks.violations())
                .containsExactlyInAnyOrder("applicant.idNumber:id-number-gb11643", "owningProvince:province-level");
        assertThat(checks.body()).doesNotContain("430102198807090000");

        Api.Reply unknownOwner =
                counter.admin().post("/api/cases", registration(SyntheticIdentifiers.uscc(RANDOM, "430100"), "430000"));
        assertThat(unknownOwner.status()).isEqualTo(422);
        assertThat(unknownOwner.violations()).containsExactly("owningOfficeUscc:must-exist");
        assertThat(cases()).isZero();
    }

    @Test
    void s06_aCaseForAProvinceWithoutAPeerPlatformIsRefusedAndNothingIsWritten() {
        String guangdong = SyntheticIdentifiers.uscc(RANDOM, "440100");
        Api.Reply refused = seen(counter.admin().post("/api/cases", registration(guangdong, "440000")));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.violations()).containsExactly("owningProvince:peer-platform");
        assertThat(cases()).isZero();
        assertThat(ok(auditor.get("/api/audit/events?serviceItem=" + item)).get("items"))
                .isEmpty();
    }

    @Test
    void s07_aForwardedCaseBecomesTheOwningSidesCopyOnceHoweverOftenItArrives() {
        MessageHandler handler = handlers.stream()
                .filter(h -> h.types().contains(MessageType.CASE))
                .findFirst()
                .orElseThrow();
        assertThat(handler.types()).contains(MessageType.CASE_STATUS);
        String serial = CaseSerials.next("440000", LocalDate.now());
        String guangdongId = SyntheticIdentifiers.idNumber(RANDOM, "440106", LocalDate.of(1979, 2, 3));
        Instant receivedAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MICROS);
        Instant forwardedAt = receivedAt.plusSeconds(30);
        InboundMessage message = inbound(MessageType.CASE, forwarded(serial, guangdongId, receivedAt, forwardedAt));

        assertThat(handler.handle(message)).isEmpty();
        JsonNode copy = ok(owner.admin().get("/api/cases/" + serial));
        assertThat(copy.get("status").asString()).isEqualTo("FORWARDED");
        assertThat(copy.get("receivingProvince").asString()).isEqualTo("440000");
        assertThat(copy.at("/applicant/name").asString()).isEqualTo("黄*");
        assertThat(copy.at("/applicant/idNumber").asString()).isEqualTo("440106********" + guangdongId.substring(14));
        assertThat(statuses(copy)).containsExactly("RECEIVED", "FORWARDED");
        assertThat(copy.at("/timeline/0/at").asString()).isEqualTo(receivedAt.toString());
        assertThat(copy.at("/timeline/1/messageId").asString()).isEqualTo(message.messageId());
        assertThat(copy.at("/timeline/1/by").asString()).isEqualTo("gd-counter");
        assertThat(copy.get("timeline").findValuesAsString("province")).containsOnly("440000");
        assertThat(copy.toString()).doesNotContain(guangdongId, "黄飞");
        long events = events(serial);
        assertThat(events).isEqualTo(2);

        assertThat(handler.handle(message)).isEmpty();
        assertThat(statuses(ok(owner.admin().get("/api/cases/" + serial)))).containsExactly("RECEIVED", "FORWARDED");
        assertThat(events(serial)).isEqualTo(events);
        InboundMessage again = inbound(MessageType.CASE, message.payload());
        assertThatThrownBy(() -> handler.handle(again))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.problems())
                                .extracting(ApiException.FieldProblem::rule)
                                .containsExactly("unique"));

        // The decision goes back to Guangdong, whose platform this hub does not know yet: refused whole.
        Api.Reply accepted = owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(422);
        assertThat(accepted.violations()).containsExactly("receivingProvince:peer-platform");
        assertThat(statuses(ok(owner.admin().get("/api/cases/" + serial)))).containsExactly("RECEIVED", "FORWARDED");
    }

    @Test
    void s08_aStatusMessageIsTakenOnlyFromTheOwningProvince() {
        MessageHandler handler = handlers.stream()
                .filter(h -> h.types().contains(MessageType.CASE_STATUS))
                .findFirst()
                .orElseThrow();
        String serial = register();
        Map<String, Object> step = Map.of(
                "seq", 2, "at", Instant.now().toString(), "status", "ACCEPTED", "by", "gd-owner", "province", "440000");
        InboundMessage status =
                inbound(MessageType.CASE_STATUS, JSON.writeValueAsBytes(Map.of("serial", serial, "step", step)));
        assertThatThrownBy(() -> handler.handle(status))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        assertThat(statuses(ok(owner.admin().get("/api/cases/" + serial)))).containsExactly("RECEIVED");
        InboundMessage garbled = inbound(MessageType.CASE_STATUS, "{\"serial\":".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> handler.handle(garbled))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.problems())
                                .extracting(ApiException.FieldProblem::field)
                                .containsExactly("payload"));
    }

    private String register() {
        return created(counter.admin().post("/api/cases", registration(owner.uscc(), "430000")))
                .get("serial")
                .asString();
    }

    private Map<String, Object> registration(String owningOffice, String owningProvince) {
        return Map.of(
                "serviceItemCode",
                item,
                "serviceItemName",
                "户口迁移(准予迁入证明)",
                "mode",
                "PROXY",
                "applicant",
                Map.of("type", "PERSON", "idNumber", idNumber, "name", name),
                "receivingOfficeUscc",
                counter.uscc(),
                "owningProvince",
                owningProvince,
                "owningOfficeUscc",
                owningOffice,
                "materials",
                List.of(material("户口簿"), material("结婚证")));
    }

    private static Map<String, Object> material(String name) {
        return Map.of("name", name, "mediaType", "application/pdf", "size", 204_800, "sm3", sm3(name));
    }

    /** A CASE payload as Guangdong's platform would send it, for a case owned by the test's owner. */
    private byte[] forwarded(String serial, String id, Instant receivedAt, Instant forwardedAt) {
        Map<String, Object> registration = Map.of(
                "serviceItemCode",
                item,
                "serviceItemName",
                "户口迁移(准予迁入证明)",
                "mode",
                "PROXY",
                "applicant",
                Map.of("type", "PERSON", "idNumber", id, "name", "黄飞"),
                "receivingOfficeUscc",
                SyntheticIdentifiers.uscc(RANDOM, "440100"),
                "owningProvince",
                "430000",
                "owningOfficeUscc",
                owner.uscc(),
                "materials",
                List.of(material("户口簿")));
        Map<String, Object> received = Map.of(
                "seq", 1, "at", receivedAt.toString(), "status", "RECEIVED", "by", "gd-counter", "province", "440000");
        return JSON.writeValueAsBytes(Map.of(
                "serial",
                serial,
                "receivingProvince",
                "440000",
                "registration",
                registration,
                "timeline",
                List.of(received),
                "forwardedAt",
                forwardedAt.toString(),
                "forwardedBy",
                "gd-counter"));
    }

    private InboundMessage inbound(MessageType type, byte[] payload) {
        return new InboundMessage(
                UUID.randomUUID().toString(),
                "conversation-" + item,
                "440000",
                "430000",
                Instant.now(),
                type,
                null,
                null,
                item,
                CaseRegistry.PURPOSE,
                "application/json",
                payload,
                HexFormat.of().formatHex(Sm3.digest(payload)));
    }

    private static String sm3(String text) {
        return HexFormat.of().formatHex(Sm3.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> statuses(JsonNode c) {
        return c.get("timeline").findValuesAsString("status");
    }

    private long cases() {
        return jdbc.sql("select count(*) from case_file where service_item_code = ?")
                .param(item)
                .query(Long.class)
                .single();
    }

    private long events(String serial) {
        return jdbc.sql("select count(*) from ledger_event where type like 'CASE_%' and details like ?")
                .param("%" + serial + "%")
                .query(Long.class)
                .single();
    }

    private JsonNode created(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return answered(reply);
    }

    private JsonNode ok(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return answered(reply);
    }

    private JsonNode answered(Api.Reply reply) {
        answers.add(reply.body());
        return reply.json();
    }

    /** No answer of any scenario names the applicant in clear. */
    @AfterEach
    void noAnswerNamesTheApplicantInClear() {
        assertThat(answers).isNotEmpty().allSatisfy(body -> assertThat(body).doesNotContain(idNumber, name));
    }

    private Api.Reply seen(Api.Reply reply) {
        answers.add(reply.body());
        return reply;
    }
}
