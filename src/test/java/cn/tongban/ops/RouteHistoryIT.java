package cn.tongban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.exchange.ExchangeProperties;
import cn.tongban.ops.internal.RouteSampleStore;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import cn.tongban.support.RecordTraffic;
import cn.tongban.support.WebhookServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * 运行指标历史: records pushed through the intake API to a real webhook show up in the sampled
 * history (tongban.ops.metrics.sample-interval=1s in it.properties), per route and for all routes;
 * samples of another instance add up without double-counting backlog; old samples go; the API
 * refuses a bad window, an unknown route and a caller who is no operator.
 */
@HubTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class RouteHistoryIT {

    private static final WebhookServer webhook = new WebhookServer();
    private static RecordTraffic traffic;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RouteSampleStore store;

    @Autowired
    ExchangeProperties exchange;

    @AfterAll
    static void stop() {
        webhook.close();
    }

    private Api ops() {
        return Api.at(port).as("ops");
    }

    private RecordTraffic traffic() {
        if (traffic == null) {
            traffic = RecordTraffic.toWebhook(port, webhook.url(), "指标");
        }
        return traffic;
    }

    @Test
    void s01_deliveredRecordsAreInTheRoutesHistoryAndInAllRoutes() {
        RecordTraffic flow = traffic();
        flow.push("hist-a", 7);
        flow.push("hist-b", 5);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> webhook.envelopes().size() >= 12);

        JsonNode route = Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(
                        () -> history("route=" + flow.routeId() + "&hours=1"),
                        h -> sum(h.get("points"), "records") >= 12);
        assertThat(route.get("route").asString()).isEqualTo(flow.routeId());
        assertThat(sum(route.get("points"), "records")).isEqualTo(12);
        assertThat(sum(route.get("points"), "failures")).isZero();
        assertThat(route.get("bucketSeconds").asLong()).isEqualTo(30); // 1 h in at most 120 buckets
        assertThat(route.get("points").size()).isBetween(120, 121);
        assertThat(route.get("top")).isEmpty();
        List<Double> means = new ArrayList<>();
        route.get("points").forEach(p -> {
            if (p.hasNonNull("meanLatencyMs")) { // absent where nothing was timed
                means.add(p.get("meanLatencyMs").asDouble());
                assertThat(p.get("maxLatencyMs").asDouble()).isGreaterThanOrEqualTo(0);
            }
        });
        assertThat(means).isNotEmpty().allMatch(m -> m >= 0);

        JsonNode all = history("hours=1");
        assertThat(all.hasNonNull("route")).isFalse();
        assertThat(sum(all.get("points"), "records")).isGreaterThanOrEqualTo(12 + 12); // delivered + received
        List<String> top = new ArrayList<>();
        all.get("top").forEach(t -> top.add(t.get("route").asString()));
        assertThat(top).contains(flow.routeId(), RouteMetricsSampler.INTAKE_PIPELINE);
        all.get("top").forEach(t -> assertThat(t.get("records").asLong()).isEqualTo(sum(t.get("points"), "records")));

        // Written by this instance, as deltas: never below zero.
        Map<String, Object> rows = jdbc.queryForMap(
                "select count(*) as n, count(distinct instance_id) as instances, min(instance_id) as instance,"
                        + " sum(records) as records, min(least(records, failures, exchanges, timed_count)) as lowest"
                        + " from ops_route_sample where route_id = ?",
                flow.routeId());
        assertThat(rows.get("instances")).isEqualTo(1L);
        assertThat(rows.get("instance")).isEqualTo(exchange.instanceId());
        assertThat(((Number) rows.get("records")).longValue()).isEqualTo(12);
        assertThat(((Number) rows.get("lowest")).longValue()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void s02_anotherInstancesSamplesAddUpButBacklogIsTheLargestReading() {
        String route = "deliver-00000000-0000-0000-0000-000000000042";
        Instant at = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        store.insert("hub-a", at, 1000, List.of(new RouteSampleStore.Sample(route, 30, 1, 3, 3, 30.0, 20.0, 7L)));
        store.insert("hub-b", at, 1000, List.of(new RouteSampleStore.Sample(route, 12, 2, 3, 3, 90.0, 50.0, 5L)));
        // The same tick written again (a retried pass) is kept once.
        store.insert("hub-b", at, 1000, List.of(new RouteSampleStore.Sample(route, 12, 2, 3, 3, 90.0, 50.0, 5L)));

        JsonNode h = history("route=" + route + "&hours=1");
        JsonNode bucket = null;
        for (JsonNode p : h.get("points")) {
            if (p.get("records").asLong() > 0) {
                bucket = p;
            }
        }
        assertThat(bucket).isNotNull();
        assertThat(bucket.get("records").asLong()).isEqualTo(42);
        assertThat(bucket.get("failures").asLong()).isEqualTo(3);
        assertThat(bucket.get("recordsPerSecond").asDouble())
                .isEqualTo(42 / 30.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(bucket.get("meanLatencyMs").asDouble()).isEqualTo(20.0); // (30 + 90) ms / 6 exchanges
        assertThat(bucket.get("maxLatencyMs").asDouble()).isEqualTo(50.0);
        assertThat(bucket.get("backlog").asLong()).isEqualTo(7);
    }

    @Test
    void s03_samplesPastTheRetentionAreDeleted() {
        String route = "deliver-00000000-0000-0000-0000-000000000043";
        store.insert(
                "hub-old",
                Instant.now().minus(25, ChronoUnit.HOURS),
                1000,
                List.of(new RouteSampleStore.Sample(route, 1, 0, 1, 0, 0, null, null)));
        assertThat(count(route)).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(route) == 0);
    }

    @Test
    void s04_theApiRefusesABadWindowAnUnknownRouteAndNonOperators() {
        for (String hours : List.of("0", "25", "abc", "1.5")) {
            Api.Reply refused = ops().get("/api/ops/metrics/history?hours=" + hours);
            assertThat(refused.status()).as(hours).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.violations()).as(refused.toString()).contains("hours:range");
        }
        assertThat(ops().get("/api/ops/metrics/history?hours=24").status()).isEqualTo(200);
        assertThat(ops().get("/api/ops/metrics/history?route=no-such-route").status())
                .isEqualTo(404);
        assertThat(Api.at(port).as("auditor").get("/api/ops/metrics/history").status())
                .isEqualTo(403);
        assertThat(Api.at(port).as("admin").get("/api/ops/metrics/history").status())
                .isEqualTo(200);
    }

    private JsonNode history(String query) {
        Api.Reply reply = ops().get("/api/ops/metrics/history?" + query);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    private long count(String route) {
        Long n = jdbc.queryForObject("select count(*) from ops_route_sample where route_id = ?", Long.class, route);
        return n == null ? 0 : n;
    }

    private static long sum(JsonNode points, String field) {
        long total = 0;
        for (JsonNode p : points) {
            total += p.get(field).asLong();
        }
        return total;
    }
}
