package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.support.Api;
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
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One delivery route per demand endpoint (#12), over real HTTP: a demander whose system is down
 * turns its own route DOWN while the others keep delivering, and gets everything once, in order,
 * when it is back; operators see backlog and lag grow, suspend and resume a route, and put the
 * hub in maintenance; every action is in the ledger; Prometheus shows Camel's route meters.
 */
@HubTest
@TestPropertySource(
        properties = {
            // Nothing is dead-lettered while a demander is down in these scenarios.
            "tongban.exchange.max-attempts=1000",
            "tongban.exchange.breaker-calls=2",
            "tongban.exchange.breaker-open-for=1s"
        })
class DeliveryRoutesIT {

    @LocalServerPort
    int port;

    ExchangeProvince province;
    WebhookServer notaryHook;
    WebhookServer insurerHook;
    Api ops;
    String notaryRoute;
    String insurerRoute;

    @BeforeEach
    void province() {
        province = new ExchangeProvince(port);
        notaryHook = province.webhook;
        insurerHook = new WebhookServer();
        province.endpoint(province.insurer, "DEMAND", "WEBHOOK", insurerHook.url(), null);
        ops = Api.at(port).as("ops");
        notaryRoute = routeOf(province.notary.uscc());
        insurerRoute = routeOf(province.insurer.uscc());
    }

    @AfterEach
    void stop() {
        province.close();
        insurerHook.close();
    }

    @Test
    void s01_aDemanderThatIsDownTurnsOnlyItsRouteDownAndGetsEverythingOnceInOrder() {
        notaryHook.stop();
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1988, 8, 8));
        push(person, "A", 1, 4);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> routeHealth(notaryRoute).equals("DOWN"));
        JsonNode health = ops.get("/actuator/health").json();
        assertThat(health.get("status").asString())
                .as("a partner down degrades the hub")
                .isEqualTo("DEGRADED");
        assertThat(health.at("/components/deliveryRoutes/details/" + notaryRoute + "/circuit")
                        .asString())
                .isIn("OPEN", "HALF_OPEN");
        assertThat(Api.at(port).get("/actuator/health/readiness").status())
                .as("a partner that is down never makes the hub unready")
                .isEqualTo(200);

        push(person, "A", 5, 8);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> insurerHook.envelopes().size() == 8);
        assertThat(routeHealth(insurerRoute))
                .as("the other demander's route stays up")
                .isEqualTo("UP");
        JsonNode down = await().atMost(Duration.ofSeconds(5))
                .until(() -> route(notaryRoute), r -> r.get("backlog").asLong() == 8);
        assertThat(down.get("lastFailure").get("detail").asString()).startsWith("the endpoint could not be reached");
        long lag = down.get("lagSeconds").asLong();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> route(notaryRoute).get("lagSeconds").asLong() > lag);

        notaryHook.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> notaryHook.envelopes().size() >= 8);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> routeHealth(notaryRoute).equals("UP"));
        assertThat(notaryHook.envelopes().stream()
                        .map(e -> e.get("sourceRecordId").asString()))
                .as("every record once, in order for the person")
                .containsExactly("A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7", "A-8");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> route(notaryRoute).get("backlog").asLong() == 0);
        assertThat(notaryHook.envelopes())
                .allSatisfy(e -> assertThat(province.verify(e)).isNull());
    }

    @Test
    void s02_aSuspendedRouteQueuesItsDeliveriesUntilResumedAndBothAreInTheLedger() throws Exception {
        Api.Reply suspended = ops.post("/api/ops/routes/" + notaryRoute + "/suspend", Map.of("reason", "公证处系统升级"));
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
        assertThat(suspended.json().get("state").asString()).isEqualTo("Suspended");
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1977, 7, 7));
        push(person, "B", 1, 3);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> insurerHook.envelopes().size() == 3);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> route(notaryRoute).get("backlog").asLong() == 3);
        assertThat(notaryHook.calls()).as("nothing is sent while suspended").isZero();
        assertThat(routeHealth(notaryRoute)).isEqualTo("SUSPENDED");

        assertThat(ops.post("/api/ops/routes/" + notaryRoute + "/resume", Map.of("reason", "升级完成"))
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> notaryHook.envelopes().size() == 3);

        JsonNode events = Api.at(port)
                .as("auditor")
                .get("/api/audit/events?type=CHANGE:route&size=50")
                .json()
                .get("items");
        List<String> actions = new ArrayList<>();
        for (JsonNode event : events) {
            if (event.get("details").asString().contains(notaryRoute)) {
                assertThat(event.get("actor").asString()).isEqualTo("ops");
                actions.add(event.get("outcome").asString() + ":"
                        + Api.json(event.get("details").asString())
                                .get("reason")
                                .asString());
            }
        }
        assertThat(actions).containsExactlyInAnyOrder("suspended:公证处系统升级", "resumed:升级完成");
        assertThat(Api.at(port)
                        .as("ga-admin")
                        .post("/api/ops/routes/" + notaryRoute + "/suspend", Map.of("reason", "x"))
                        .status())
                .as("only operators and administrators pause routes")
                .isEqualTo(403);
        assertThat(ops.post("/api/ops/routes/ledger-sealer/suspend", Map.of("reason", "x"))
                        .status())
                .as("the hub's own routes are not the operators' to pause")
                .isEqualTo(404);
    }

    @Test
    void s03_inMaintenanceIntakeAnswers503AndTheHubIsUnreadyWhileDeliveriesGoOn() {
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1966, 6, 6));
        assertThat(ops.post("/api/ops/routes/" + notaryRoute + "/suspend", Map.of("reason", "排队"))
                        .status())
                .isEqualTo(200);
        push(person, "C", 1, 2);
        Api.Reply on =
                ops.post("/api/ops/maintenance", Map.of("on", true, "reason", "数据库升级", "retryAfterSeconds", 120));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        try {
            Api.Reply readiness = Api.at(port).get("/actuator/health/readiness");
            assertThat(readiness.status()).as(readiness.toString()).isEqualTo(503);
            Api.Reply refused = province.supplierSystem.post(
                    "/api/exchange/intake/" + province.code, Map.of("records", List.of(province.record("C-9", "王五"))));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("120");
            assertThat(ops.post("/api/ops/routes/" + notaryRoute + "/resume", Map.of("reason", "放行"))
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> notaryHook.envelopes().size() == 2);
        } finally {
            ops.post("/api/ops/maintenance", Map.of("on", false, "reason", "完成"));
        }
        assertThat(Api.at(port).get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(province.supplierSystem
                        .post(
                                "/api/exchange/intake/" + province.code,
                                Map.of("records", List.of(province.record("C-9", "王五"))))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void s04_prometheusShowsEachDeliveryRoutesCamelMetersGrowing() {
        String first = ops.get("/actuator/prometheus").body();
        double before = exchangesOf(first, notaryRoute);
        assertThat(first).contains("tongban_outbox_backlog{").contains("tongban_quarantine_held");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> exchangesOf(ops.get("/actuator/prometheus").body(), notaryRoute) > before);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> exchangesOf(ops.get("/actuator/prometheus").body(), insurerRoute) > 0);
        assertThat(Api.at(port).as("ga-admin").get("/actuator/prometheus").status())
                .isEqualTo(403);
        JsonNode anonymous = Api.at(port).get("/actuator/health").json();
        assertThat(anonymous.has("components"))
                .as("anonymous callers see only the status")
                .isFalse();
    }

    @Test
    void s05_aConnectionTestSaysWhetherTheEndpointAnswersWithoutSendingARecord() {
        String endpoint = route(notaryRoute).get("endpointId").asString();
        JsonNode up =
                ops.post("/api/ops/endpoints/" + endpoint + "/test", Map.of()).json();
        assertThat(up.get("reachable").asBoolean()).isTrue();
        assertThat(up.get("statusCode").asInt()).isEqualTo(200);
        notaryHook.stop();
        JsonNode down =
                ops.post("/api/ops/endpoints/" + endpoint + "/test", Map.of()).json();
        assertThat(down.get("reachable").asBoolean()).isFalse();
        assertThat(down.get("detail").asString()).startsWith("not reachable (");
        assertThat(notaryHook.envelopes()).isEmpty();
        notaryHook.start();
    }

    private void push(String person, String prefix, int from, int to) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            records.add(ExchangeProvince.record(prefix + "-" + i, "赵六", person));
        }
        Api.Reply pushed =
                province.supplierSystem.post("/api/exchange/intake/" + province.code, Map.of("records", records));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
    }

    private String routeOf(String participant) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            for (JsonNode route : ops.get("/api/ops/routes").json()) {
                                if (participant.equals(route.path("participant").asString(null))
                                        && route.get("kind").asString().equals("DELIVERY")) {
                                    return route.get("id").asString();
                                }
                            }
                            return null;
                        },
                        id -> id != null);
    }

    private JsonNode route(String id) {
        return ops.get("/api/ops/routes/" + id).json();
    }

    private String routeHealth(String id) {
        return ops.get("/actuator/health")
                .json()
                .at("/components/deliveryRoutes/details/" + id + "/status")
                .asString();
    }

    private static double exchangesOf(String scrape, String routeId) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith("camel_exchanges_total{") && line.contains("routeId=\"" + routeId + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
