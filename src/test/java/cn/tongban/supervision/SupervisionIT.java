package cn.tongban.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.Sm3;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * 监督考核 over real HTTP and PostgreSQL. A provider with a conditional resource receives three
 * requests — one answered in time, one refused late with a reason, one left open past its
 * deadline — and a batch with one bad record. The shared CI database holds other tests' rows:
 * every assertion looks at this test's own department (a fresh USCC) only.
 */
@HubTest
class SupervisionIT {

    private static final String REFUSAL = "公证无需联系电话";
    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    WorkingDayCalendar calendar;

    @Autowired
    Clock clock;

    Api admin;
    Party provider;
    Party notary;
    String code;
    LocalDate today;
    String period;

    @BeforeEach
    void province() {
        admin = Api.at(port).as("admin");
        CatalogFixture fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(考核)", "DEPARTMENT");
        notary = fixture.participant("公证处(考核)", "NOTARY_OFFICE");
        code = CatalogFixture.resourceCode();
        created(provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc())));
        today = LocalDate.now(clock);
        period = "?from=" + today.minusDays(60) + "&to=" + today;

        String inTime = file(List.of("name", "idNumber"));
        decide(inTime, Map.of("field", "idNumber", "outcome", "APPROVE"));
        String late = file(List.of("name", "mobile"));
        decide(late, Map.of("field", "mobile", "outcome", "REFUSE", "reason", REFUSAL));
        String open = file(List.of("name", "idNumber", "mobile"));
        // Filing dates are moved back rather than the clock forward: the report counts working
        // days from filing, and the decisions above were made today.
        fileAgo(late, 12);
        fileAgo(open, 15);

        Api.Reply pushed = provider.admin()
                .post(
                        "/api/exchange/intake/" + code,
                        Map.of(
                                "records",
                                List.of(record("good-1", idNumber()), record("bad-1", "430102199505200000"))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
    }

    @Test
    void s01_theReportCountsRequestsAnswersAndApprovalTimes() {
        JsonNode line = ownLine(admin.get("/api/supervision/report" + period));
        JsonNode demands = line.get("demands");
        assertThat(demands.get("received").asLong()).isEqualTo(3);
        assertThat(demands.get("answeredInTime").asLong()).isEqualTo(1);
        assertThat(demands.get("answeredLate").asLong()).isEqualTo(1);
        assertThat(demands.get("open").asLong()).isEqualTo(1);
        assertThat(demands.get("openOverdue").asLong()).isEqualTo(1);
        // Answered after 0 and 12 working days: the median is their mean, the 90th percentile interpolated.
        assertThat(demands.get("medianApprovalWorkingDays").asDouble()).isEqualTo(6.0);
        assertThat(demands.get("p90ApprovalWorkingDays").asDouble()).isEqualTo(10.8, within());
        assertThat(line.get("refusals").toString()).isEqualTo("[{\"reason\":\"" + REFUSAL + "\",\"count\":1}]");
    }

    @Test
    void s02_qualityAndTimelinessPerResource() {
        JsonNode resource = ownLine(admin.get("/api/supervision/report" + period))
                .get("resources")
                .get(0);
        assertThat(resource.get("code").asString()).isEqualTo(code);
        JsonNode quality = resource.get("quality");
        assertThat(quality.get("received").asLong()).isEqualTo(2);
        assertThat(quality.get("accepted").asLong()).isEqualTo(1);
        assertThat(quality.get("quarantined").asLong()).isEqualTo(1);
        assertThat(quality.get("validRatio").asDouble()).isEqualTo(0.5);
        JsonNode reasons = Api.json(jdbc.sql("select reasons::text from quarantine where resource_code = ?")
                .param(code)
                .query(String.class)
                .single());
        String rule = reasons.get(0).get("field").asString() + ":"
                + reasons.get(0).get("rule").asString();
        assertThat(rule).startsWith("idNumber:");
        assertThat(quality.at("/topRules/0/rule").asString()).isEqualTo(rule);
        assertThat(quality.at("/topRules/0/count").asLong()).isEqualTo(1);
        JsonNode timeliness = resource.get("timeliness");
        assertThat(timeliness.get("updateCycle").asString()).isEqualTo("DAILY");
        assertThat(timeliness.get("expectedInterval").asString()).isEqualTo("PT24H");
        assertThat(timeliness.get("lastIntakeAt").isNull()).isFalse();
        assertThat(timeliness.get("status").asString()).isEqualTo("ON_TIME");
    }

    @Test
    void s03_disputesAreReportedOnlyWhereTheTableExists() {
        boolean table = jdbc.sql("select to_regclass('public.dispute') is not null")
                .query(Boolean.class)
                .single();
        JsonNode disputes =
                ownLine(admin.get("/api/supervision/report" + period)).get("disputes");
        assertThat(disputes.get("available").asBoolean()).isEqualTo(table);
        assertThat(disputes.get("opened").asLong()).isZero();
        assertThat(disputes.get("overdue").asLong()).isZero();
    }

    @Test
    void s04_csvHasABomABilingualHeaderAndOneRowPerResource() throws Exception {
        HttpResponse<byte[]> csv = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/supervision/report"
                                        + period + "&department=" + provider.uscc()))
                                .header(
                                        "Authorization",
                                        Api.at(port).as("auditor").authorization())
                                .header("Accept", "text/csv")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        byte[] body = csv.body();
        assertThat(body).startsWith(0xEF, 0xBB, 0xBF);
        List<String> lines =
                new String(body, StandardCharsets.UTF_8).substring(1).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("部门代码 department_uscc,部门名称 department_name,资源代码 resource_code");
        assertThat(lines.get(1))
                .startsWith(provider.uscc() + ",教育厅(考核)," + code + ",学历信息,3,1,1,1,1,6.0,")
                .contains(REFUSAL + " ×1", ",2,1,1,0.5,idNumber:", "DAILY,PT24H", "ON_TIME");
    }

    @Test
    void s05_aDepartmentSeesItsOwnLineOnly() {
        JsonNode own =
                provider.approver().get("/api/supervision/report" + period).json();
        assertThat(own.get("departments")).hasSize(1);
        assertThat(own.at("/departments/0/uscc").asString()).isEqualTo(provider.uscc());
        assertThat(provider.admin()
                        .get("/api/supervision/report" + period + "&department=" + notary.uscc())
                        .status())
                .isEqualTo(403);
        assertThat(Api.at(port)
                        .as("ops")
                        .get("/api/supervision/report" + period)
                        .status())
                .isEqualTo(403);
        Set<String> seen = new HashSet<>(Api.at(port)
                .as("auditor")
                .get("/api/supervision/report" + period)
                .json()
                .findValuesAsString("uscc"));
        assertThat(seen).contains(provider.uscc());
    }

    @Test
    void s06_badDatesAreRefusedNamingTheFieldAndRule() {
        assertThat(admin.get("/api/supervision/report?from=2026-13-01&to=2026-12-31")
                        .violations())
                .containsExactly("from:date");
        assertThat(admin.get("/api/supervision/report?to=2026-12-31").violations())
                .containsExactly("from:required");
        assertThat(admin.get("/api/supervision/report?from=2026-03-01&to=2026-02-28")
                        .violations())
                .containsExactly("to:not-before-from");
        Api.Reply tooLong = admin.get("/api/supervision/report?from=2025-01-01&to=2026-01-02");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.contentType()).startsWith("application/problem+json");
        assertThat(tooLong.violations()).containsExactly("to:max-one-year");
        assertThat(admin.get("/api/supervision/report?from=2025-01-01&to=2025-12-31")
                        .status())
                .isEqualTo(200);
        assertThat(provider.admin()
                        .get("/api/supervision/report?from=x&to=y&department=" + notary.uscc())
                        .status())
                .as("who may ask is decided before what is asked")
                .isEqualTo(403);
    }

    @Test
    void s07_aMonthIsIssuedOnceDigestedAndAudited() {
        String month = unissuedMonth();
        Api.Reply first = admin.post("/api/supervision/reports/" + month, Map.of());
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String digest = first.json().get("digest").asString();

        Api.Reply kept = Api.at(port).as("auditor").get("/api/supervision/reports/" + month);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(Sm3.hex(kept.body())).isEqualTo(digest);
        assertThat(kept.header("X-Tongban-Digest-SM3")).isEqualTo(digest);
        assertThat(kept.json().get("from").asString()).isEqualTo(month + "-01");
        assertThat(Api.at(port)
                        .as("auditor")
                        .get("/api/supervision/reports")
                        .json()
                        .findValuesAsString("period"))
                .contains(month);

        Api.Reply again = admin.post("/api/supervision/reports/" + month, Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.violations()).containsExactly("period:issued-once");
        assertThat(admin.post("/api/supervision/reports/" + YearMonth.now(clock), Map.of())
                        .violations())
                .containsExactly("period:past-month");
        assertThat(admin.post("/api/supervision/reports/2026-1", Map.of()).violations())
                .containsExactly("period:format");
        assertThat(provider.admin()
                        .post("/api/supervision/reports/" + month, Map.of())
                        .status())
                .isEqualTo(403);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select count(*) from ledger_event where type = 'SUPERVISION_REPORT_ISSUED'"
                                        + " and payload_digest = ?")
                                .param(digest)
                                .query(Long.class)
                                .single()
                        == 1);
        Long changed = jdbc.sql("select count(*) from supervision_report where period = ?")
                .param(month)
                .query(Long.class)
                .single();
        assertThat(changed).isEqualTo(1);
    }

    /** A month nobody (another test, the timer) has issued in this database. */
    private String unissuedMonth() {
        Set<String> issued = new HashSet<>(jdbc.sql("select period from supervision_report")
                .query(String.class)
                .list());
        YearMonth month = YearMonth.of(1990 + RANDOM.nextInt(20), 1 + RANDOM.nextInt(12));
        while (issued.contains(month.toString())) {
            month = month.plusMonths(1);
        }
        return month.toString();
    }

    private JsonNode ownLine(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        for (JsonNode line : reply.json().get("departments")) {
            if (line.get("uscc").asString().equals(provider.uscc())) {
                return line;
            }
        }
        throw new AssertionError("no line for " + provider.uscc() + " in " + reply);
    }

    private String file(List<String> fields) {
        return created(notary.admin().post("/api/catalog/demands", CatalogFixture.demand(notary.uscc(), code, fields)))
                .json()
                .at("/agreement/id")
                .asString();
    }

    private void decide(String agreement, Map<String, String> decision) {
        Api.Reply decided = provider.approver()
                .post("/api/catalog/agreements/" + agreement + "/decisions", Map.of("decisions", List.of(decision)));
        assertThat(decided.status()).as(decided.toString()).isEqualTo(200);
    }

    /** Makes the request filed {@code workingDays} working days ago, with the deadline that filing had. */
    private void fileAgo(String agreement, int workingDays) {
        LocalDate filed = today;
        while (calendar.addWorkingDays(filed, workingDays).isAfter(today)) {
            filed = filed.minusDays(1);
        }
        jdbc.sql("update agreement set filed_on = ?, approval_deadline = ? where id = ?")
                .params(
                        filed,
                        calendar.addWorkingDays(filed, cn.tongban.catalog.AgreementRegistry.APPROVAL_WORKING_DAYS),
                        UUID.fromString(agreement))
                .update();
    }

    private static Api.Reply created(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply;
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    private static String idNumber() {
        return SyntheticIdentifiers.idNumber(RANDOM, "430102", LocalDate.of(1995, 5, 20));
    }

    private static Map<String, Object> record(String sourceId, String idNumber) {
        return Map.of(
                "sourceRecordId",
                sourceId,
                "record",
                Map.of(
                        "certificateNo", "105421202005001",
                        "name", "测试",
                        "idNumber", idNumber,
                        "school", "湖南大学",
                        "mobile", "13812345678",
                        "religion", "无"));
    }
}
