package cn.tongban.console;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import cn.tongban.support.RecordTraffic;
import cn.tongban.support.WebhookServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * 运维 · 图表与对端平台 in a real headless Chromium: records pushed through the intake API to a real
 * webhook appear in the dashboard's charts and in their route's own charts (the table beside them
 * agrees with GET /api/ops/metrics/history); the peers page lists a peer registered through the
 * API. Screenshots {@code 4x-ops-*.png} under target/screenshots/.
 */
@HubTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class ConsoleOpsChartsBrowserIT {

    private static final int RECORDS = 9;
    private static final WebhookServer webhook = new WebhookServer();
    private static ConsoleBrowser console;
    private static RecordTraffic traffic;

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
    static void stop() {
        if (console != null) {
            console.close();
        }
        webhook.close();
    }

    @Test
    void s40_theDashboardDrawsTheRoutesOverTheLastHours() {
        traffic = RecordTraffic.toWebhook(port, webhook.url(), "图表");
        traffic.push("chart", RECORDS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> recordsInHistory(traffic.routeId()) == RECORDS);

        console.login("ops", "tongban-demo");
        console.open("/console/ops");
        chartsDrawn();
        assertThat(console.find(By.cssSelector("#ops-charts h2")).getText()).isEqualTo("过去 6 小时");
        assertThat(console.driver().findElements(By.cssSelector("#latest-buckets tr.bucket")))
                .hasSize(OpsPageController.LATEST);
        // All routes: what was delivered and what the intake pipeline received.
        assertThat(sum("#latest-buckets td.records")).isGreaterThanOrEqualTo(2L * RECORDS);
        showCharts();
        console.shot("4x-ops-dashboard-charts");

        console.find(By.id("window-24")).click();
        console.waitFor(ExpectedConditions.textToBe(By.cssSelector("#ops-charts h2"), "过去 24 小时"));
        chartsDrawn();
        showCharts();
        console.shot("4x-ops-dashboard-24h");
    }

    @Test
    void s41_aRouteHasItsOwnCharts() {
        console.open("/console/ops/routes");
        WebElement link = console.find(By.cssSelector("#route-" + traffic.routeId() + " a.route-charts"));
        link.click();
        console.waitFor(ExpectedConditions.textToBe(By.id("route-id"), traffic.routeId()));
        chartsDrawn();
        // The latest buckets (6 × 3 minutes) hold this test's deliveries, as the API counts them.
        assertThat(sum("#latest-buckets td.records")).isEqualTo(RECORDS).isEqualTo(recordsInHistory(traffic.routeId()));
        assertThat(sum("#latest-buckets td.failures")).isZero();
        console.shot("4x-ops-route-charts");

        console.open("/console/ops/routes/" + traffic.routeId() + "?lang=en");
        chartsDrawn();
        assertThat(console.find(By.cssSelector("#ops-charts h2")).getText()).isEqualTo("The last 6 hours");
        console.open("/console/ops/routes/" + traffic.routeId() + "?lang=zh");
    }

    @Test
    void s42_thePeersPageListsThePeerPlatforms() {
        Api admin = Api.at(port).as("admin");
        if (admin.get("/api/federation/peers").json().isEmpty()) {
            console.open("/console/ops/peers");
            assertThat(console.find(By.id("no-peers")).getText()).contains("未配置对端平台");
            console.shot("4x-ops-peers-none");
        }
        // Suspended: its route does not go looking for a platform that is not there.
        String certificate = HubKeys.ephemeral("CN=西藏自治区政务数据共享交换平台").certificatePem();
        Api.Reply registered = admin.post(
                "/api/federation/peers",
                Map.of(
                        "province", "540000",
                        "name", "西藏自治区政务数据共享交换平台",
                        "baseUrl", "http://127.0.0.1:9/xz",
                        "certificatePem", certificate,
                        "status", "SUSPENDED",
                        "outboundResources", List.of(),
                        "inboundResources", List.of("*"),
                        "reason", "控制台测试: 对端平台页"));
        // 409: registered by an earlier run against the same database (TONGBAN_TEST_DB_URL).
        assertThat(registered.status()).as(registered.toString()).isIn(201, 409);
        String fingerprint = admin.get("/api/federation/peers/540000")
                .json()
                .get("fingerprint")
                .asString();

        console.open("/console/ops/peers");
        WebElement row = console.find(By.id("peer-540000"));
        assertThat(row.getText()).contains("540000", "西藏自治区政务数据共享交换平台", "http://127.0.0.1:9/xz", "SUSPENDED");
        assertThat(row.findElement(By.cssSelector("code.hash")).getAttribute("title"))
                .isEqualTo(fingerprint);
        assertThat(row.findElement(By.cssSelector("td.backlog")).getText()).isEqualTo("0 / 0");
        assertThat(console.driver().findElements(By.id("no-peers"))).isEmpty();
        console.shot("4x-ops-peers");
        console.logout();
    }

    /** The charts in view for the screenshot: on the dashboard they sit below the health lights. */
    private void showCharts() {
        ((JavascriptExecutor) console.driver())
                .executeScript("arguments[0].scrollIntoView()", console.find(By.id("ops-charts")));
    }

    private void chartsDrawn() {
        for (String chart : List.of("chart-throughput", "chart-latency", "chart-errors")) {
            console.find(By.cssSelector("#" + chart + "[data-rendered='true'] canvas"));
        }
        console.find(By.cssSelector("#ops-charts[data-rendered='true']"));
    }

    private long recordsInHistory(String route) {
        JsonNode h = Api.at(port)
                .as("ops")
                .get("/api/ops/metrics/history?route=" + route)
                .json();
        long total = 0;
        for (JsonNode p : h.get("points")) {
            total += p.get("records").asLong();
        }
        return total;
    }

    private long sum(String cells) {
        return console.driver().findElements(By.cssSelector(cells)).stream()
                .mapToLong(c -> Long.parseLong(c.getText().trim()))
                .sum();
    }
}
