package cn.tongban.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
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
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * 数据异议 and 监督考核 in a real headless Chromium: an education department's degree record reaches a
 * notary office and a social insurance department; the notary raises a dispute in the console (first
 * without a reason, then about a delivery it never received, then rightly), the supplier corrects the
 * record there (first with an ID number that fails its check), and the API shows the dispute corrected,
 * the corrected record in both mailboxes and the report counting it — as the supervision page does.
 * The steps share one province and run in order; screenshots are target/screenshots/5x-*.png.
 */
@HubTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class ConsoleDisputesBrowserIT {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final String WRONG_SCHOOL = "湖南大学";
    private static final String RIGHT_SCHOOL = "中南大学";
    private static final String SOURCE = "DSP-1";

    private static ConsoleBrowser console;
    private static Party supplier;
    private static Party notary;
    private static Party insurer;
    private static String code;
    private static String person;
    private static String notaryDelivery;
    private static String insurerDelivery;
    private static String disputeId;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        console = ConsoleBrowser.start();
    }

    @BeforeEach
    void atThisHub() {
        console.at(port);
    }

    @AfterAll
    static void stopBrowser() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void s01_theSupervisionReportOpensWithItsChartsAndRefusesABadPeriod() throws Exception {
        console.login("auditor", "tongban-demo");
        console.open("/console/supervision");
        assertThat(menu()).contains("异议", "监督考核");
        YearMonth month = YearMonth.now(ZONE);
        assertThat(console.find(By.id("from")).getAttribute("value"))
                .isEqualTo(month.atDay(1).toString());
        assertThat(console.find(By.id("to")).getAttribute("value"))
                .isEqualTo(month.atEndOfMonth().toString());
        console.find(By.cssSelector("#chart-demands[data-rendered='true'] canvas"));
        console.find(By.cssSelector("#chart-disputes[data-rendered='true'] canvas"));
        assertThat(console.driver().findElements(By.cssSelector("#departments tr.department")))
                .isNotEmpty();
        console.shot("5x-supervision-report");

        HttpResponse<String> csv = withSession(console.find(By.id("csv-link")).getAttribute("href"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.body()).contains("部门代码 department_uscc");

        console.open("/console/supervision?from=2026-03-01&to=2026-02-01");
        WebElement error = console.find(By.id("error-to"));
        assertThat(error.getText()).isEqualTo("must not be before from");
        assertThat(error.findElement(By.xpath("..")).findElement(By.id("to")).getAttribute("value"))
                .isEqualTo("2026-02-01");
        assertThat(console.driver().findElements(By.id("departments"))).isEmpty();
        console.shot("5x-supervision-bad-period");
        console.logout();
    }

    @Test
    void s02_aDemanderRaisesADisputeAboutARecordInItsMailbox() {
        province();
        console.login(adminLogin(notary), CatalogFixture.PASSWORD);
        console.open("/console/disputes/new");
        WebElement received = console.find(By.cssSelector("#received tr.received[data-source='" + SOURCE + "']"));
        assertThat(received.getText()).contains(code, "school").doesNotContain(WRONG_SCHOOL, "张三");
        console.shot("5x-disputes-received");
        received.findElement(By.cssSelector("a.dispute-this")).click();
        console.waitFor(ExpectedConditions.attributeToBe(By.id("deliveryId"), "value", notaryDelivery));

        console.find(By.cssSelector("input[name='fields'][data-field='school']"))
                .click();
        submitRaise();
        WebElement error = console.find(By.id("error-reason"));
        assertThat(error.getText()).isNotBlank();
        assertThat(error.findElement(By.xpath("..")).findElements(By.id("reason")))
                .hasSize(1);
        assertThat(console.find(By.cssSelector("input[data-field='school']")).isSelected())
                .isTrue();
        console.shot("5x-disputes-reason-required");

        WebElement deliveryId = console.find(By.id("deliveryId"));
        deliveryId.clear();
        deliveryId.sendKeys(insurerDelivery);
        console.find(By.id("reason")).sendKeys("院校名称与毕业证书原件不符");
        submitRaise();
        assertThat(console.find(By.id("error-deliveryId")).getText()).isEqualTo("the caller received no such delivery");
        assertThat(console.find(By.id("fields")).getAttribute("value")).isEqualTo("school");
        console.shot("5x-disputes-not-received");

        console.open("/console/disputes/new?deliveryId=" + notaryDelivery);
        console.find(By.cssSelector("input[data-field='school']")).click();
        console.find(By.id("reason")).sendKeys("院校名称与毕业证书原件不符");
        submitRaise();
        console.waitFor(ExpectedConditions.urlMatches("/console/disputes/[0-9a-f-]{36}$"));
        String url = console.driver().getCurrentUrl();
        disputeId = url.substring(url.lastIndexOf('/') + 1);
        assertThat(console.find(By.id("dispute-status")).getAttribute("data-status"))
                .isEqualTo("OPEN");
        assertThat(console.find(By.id("dispute-fields")).getText()).isEqualTo("school");
        assertThat(console.find(By.id("dispute-supplier")).getText()).isEqualTo("教育厅(控制台异议)");
        assertThat(console.find(By.id("dispute-detail")).getText()).contains("剩余 5 个工作日");
        assertThat(console.driver().findElements(By.id("correct-form")))
                .as("the demander does not answer")
                .isEmpty();
        console.shot("5x-disputes-raised");

        console.open("/console/disputes?role=demander");
        assertThat(console.find(By.id("dispute-" + disputeId)).getText()).contains("待答复", "school");
        console.logout();

        JsonNode opened = notary.admin().get("/api/disputes/" + disputeId).json();
        assertThat(opened.get("deliveryId").asString()).isEqualTo(notaryDelivery);
        assertThat(opened.get("status").asString()).isEqualTo("OPEN");
    }

    @Test
    void s03_theSupplierCorrectsTheRecordInTheConsole() {
        console.login(adminLogin(supplier), CatalogFixture.PASSWORD);
        console.open("/console/disputes?role=supplier&status=OPEN");
        WebElement row = console.find(By.id("dispute-" + disputeId));
        assertThat(row.getText()).contains("公证处(控制台异议)", "school");
        console.shot("5x-disputes-supplier-list");
        row.findElement(By.cssSelector("a.open-dispute")).click();
        assertThat(console.find(By.id("dispute-reason")).getText()).isEqualTo("院校名称与毕业证书原件不符");

        String badNumber = person.substring(0, 17) + (person.charAt(17) == '0' ? '1' : '0');
        fillCorrection(badNumber);
        console.find(By.id("correct-submit")).click();
        WebElement error = console.find(By.id("error-record-idNumber"));
        assertThat(error.getText()).isNotBlank();
        assertThat(error.findElement(By.xpath("..")).findElements(By.id("record-idNumber")))
                .hasSize(1);
        assertThat(console.find(By.id("record-idNumber")).getAttribute("value"))
                .as("a personal field is not shown back")
                .isEmpty();
        assertThat(console.driver().getPageSource()).doesNotContain(badNumber);
        console.shot("5x-disputes-correction-refused");

        fillCorrection(person);
        console.find(By.id("correct-submit")).click();
        console.waitFor(ExpectedConditions.attributeToBe(By.id("dispute-status"), "data-status", "CORRECTED"));
        assertThat(console.find(By.cssSelector("#dispute-history tr[data-step='CORRECTED']"))
                        .getText())
                .contains("核对学籍档案后更正院校");
        assertThat(console.driver().getPageSource()).doesNotContain(person);
        console.shot("5x-disputes-corrected");

        console.open("/console/supervision");
        assertThat(console.driver().findElements(By.cssSelector("#departments tr.department")))
                .as("a department sees its own line only")
                .extracting(line -> line.getAttribute("id"))
                .containsExactly("dept-" + supplier.uscc());
        assertThat(console.driver().findElements(By.id("issued-reports")))
                .as("kept reports are for administrators and auditors")
                .isEmpty();
        console.logout();
    }

    @Test
    void s04_throughTheApiTheCorrectionReachedBothRecipientsAndTheReportCountsIt() {
        JsonNode dispute = notary.admin().get("/api/disputes/" + disputeId).json();
        assertThat(dispute.get("status").asString()).isEqualTo("CORRECTED");
        assertThat(dispute.get("closedBy").asString()).isEqualTo(adminLogin(supplier));
        String batch = dispute.get("correctionBatchId").asString();
        assertThat(batch).isNotBlank();

        List<JsonNode> notaryGot = await().until(() -> mailbox(notary), m -> m.size() == 2);
        List<JsonNode> insurerGot = await().until(() -> mailbox(insurer), m -> m.size() == 2);
        assertThat(schools(notaryGot)).containsExactly(WRONG_SCHOOL, RIGHT_SCHOOL);
        assertThat(schools(insurerGot)).containsExactly(WRONG_SCHOOL, RIGHT_SCHOOL);
        assertThat(notaryGot.get(1).at("/envelope/deliveryId").asString()).isNotEqualTo(notaryDelivery);
        assertThat(insurerGot.get(1).at("/envelope/deliveryId").asString()).isNotEqualTo(insurerDelivery);

        JsonNode corrected = Api.at(port)
                .as("auditor")
                .get("/api/audit/events?resource=" + code + "&type=DISPUTE_CORRECTED")
                .json()
                .get("items");
        assertThat(corrected).hasSize(1);
        assertThat(corrected.get(0).get("details").asString()).contains(disputeId, batch);

        JsonNode line = reportLineOfTheSupplier();
        assertThat(line.at("/disputes/opened").asLong()).isEqualTo(1);
        assertThat(line.at("/disputes/closed").asLong()).isEqualTo(1);
        assertThat(line.at("/disputes/overdue").asLong()).isZero();
    }

    @Test
    void s05_thePlatformAdministratorSeesTheDisputeCountedOnTheSupervisionPage() {
        console.login("admin", "tongban-demo");
        console.open("/console/supervision");
        console.find(By.cssSelector("#charts[data-rendered='true']"));
        WebElement line = console.find(By.id("dept-" + supplier.uscc()));
        assertThat(line.findElement(By.cssSelector(".name")).getText()).isEqualTo("教育厅(控制台异议)");
        assertThat(line.findElement(By.cssSelector(".disputes-opened")).getText())
                .isEqualTo("1");
        assertThat(line.findElement(By.cssSelector(".disputes-closed")).getText())
                .isEqualTo("1");
        assertThat(line.findElement(By.cssSelector(".disputes-overdue")).getText())
                .isEqualTo("0");
        ((org.openqa.selenium.JavascriptExecutor) console.driver())
                .executeScript("arguments[0].scrollIntoView({block: 'center'})", line);
        console.shot("5x-supervision-dispute-counted");
        List<String> kept =
                Api.at(port).as("admin").get("/api/supervision/reports").json().findValuesAsString("period");
        assertThat(console.driver().findElements(By.cssSelector("#issued-reports tr.issued td a")))
                .extracting(WebElement::getText)
                .containsExactlyInAnyOrderElementsOf(kept);

        console.open("/console/disputes?status=CORRECTED");
        assertThat(console.find(By.id("dispute-" + disputeId)).getText()).contains("已更正");
        console.logout();
    }

    /** A supplier, two demanders by mailbox, and one record with the wrong school delivered to both. */
    private void province() {
        CatalogFixture fixture = new CatalogFixture(port);
        supplier = fixture.participant("教育厅(控制台异议)", "DEPARTMENT");
        notary = fixture.participant("公证处(控制台异议)", "NOTARY_OFFICE");
        insurer = fixture.participant("人社厅(控制台异议)", "DEPARTMENT");
        code = CatalogFixture.resourceCode();
        created(supplier.admin().post("/api/catalog/resources", CatalogFixture.resource(code, supplier.uscc())));
        // Unconditional fields only: both agreements are in force as filed.
        created(notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "name", "school"))));
        created(insurer.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(insurer.uscc(), code, List.of("certificateNo", "school"))));
        JsonNode credential = created(supplier.admin()
                        .post("/api/catalog/participants/" + supplier.uscc() + "/credentials", Map.of()))
                .json();
        Api system = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        person = SyntheticIdentifiers.idNumber(new Random(), "430102", LocalDate.of(1995, 5, 20));
        Api.Reply pushed = system.post(
                "/api/exchange/intake/" + code,
                Map.of("records", List.of(Map.of("sourceRecordId", SOURCE, "record", record(WRONG_SCHOOL)))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("deliveries").asInt()).isEqualTo(2);
        notaryDelivery = await().until(() -> mailbox(notary), m -> m.size() == 1)
                .get(0)
                .at("/envelope/deliveryId")
                .asString();
        insurerDelivery = await().until(() -> mailbox(insurer), m -> m.size() == 1)
                .get(0)
                .at("/envelope/deliveryId")
                .asString();
    }

    private Map<String, Object> record(String school) {
        return Map.of(
                "certificateNo", "105421202005001",
                "name", "张三",
                "idNumber", person,
                "school", school,
                "mobile", "13812345678",
                "religion", "无");
    }

    private void fillCorrection(String idNumber) {
        Map<String, String> values = Map.of(
                "certificateNo", "105421202005001",
                "name", "张三",
                "idNumber", idNumber,
                "school", RIGHT_SCHOOL,
                "mobile", "13812345678",
                "religion", "无");
        values.forEach((field, value) -> {
            WebElement box = console.find(By.id("record-" + field));
            box.clear();
            box.sendKeys(value);
        });
        WebElement reason = console.find(By.id("correct-reason"));
        reason.clear();
        reason.sendKeys("核对学籍档案后更正院校");
    }

    private void submitRaise() {
        WebElement submit = console.find(By.id("raise-submit"));
        submit.click();
        console.waitFor(ConsoleBrowser.gone(submit));
    }

    private JsonNode reportLineOfTheSupplier() {
        YearMonth month = YearMonth.now(ZONE);
        Api.Reply report = Api.at(port)
                .as("auditor")
                .get("/api/supervision/report?from=" + month.atDay(1) + "&to=" + month.atEndOfMonth() + "&department="
                        + supplier.uscc());
        assertThat(report.status()).as(report.toString()).isEqualTo(200);
        JsonNode departments = report.json().get("departments");
        assertThat(departments).hasSize(1);
        return departments.get(0);
    }

    private List<JsonNode> mailbox(Party party) {
        List<JsonNode> items = new ArrayList<>();
        party.admin().get("/api/exchange/mailbox").json().forEach(item -> {
            if (item.at("/envelope/resourceCode").asString().equals(code)
                    && item.at("/envelope/sourceRecordId").asString().equals(SOURCE)) {
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

    private static List<String> menu() {
        return console.driver().findElements(By.cssSelector(".menu a")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The login CatalogFixture made for the participant's department administrator. */
    private static String adminLogin(Party party) {
        return "adm-" + party.uscc().toLowerCase().substring(8);
    }

    /** A console link fetched with the browser's session, as a download would be. */
    private static HttpResponse<String> withSession(String url) throws IOException, InterruptedException {
        String session = console.driver().manage().getCookieNamed("JSESSIONID").getValue();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", "JSESSIONID=" + session)
                .timeout(Duration.ofSeconds(10))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Api.Reply created(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply;
    }
}
