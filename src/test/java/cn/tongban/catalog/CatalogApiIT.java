package cn.tongban.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The catalog over real HTTP and real PostgreSQL: participants, the three lists, matching,
 * agreements and their approval, as departments' systems and people use them.
 */
@HubTest
class CatalogApiIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    WorkingDayCalendar calendar;

    @Autowired
    AgreementRegistry agreements;

    @Autowired
    Clock clock;

    Api anonymous;
    Api admin;
    CatalogFixture fixture;
    Party provider;
    Party demander;
    String code;

    @BeforeEach
    void province() {
        anonymous = Api.at(port);
        admin = anonymous.as("admin");
        fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(测试)", "DEPARTMENT");
        demander = fixture.participant("公证处(测试)", "NOTARY_OFFICE");
        code = CatalogFixture.resourceCode();
        Api.Reply published =
                provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()));
        assertThat(published.status()).as(published.toString()).isEqualTo(201);
    }

    @Test
    void s01_everyCallIsAuthenticated() {
        Api.Reply none = anonymous.get("/api/catalog/resources");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(anonymous
                        .as("admin", "wrong-password")
                        .get("/api/catalog/resources")
                        .status())
                .isEqualTo(401);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void s02_theDemoProvinceIsInTheSupplyList() {
        JsonNode resources = admin.get("/api/catalog/resources").json();
        List<String> codes = resources.findValuesAsString("code");
        assertThat(codes).contains("GA-RK-0001", "GA-HJ-0002", "RS-YL-0001", "YB-YD-0001", "JY-XL-0001", "MZ-HY-0001");
        JsonNode participants = admin.get("/api/catalog/participants").json();
        assertThat(participants.findValuesAsString("kind")).contains("DEPARTMENT", "NOTARY_OFFICE", "PEER_PLATFORM");
    }

    @Test
    void s03_aDemandIsMatchedApprovedAndBecomesAnAgreement() {
        Api.Reply filed = demander.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(
                                demander.uscc(), code, List.of("certificateNo", "name", "idNumber", "mobile")));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        JsonNode agreement = filed.json().get("agreement");
        assertThat(filed.json().at("/demand/status").asString()).isEqualTo("MATCHED");
        assertThat(agreement.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(states(agreement))
                .containsExactly(
                        Map.entry("certificateNo", "GRANTED"),
                        Map.entry("name", "GRANTED"),
                        Map.entry("idNumber", "PENDING"),
                        Map.entry("mobile", "PENDING"));
        LocalDate today = LocalDate.now(clock);
        assertThat(agreement.get("approvalDeadline").asString())
                .isEqualTo(calendar.addWorkingDays(today, AgreementRegistry.APPROVAL_WORKING_DAYS)
                        .toString());

        String id = agreement.get("id").asString();
        assertThat(provider.approver().get("/api/catalog/approvals").json().findValuesAsString("id"))
                .contains(id);
        Api.Reply decided = provider.approver()
                .post(
                        "/api/catalog/agreements/" + id + "/decisions",
                        Map.of(
                                "decisions",
                                List.of(
                                        Map.of("field", "idNumber", "outcome", "APPROVE", "masking", "ID_NUMBER"),
                                        Map.of("field", "mobile", "outcome", "REFUSE", "reason", "公证无需联系电话"))));
        assertThat(decided.status()).as(decided.toString()).isEqualTo(200);

        JsonNode read = demander.admin().get("/api/catalog/agreements/" + id).json();
        assertThat(states(read)).containsEntry("idNumber", "GRANTED").containsEntry("mobile", "REFUSED");
        assertThat(read.findValuesAsString("reason")).contains("公证无需联系电话");
        assertThat(read.get("deliveryDeadline").asString())
                .isEqualTo(calendar.addWorkingDays(today, AgreementRegistry.DELIVERY_WORKING_DAYS)
                        .toString());
        assertThat(agreements.grantsFor(code)).singleElement().satisfies(grant -> {
            assertThat(grant.demanderUscc()).isEqualTo(demander.uscc());
            assertThat(grant.fields()).containsOnlyKeys("certificateNo", "name", "idNumber");
            assertThat(grant.fields()).containsEntry("idNumber", MaskingRule.ID_NUMBER);
        });
    }

    @Test
    void s04_onlyTheProvidersApproversDecide() {
        String id = fileDemand(List.of("idNumber"));
        Map<String, Object> approve = Map.of("decisions", List.of(Map.of("field", "idNumber", "outcome", "APPROVE")));
        assertThat(demander.admin()
                        .post("/api/catalog/agreements/" + id + "/decisions", approve)
                        .status())
                .isEqualTo(403);
        assertThat(admin.post("/api/catalog/agreements/" + id + "/decisions", approve)
                        .status())
                .isEqualTo(403);
        // #13: the provider's department administrator maintains the catalog but does not approve.
        long changes = changesOf("agreement", id);
        Api.Reply byAdministrator = provider.admin().post("/api/catalog/agreements/" + id + "/decisions", approve);
        assertThat(byAdministrator.status()).isEqualTo(403);
        assertThat(byAdministrator.contentType()).startsWith("application/problem+json");
        assertThat(changesOf("agreement", id)).isEqualTo(changes);
        assertThat(states(admin.get("/api/catalog/agreements/" + id).json())).containsEntry("idNumber", "PENDING");
        assertThat(provider.approver()
                        .post("/api/catalog/agreements/" + id + "/decisions", approve)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void s05_aRefusalWithoutReasonIsRejectedAndWritesNothing() {
        String id = fileDemand(List.of("idNumber", "mobile"));
        long changes = changesOf("agreement", id);
        Api.Reply reply = provider.approver()
                .post(
                        "/api/catalog/agreements/" + id + "/decisions",
                        Map.of(
                                "decisions",
                                List.of(
                                        Map.of("field", "idNumber", "outcome", "APPROVE"),
                                        Map.of("field", "mobile", "outcome", "REFUSE"))));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.violations()).containsExactly("decisions[1].reason:required-for-refusal");
        assertThat(states(admin.get("/api/catalog/agreements/" + id).json()))
                .containsEntry("idNumber", "PENDING")
                .containsEntry("mobile", "PENDING");
        assertThat(changesOf("agreement", id)).isEqualTo(changes);
    }

    @Test
    void s06_badRegistrationsNameTheFieldAndRuleAndWriteNothing() {
        long before =
                jdbc.sql("select count(*) from participant").query(Long.class).single();
        Api.Reply reply = admin.post(
                "/api/catalog/participants",
                Map.of("uscc", "11430000006761230A", "name", "某部门", "kind", "DEPARTMENT", "regionCode", "431400"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.violations()).containsExactlyInAnyOrder("uscc:uscc-gb32100", "regionCode:region-code-gb2260");
        assertThat(reply.body()).doesNotContain("11430000006761230A");
        assertThat(admin.post(
                                "/api/catalog/participants",
                                Map.of(
                                        "uscc",
                                        provider.uscc(),
                                        "name",
                                        "重复",
                                        "kind",
                                        "DEPARTMENT",
                                        "regionCode",
                                        "430100"))
                        .violations())
                .containsExactly("uscc:unique");
        assertThat(jdbc.sql("select count(*) from participant")
                        .query(Long.class)
                        .single())
                .isEqualTo(before);
        assertThat(provider.admin()
                        .post(
                                "/api/catalog/participants",
                                Map.of(
                                        "uscc",
                                        "11430000006004560P",
                                        "name",
                                        "x",
                                        "kind",
                                        "DEPARTMENT",
                                        "regionCode",
                                        "430100"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void s07_resourcesAreCheckedAgainstTheirSchema() {
        Api.Reply duplicate =
                provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.violations()).containsExactly("code:unique");

        Map<String, Object> missingField =
                new java.util.HashMap<>(CatalogFixture.resource(CatalogFixture.resourceCode(), provider.uscc()));
        missingField.put("fields", ((List<?>) missingField.get("fields")).subList(0, 5));
        assertThat(provider.admin().post("/api/catalog/resources", missingField).violations())
                .containsExactly("fields:every-schema-field");

        Map<String, Object> badSchema =
                new java.util.HashMap<>(CatalogFixture.resource(CatalogFixture.resourceCode(), provider.uscc()));
        badSchema.put("schema", Map.of("type", "record", "name", "x", "fields", "not-a-list"));
        assertThat(provider.admin().post("/api/catalog/resources", badSchema).violations())
                .containsExactly("schema:avro-schema");

        Map<String, Object> unknownProvider =
                CatalogFixture.resource(CatalogFixture.resourceCode(), "11430100445509870F");
        assertThat(provider.admin()
                        .post("/api/catalog/resources", unknownProvider)
                        .status())
                .isEqualTo(403);
        assertThat(demander.admin()
                        .post(
                                "/api/catalog/resources",
                                CatalogFixture.resource(CatalogFixture.resourceCode(), provider.uscc()))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void s08_demandsNameRealResourcesAndFields() {
        Api.Reply unknownField = demander.admin()
                .post("/api/catalog/demands", CatalogFixture.demand(demander.uscc(), code, List.of("name", "salary")));
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.violations()).containsExactly("fields[1]:must-exist");
        Api.Reply unknownResource = demander.admin()
                .post("/api/catalog/demands", CatalogFixture.demand(demander.uscc(), "NO-SUCH-0001", List.of("name")));
        assertThat(unknownResource.status()).isEqualTo(422);
        assertThat(unknownResource.violations()).containsExactly("resourceCode:must-exist");
        Map<String, Object> inverted =
                new java.util.HashMap<>(CatalogFixture.demand(demander.uscc(), code, List.of("name")));
        inverted.put("validUntil", "2026-01-01");
        inverted.put("validFrom", "2026-06-01");
        assertThat(demander.admin().post("/api/catalog/demands", inverted).violations())
                .contains("validUntil:after-valid-from");
        assertThat(demander.admin()
                        .post("/api/catalog/demands", CatalogFixture.demand(provider.uscc(), code, List.of("name")))
                        .status())
                .isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from demand where requester_uscc = ?")
                        .param(demander.uscc())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void s09_theNegativeListRefusesWithReasonAndBasisAndWithdrawsGrants() {
        String id = fileDemand(List.of("name", "school", "religion"));
        JsonNode agreement = admin.get("/api/catalog/agreements/" + id).json();
        assertThat(states(agreement)).containsEntry("religion", "REFUSED").containsEntry("school", "GRANTED");

        Api.Reply listed = provider.admin()
                .post(
                        "/api/catalog/negative-list",
                        Map.of(
                                "resourceCode",
                                code,
                                "field",
                                "school",
                                "reason",
                                "院校信息暂停共享",
                                "legalBasis",
                                "《测试规定》第一条"));
        assertThat(listed.status()).as(listed.toString()).isEqualTo(201);
        JsonNode after = admin.get("/api/catalog/agreements/" + id).json();
        assertThat(states(after)).containsEntry("school", "REFUSED");
        assertThat(after.findValuesAsString("legalBasis")).contains("《测试规定》第一条");

        Api.Reply second = demander.admin()
                .post("/api/catalog/demands", CatalogFixture.demand(demander.uscc(), code, List.of("school")));
        assertThat(second.json().at("/demand/status").asString()).isEqualTo("REFUSED");
        assertThat(second.json().at("/agreement/fields/0/reason").asString()).contains("院校信息暂停共享");
        assertThat(demander.admin()
                        .post(
                                "/api/catalog/negative-list",
                                Map.of("resourceCode", code, "field", "name", "reason", "r", "legalBasis", "b"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void s10_theGapReportShowsWhatNobodySupplies() {
        String wanted = "需求项-" + UUID.randomUUID();
        Map<String, Object> need =
                new java.util.HashMap<>(CatalogFixture.demand(demander.uscc(), code, List.of("院校", wanted)));
        need.remove("resourceCode");
        need.put("need", "核验学历与一项尚无人提供的信息");
        Api.Reply filed = demander.admin().post("/api/catalog/demands", need);
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        assertThat(filed.json().at("/demand/status").asString()).isEqualTo("OPEN");
        String demandId = filed.json().at("/demand/id").asString();
        assertThat(demander.admin()
                        .get("/api/catalog/demands/" + demandId + "/matches")
                        .json()
                        .findValuesAsString("resourceCode"))
                .contains(code);

        JsonNode report = demander.admin().get("/api/catalog/gap-report").json();
        JsonNode missing = null;
        for (JsonNode field : report.get("missingFields")) {
            if (field.get("field").asString().equals(wanted)) {
                missing = field;
            }
        }
        assertThat(missing).isNotNull();
        assertThat(missing.get("requesters").get(0).asString()).isEqualTo(demander.uscc());
        assertThat(report.get("missingFields").findValuesAsString("field")).doesNotContain("院校");
    }

    @Test
    void s11_systemCredentialsWorkUntilRevoked() {
        Api.Reply issued =
                provider.admin().post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of());
        assertThat(issued.status()).isEqualTo(201);
        String keyId = issued.json().get("keyId").asString();
        Api system = anonymous.as(keyId, issued.json().get("secret").asString());
        assertThat(system.get("/api/security/me").json().get("participantUscc").asString())
                .isEqualTo(provider.uscc());
        assertThat(provider.admin()
                        .get("/api/catalog/participants/" + provider.uscc() + "/credentials")
                        .body())
                .contains(keyId)
                .doesNotContain(issued.json().get("secret").asString());
        assertThat(demander.admin()
                        .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(provider.admin()
                        .delete("/api/catalog/participants/" + provider.uscc() + "/credentials/" + keyId)
                        .status())
                .isEqualTo(204);
        assertThat(system.get("/api/catalog/resources").status()).isEqualTo(401);
    }

    @Test
    void s11b_aSystemCredentialDoesNotAdministerTheCatalog() {
        // #13: a system could otherwise register an endpoint at any address and be sent the data.
        Api.Reply issued =
                provider.admin().post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of());
        Api system = anonymous.as(
                issued.json().get("keyId").asString(),
                issued.json().get("secret").asString());
        long endpoints = jdbc.sql("select count(*) from endpoint where participant_uscc = ?")
                .param(provider.uscc())
                .query(Long.class)
                .single();
        Api.Reply endpoint = system.post(
                "/api/catalog/participants/" + provider.uscc() + "/endpoints",
                Map.of("direction", "DEMAND", "kind", "WEBHOOK", "address", "https://elsewhere.example/hook"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(403);
        assertThat(endpoint.contentType()).startsWith("application/problem+json");
        assertThat(system.put("/api/catalog/resources/" + code, CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(403);
        assertThat(system.post(
                                "/api/catalog/demands",
                                CatalogFixture.demand(provider.uscc(), "GA-RK-0001", List.of("name")))
                        .status())
                .isEqualTo(403);
        assertThat(system.post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from endpoint where participant_uscc = ?")
                        .param(provider.uscc())
                        .query(Long.class)
                        .single())
                .isEqualTo(endpoints);
    }

    @Test
    void s12_historyKeepsWhoChangedWhatBeforeAndAfter() {
        Map<String, Object> update =
                Map.of("uscc", provider.uscc(), "name", "教育厅(改名)", "kind", "DEPARTMENT", "regionCode", "430100");
        assertThat(demander.admin()
                        .put("/api/catalog/participants/" + provider.uscc(), update)
                        .status())
                .isEqualTo(403);
        assertThat(provider.admin()
                        .put("/api/catalog/participants/" + provider.uscc(), update)
                        .status())
                .isEqualTo(200);
        JsonNode history = anonymous
                .as("auditor")
                .get("/api/catalog/history?entityType=participant&entityId=" + provider.uscc())
                .json();
        JsonNode latest = history.get(0);
        assertThat(latest.get("action").asString()).isEqualTo("updated");
        assertThat(latest.at("/before/name").asString()).isEqualTo("教育厅(测试)");
        assertThat(latest.at("/after/name").asString()).isEqualTo("教育厅(改名)");
        assertThat(latest.get("actor").asString()).startsWith("adm-");
        assertThat(demander.admin().get("/api/catalog/history").status()).isEqualTo(403);
        assertThat(anonymous
                        .as("auditor")
                        .get("/api/catalog/history?limit=100000")
                        .violations())
                .containsExactly("limit:range");
    }

    @Test
    void s13_overdueApprovalsAreFlagged() {
        String id = fileDemand(List.of("idNumber"));
        assertThat(provider.approver()
                        .get("/api/catalog/approvals?overdue=true")
                        .json()
                        .findValuesAsString("id"))
                .doesNotContain(id);
        // Eleven working days pass without a decision.
        jdbc.sql("update agreement set approval_deadline = ? where id = ?")
                .params(java.sql.Date.valueOf(LocalDate.now(clock).minusDays(1)), UUID.fromString(id))
                .update();
        JsonNode overdue =
                provider.approver().get("/api/catalog/approvals?overdue=true").json();
        assertThat(overdue.findValuesAsString("id")).contains(id);
        assertThat(admin.get("/api/catalog/agreements/" + id)
                        .json()
                        .get("approvalOverdue")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void s14_aRevokedAgreementGrantsNothing() {
        String id = fileDemand(List.of("name", "school"));
        assertThat(agreements.grantsFor(code)).hasSize(1);
        assertThat(demander.admin()
                        .post("/api/catalog/agreements/" + id + "/revoke", Map.of())
                        .violations())
                .containsExactly("reason:not-blank");
        Api.Reply revoked =
                provider.admin().post("/api/catalog/agreements/" + id + "/revoke", Map.of("reason", "事项已取消"));
        assertThat(revoked.json().get("status").asString()).isEqualTo("REVOKED");
        assertThat(agreements.grantsFor(code)).isEmpty();
        assertThat(provider.admin()
                        .post("/api/catalog/agreements/" + id + "/revoke", Map.of("reason", "again"))
                        .status())
                .isEqualTo(409);
    }

    private String fileDemand(List<String> fields) {
        Api.Reply filed =
                demander.admin().post("/api/catalog/demands", CatalogFixture.demand(demander.uscc(), code, fields));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        return filed.json().at("/agreement/id").asString();
    }

    private long changesOf(String type, String id) {
        return jdbc.sql("select count(*) from catalog_change where entity_type = ? and entity_id = ?")
                .params(type, id)
                .query(Long.class)
                .single();
    }

    private static Map<String, String> states(JsonNode agreement) {
        Map<String, String> states = new java.util.LinkedHashMap<>();
        agreement
                .get("fields")
                .forEach(
                        f -> states.put(f.get("name").asString(), f.get("state").asString()));
        return states;
    }
}
