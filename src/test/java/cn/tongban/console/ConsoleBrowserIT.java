package cn.tongban.console;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): log in, register an endpoint, decide an approval, be refused. One browser for all;
 * each step leaves a screenshot under target/screenshots/.
 */
@HubTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class ConsoleBrowserIT {

    private static final String NOTARY = "11430100445509870F";

    private static ConsoleBrowser console;
    private static WebDriver browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        console = ConsoleBrowser.start();
        browser = console.driver();
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
    void s01_aWrongPasswordIsRefusedOnTheLoginPage() {
        open("/console/catalog");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        login("gz-admin", "not-the-password");
        assertThat(find(By.id("login-error")).getText()).contains("用户名或密码错误");
        shot("01-login-error");
        open("/console/login?lang=en");
        assertThat(find(By.id("login-submit")).getText()).isEqualTo("Log in");
        open("/console/login?lang=zh");
        assertThat(find(By.id("login-submit")).getText()).isEqualTo("登录");
    }

    /**
     * The login form counts wrong passwords with the API's HTTP Basic: ten in a row lock the
     * account, the right password is then refused with the same words, the lock is in the ledger,
     * and the platform administrator's unlock opens the form again.
     */
    @Test
    void s01b_tenWrongPasswordsOnTheFormLockTheLogin() {
        String username = "form-lock-" + UUID.randomUUID().toString().substring(0, 8);
        String right = "Form-Lock-Passw0rd";
        Api admin = api("admin");
        Api.Reply created = admin.post(
                "/api/security/accounts",
                Map.of("username", username, "password", right, "displayName", "审计员", "roles", List.of("AUDITOR")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        open("/console/login");
        for (int i = 0; i < 10; i++) {
            login(username, "Wrong-Guess-7731");
        }
        String wrongPassword = find(By.id("login-error")).getText();
        login(username, right);
        assertThat(browser.getCurrentUrl()).contains("/console/login");
        assertThat(find(By.id("login-error")).getText()).isEqualTo(wrongPassword);
        shot("01b-login-locked");
        assertThat(Api.at(port).as(username, right).get("/api/security/me").status())
                .as("the form's failures lock HTTP Basic too")
                .isEqualTo(401);
        JsonNode locks = api("auditor")
                .get("/api/audit/events?type=ACCOUNT_LOCKED&size=200")
                .json()
                .get("items");
        assertThat(locks.findValuesAsString("details"))
                .filteredOn(details -> details.contains("\"" + username + "\""))
                .hasSize(1);

        Api.Reply unlocked = admin.post("/api/security/accounts/" + username + "/unlock", Map.of());
        assertThat(unlocked.status()).as(unlocked.toString()).isBetween(200, 204);
        login(username, right);
        assertThat(find(By.id("current-user")).getText()).isEqualTo(username);
        logout();
    }

    @Test
    void s02_aDepartmentAdministratorRegistersAWebhookEndpoint() {
        login("gz-admin", "tongban-demo");
        assertThat(browser.getCurrentUrl()).contains("/console/catalog");
        assertThat(find(By.id("current-user")).getText()).isEqualTo("gz-admin");
        assertThat(find(By.id("current-participant")).getText()).contains("长沙公证处");
        assertThat(browser.findElements(By.cssSelector(".menu a")))
                .extracting(WebElement::getText)
                .containsExactly("目录", "异议", "监督考核");

        registerWebhook("ftp://gz.example.cn/hook");
        WebElement error = find(By.id("error-address"));
        assertThat(error.getText()).isEqualTo("must be an absolute http(s) URL");
        // Beside its field: in the address field's row of the form.
        assertThat(error.findElement(By.xpath(".."))
                        .findElement(By.id("address"))
                        .getAttribute("value"))
                .isEqualTo("ftp://gz.example.cn/hook");
        shot("02-catalog-bad-address");

        String address = "https://gz.example.cn/hooks/" + UUID.randomUUID();
        registerWebhook(address);
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("endpoints"), address));
        assertThat(browser.findElements(By.id("error-address"))).isEmpty();
        assertThat(find(By.cssSelector("#endpoints tr.added td.address")).getText())
                .isEqualTo(address);
        shot("03-catalog-endpoint-added");

        JsonNode endpoints = api("gz-admin")
                .get("/api/catalog/participants/" + NOTARY + "/endpoints")
                .json();
        assertThat(endpoints.findValuesAsString("address")).contains(address);
    }

    @Test
    void s03_aPageOfAnotherRoleIsRefused() {
        open("/console/approvals");
        assertThat(find(By.id("denied")).getText()).isEqualTo("无权访问");
        shot("04-approvals-refused");
        logout();
    }

    @Test
    void s04_anApproverApprovesOneFieldAndRefusesAnotherWithAReason() {
        String agreement = conditionalDemandForTheMarriageRegister();

        login("mz-approver", "tongban-demo");
        assertThat(browser.getCurrentUrl()).contains("/console/approvals");
        By request = By.id("agreement-" + agreement);
        assertThat(find(request).getText()).contains("剩余 10 个工作日");
        shot("05-approvals-inbox");

        decide(agreement, "certificateNo", "approve", null);
        wait(ExpectedConditions.textToBe(state(agreement, "certificateNo"), "已同意"));

        decide(agreement, "registrationType", "refuse", null);
        WebElement error = find(By.cssSelector("#field-" + agreement + "-registrationType .error"));
        assertThat(error.getText()).isEqualTo("a refusal must give its reason");
        shot("06-approvals-reason-required");

        decide(agreement, "registrationType", "refuse", "婚姻登记类型不属于学历公证所需");
        wait(ExpectedConditions.textToBe(state(agreement, "registrationType"), "已拒绝"));
        assertThat(find(state(agreement, "registrationDate")).getText()).isEqualTo("待审批");
        shot("07-approvals-decided");

        JsonNode fields = api("mz-approver")
                .get("/api/catalog/agreements/" + agreement)
                .json()
                .get("fields");
        Map<String, String> states = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        fields.forEach(f -> {
            states.put(f.get("name").asString(), f.get("state").asString());
            if (f.has("reason")) {
                reasons.put(f.get("name").asString(), f.get("reason").asString());
            }
        });
        assertThat(states)
                .containsEntry("certificateNo", "GRANTED")
                .containsEntry("registrationType", "REFUSED")
                .containsEntry("registrationDate", "PENDING");
        assertThat(reasons).containsEntry("registrationType", "婚姻登记类型不属于学历公证所需");
        logout();
    }

    @Test
    void s90_anAuditorFollowsAPersonThroughTheLedger() {
        String person = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.util.Random(), "430102", java.time.LocalDate.of(1992, 3, 14));
        String resource = recordPushedThroughTheApi(person);

        login("auditor", "tongban-demo");
        open("/console/audit");
        find(By.id("idNumber")).sendKeys(person);
        find(By.id("search-submit")).click();
        WebElement received = find(By.cssSelector("#events tr.event[data-type='RECORD_RECEIVED']"));
        assertThat(find(By.id("by-person")).getText()).contains("身份证号");
        assertThat(find(By.id("results")).getText()).doesNotContain(person);
        shot("1x-audit-search");

        received.click();
        wait(ExpectedConditions.textToBe(By.id("detail-type"), "RECORD_RECEIVED"));
        assertThat(find(By.id("event-detail")).getText()).contains(resource).doesNotContain(person);
        shot("1x-audit-detail");

        find(By.id("lineage-link")).click();
        wait(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#lineage-graph[data-rendered='true'] canvas")));
        assertThat(find(By.id("lineage-events")).getText()).contains("RECORD_RECEIVED", "DELIVERY_SIGNED");
        shot("1x-audit-lineage");

        open("/console/audit");
        find(By.id("verify-submit")).click();
        assertThat(find(By.id("chain-intact")).getText()).contains("完整");
        shot("1x-audit-verify");
        logout();
    }

    /** A provider's record about {@code person}, pushed through the intake API to a notary's mailbox; its resource code. */
    private String recordPushedThroughTheApi(String person) {
        CatalogFixture fixture = new CatalogFixture(port);
        CatalogFixture.Party provider = fixture.participant("教育厅(审计)", "DEPARTMENT");
        CatalogFixture.Party demander = fixture.participant("公证处(审计)", "NOTARY_OFFICE");
        String code = CatalogFixture.resourceCode();
        assertThat(provider.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(201);
        Api.Reply filed = demander.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(demander.uscc(), code, List.of("certificateNo", "name")));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        List<Map<String, Object>> decisions = new java.util.ArrayList<>();
        for (JsonNode field : filed.json().at("/agreement/fields")) {
            if (field.get("state").asString().equals("PENDING")) {
                decisions.add(Map.of("field", field.get("name").asString(), "outcome", "APPROVE"));
            }
        }
        if (!decisions.isEmpty()) {
            String id = filed.json().at("/agreement/id").asString();
            assertThat(provider.approver()
                            .post("/api/catalog/agreements/" + id + "/decisions", Map.of("decisions", decisions))
                            .status())
                    .isEqualTo(200);
        }
        Api.Reply endpoint = demander.admin()
                .post(
                        "/api/catalog/participants/" + demander.uscc() + "/endpoints",
                        Map.of("direction", "DEMAND", "kind", "MAILBOX"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        JsonNode credential = provider.admin()
                .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                .json();
        Api supplier = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        Map<String, Object> record = Map.of(
                "sourceRecordId",
                "AUD-1",
                "record",
                Map.of(
                        "certificateNo",
                        "105421202005001",
                        "name",
                        "审计甲",
                        "idNumber",
                        person,
                        "school",
                        "湖南大学",
                        "mobile",
                        "13812345678",
                        "religion",
                        "无"));
        Api.Reply pushed = supplier.post("/api/exchange/intake/" + code, Map.of("records", List.of(record)));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(1);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> api("auditor")
                        .get("/api/audit/lineage?resource=" + code + "&sourceRecordId=AUD-1")
                        .body()
                        .contains("DELIVERY_SIGNED"));
        return code;
    }

    /** A fresh request for three conditional fields of 婚姻登记信息, filed by the notary office. */
    private String conditionalDemandForTheMarriageRegister() {
        Map<String, Object> demand = new HashMap<>(CatalogFixture.demand(
                NOTARY, "MZ-HY-0001", List.of("certificateNo", "registrationType", "registrationDate")));
        demand.put("serviceItemCode", "GZ-HYGZ-" + UUID.randomUUID().toString().substring(0, 8));
        Api.Reply filed = api("gz-admin").post("/api/catalog/demands", demand);
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        return filed.json().get("agreement").get("id").asString();
    }

    private void decide(String agreement, String field, String button, String reason) {
        By row = By.id("field-" + agreement + "-" + field);
        if (reason != null) {
            WebElement input = find(row).findElement(By.cssSelector("input.reason"));
            input.clear();
            input.sendKeys(reason);
        }
        find(row).findElement(By.cssSelector("button." + button)).click();
        if (reason == null && button.equals("refuse")) {
            wait(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#field-" + agreement + "-" + field + " .error")));
        }
    }

    private static By state(String agreement, String field) {
        return By.cssSelector("#field-" + agreement + "-" + field + " td.state");
    }

    private void registerWebhook(String address) {
        new Select(find(By.id("direction"))).selectByValue("DEMAND");
        new Select(find(By.id("kind"))).selectByValue("WEBHOOK");
        WebElement field = find(By.id("address"));
        field.clear();
        field.sendKeys(address);
        WebElement before = find(By.id("endpoints-panel"));
        find(By.id("endpoint-submit")).click();
        // htmx swaps the whole panel: wait until the old one is gone.
        wait(ConsoleBrowser.gone(before));
    }

    private void login(String user, String password) {
        console.login(user, password);
    }

    private void logout() {
        console.logout();
    }

    private void open(String path) {
        console.open(path);
    }

    private Api api(String demoUser) {
        return Api.at(port).as(demoUser);
    }

    private static WebElement find(By by) {
        return console.find(by);
    }

    private static <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return console.waitFor(condition);
    }

    private static void shot(String name) {
        console.shot(name);
    }

    /**
     * 运维: an operator sees the health lights, suspends a delivery route (a reason is required),
     * resumes it, tests its connection and replays a dead letter; checked through the API and
     * the ledger. A fresh notary with an unreachable webhook makes the dead letter.
     */
    @Test
    void s2x_anOperatorSuspendsResumesTestsAndReplays() {
        CatalogFixture fixture = new CatalogFixture(port);
        CatalogFixture.Party supplier = fixture.participant("教育厅(运维)", "DEPARTMENT");
        CatalogFixture.Party notary = fixture.participant("公证处(运维)", "NOTARY_OFFICE");
        String code = CatalogFixture.resourceCode();
        assertThat(supplier.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, supplier.uscc()))
                        .status())
                .isEqualTo(201);
        assertThat(notary.admin()
                        .post(
                                "/api/catalog/demands",
                                CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "name", "school")))
                        .status())
                .isEqualTo(201);
        // Nobody listens on the discard port: the notary's delivery dies after its retries.
        Api.Reply endpoint = notary.admin()
                .post(
                        "/api/catalog/participants/" + notary.uscc() + "/endpoints",
                        Map.of("direction", "DEMAND", "kind", "WEBHOOK", "address", "http://127.0.0.1:9/hook"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        String route = "deliver-" + endpoint.json().get("id").asString();
        JsonNode credential = supplier.admin()
                .post("/api/catalog/participants/" + supplier.uscc() + "/credentials", Map.of())
                .json();
        Api system = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        Api ops = api("ops");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> ops.get("/api/ops/routes/" + route).status() == 200);
        Map<String, Object> good = new HashMap<>(Map.of(
                "certificateNo", "105421202005001",
                "name", "测试",
                "school", "湖南大学",
                "mobile", "13812345678",
                "religion", "无"));
        Map<String, Object> bad = new HashMap<>(good);
        good.put(
                "idNumber",
                cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                        new java.util.Random(7), "430102", java.time.LocalDate.of(1995, 5, 20)));
        bad.put("idNumber", "430102199505200000");
        Api.Reply pushed = system.post(
                "/api/exchange/intake/" + code,
                Map.of(
                        "records",
                        List.of(
                                Map.of("sourceRecordId", "ops-good-1", "record", good),
                                Map.of("sourceRecordId", "ops-bad-1", "record", bad))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        long dead = org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            for (JsonNode d : ops.get("/api/exchange/dead-letters?limit=1000")
                                    .json()) {
                                if (d.get("resourceCode").asString().equals(code)) {
                                    return d.get("id").asLong();
                                }
                            }
                            return 0L;
                        },
                        id -> id > 0);

        login("ops", "tongban-demo");
        assertThat(browser.getCurrentUrl()).contains("/console/ops");
        assertThat(browser.findElements(By.cssSelector("#lights tbody tr"))).isNotEmpty();
        assertThat(find(By.cssSelector("#light-db .light")).getText()).isEqualTo("UP");
        assertThat(find(By.id("overall")).getText()).isNotBlank();
        shot("2x-ops-1-dashboard");

        open("/console/ops/routes");
        By row = By.id("route-" + route);
        find(row).findElement(By.cssSelector("button.suspend")).click();
        WebElement error = find(By.cssSelector("#route-" + route + " form.control .error"));
        assertThat(error.getText()).isNotBlank();
        // Beside its field: in the reason's form.
        assertThat(error.findElement(By.xpath("..")).findElements(By.name("reason")))
                .hasSize(1);
        shot("2x-ops-2-reason-required");

        WebElement before = find(row);
        before.findElement(By.name("reason")).sendKeys("公证处系统升级");
        before.findElement(By.cssSelector("button.suspend")).click();
        wait(ConsoleBrowser.gone(before));
        wait(ExpectedConditions.textToBe(By.cssSelector("#route-" + route + " td.health"), "SUSPENDED"));
        assertThat(find(By.cssSelector("#route-" + route + " td.state")).getText())
                .isEqualTo("Suspended");
        shot("2x-ops-3-route-suspended");

        JsonNode suspended = ops.get("/api/ops/routes/" + route).json();
        assertThat(suspended.get("state").asString()).isEqualTo("Suspended");
        assertThat(suspended.get("health").asString()).isEqualTo("SUSPENDED");
        JsonNode events = api("auditor")
                .get("/api/audit/events?type=CHANGE:route&size=50")
                .json()
                .get("items");
        List<String> actions = new java.util.ArrayList<>();
        for (JsonNode event : events) {
            if (event.get("details").asString().contains(route)) {
                assertThat(event.get("actor").asString()).isEqualTo("ops");
                actions.add(event.get("outcome").asString() + ":"
                        + Api.json(event.get("details").asString())
                                .get("reason")
                                .asString());
            }
        }
        assertThat(actions).containsExactly("suspended:公证处系统升级");

        before = find(row);
        before.findElement(By.name("reason")).sendKeys("升级完成");
        before.findElement(By.cssSelector("button.resume")).click();
        wait(ConsoleBrowser.gone(before));
        wait(ExpectedConditions.textToBe(By.cssSelector("#route-" + route + " td.state"), "Started"));
        assertThat(ops.get("/api/ops/routes/" + route).json().get("state").asString())
                .isEqualTo("Started");

        before = find(row);
        before.findElement(By.cssSelector("button.test")).click();
        wait(ConsoleBrowser.gone(before));
        assertThat(find(By.cssSelector("#route-" + route + " .tested")).getText())
                .contains("不可达");
        shot("2x-ops-4-connection-tested");

        open("/console/ops/dead-letters");
        assertThat(find(By.id("quarantine")).getText()).contains("ops-bad-1").contains("idNumber");
        WebElement letter = find(By.id("dead-" + dead));
        letter.findElement(By.cssSelector("button.replay")).click();
        wait(ConsoleBrowser.gone(letter));
        assertThat(find(By.cssSelector("#dead-" + dead + " .replayed")).getText())
                .startsWith("已重放");
        shot("2x-ops-5-dead-letter-replayed");
        logout();
    }
}
