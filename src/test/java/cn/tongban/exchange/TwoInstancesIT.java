package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.cluster.SingletonWork;
import cn.tongban.support.Api;
import cn.tongban.support.HubsInJvm;
import cn.tongban.support.TcpProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two hub instances on one PostgreSQL, as behind a load balancer: both take records in and both
 * deliver (the outbox is claimed row by row), one of them does the singleton work. Instance A
 * loses its database mid-stream — as a crashed or cut-off machine does, without releasing its
 * lease — and then the survivor is stopped in order: no accepted record is lost, a record
 * delivered twice carries one delivery id, and the singleton work moves each time.
 */
class TwoInstancesIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration RENEW = Duration.ofMillis(500);

    private static EmbeddedPostgres embedded;
    private static String database;
    private static TcpProxy proxyForA;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void twoInstances() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String url;
        if (HubsInJvm.onServer()) {
            database = "tongban_two_" + tag;
            url = HubsInJvm.createDatabase(database);
        } else {
            embedded = EmbeddedPostgres.builder().start();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        proxyForA = new TcpProxy();
        proxyForA.forwardTo(port(url));
        String namespace = "two-instances-" + tag;
        Path keys = Path.of("target", "two-instances", tag, "keys");
        a = start("hub-a", url.replaceFirst("//[^/]+/", "//" + proxyForA.address() + "/"), namespace, keys);
        b = start("hub-b", url, namespace, keys);
    }

    private static ConfigurableApplicationContext start(String instance, String url, String namespace, Path keys) {
        Map<String, Object> settings = new LinkedHashMap<>(HubsInJvm.itProperties());
        settings.put("spring.datasource.url", url);
        settings.put("server.port", "0");
        settings.put("tongban.signing.key-dir", keys.toString());
        settings.put("tongban.cluster.instance-id", instance);
        settings.put("tongban.exchange.instance-id", instance);
        // A delivery the lost instance had claimed waits out its lease (three tries of the timeout and 30 s).
        settings.put("tongban.exchange.webhook-timeout", "1s");
        settings.put("tongban.cluster.namespace", namespace);
        settings.put("tongban.cluster.lease-duration", LEASE.toMillis() + "ms");
        settings.put("tongban.cluster.renew-interval", RENEW.toMillis() + "ms");
        settings.put("spring.datasource.hikari.connection-timeout", "1000");
        return HubsInJvm.run(settings);
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxyForA != null) {
            proxyForA.restore();
        }
        for (ConfigurableApplicationContext hub : new ConfigurableApplicationContext[] {a, b}) {
            if (hub != null && hub.isActive()) {
                hub.close();
            }
        }
        if (proxyForA != null) {
            proxyForA.close();
        }
        if (database != null) {
            HubsInJvm.dropDatabase(database);
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void recordsFlowThroughBothAndTheSingletonWorkMovesWhenAnInstanceGoes() throws Exception {
        await().atMost(LEASE.multipliedBy(3)).until(() -> leads(a) ^ leads(b));
        ConfigurableApplicationContext leader = leads(a) ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        assertThat(routeStatus(leader, "ledger-sealer")).isEqualTo("Started");
        assertThat(routeStatus(follower, "ledger-sealer")).isEqualTo("Stopped");
        JsonNode followerHealth =
                Api.at(port(follower)).as("ops").get("/actuator/health").json().get("components");
        assertThat(followerHealth.at("/ledgerSealer/status").asString()).isEqualTo("UP");
        assertThat(followerHealth.at("/ledgerSealer/details/route").asString()).isEqualTo("STANDBY");
        assertThat(followerHealth.at("/intakePipeline/status").asString()).isEqualTo("UP");

        try (ExchangeProvince province = new ExchangeProvince(port(a))) {
            Api viaA = province.supplierSystem;
            Api viaB = viaA.onPort(port(b));
            awaitDeliveryRoutes(b);
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            push(province, viaA, "a0-", accepted);
            push(province, viaB, "b0-", accepted);

            // A leaves without a word: its database is gone, its lease stays until it expires.
            long cutAt = System.nanoTime();
            proxyForA.cut();
            push(province, viaA, "a1-", accepted);
            push(province, viaB, "b1-", accepted);
            await().atMost(LEASE.plus(RENEW.multipliedBy(4))).until(() -> leads(b));
            Duration takeover = Duration.ofNanos(System.nanoTime() - cutAt);
            assertThat(leads(a)).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> "Started".equals(routeStatus(b, "ledger-sealer")));
            push(province, viaB, "b2-", accepted);

            everyAcceptedRecordArrivesOnceByDeliveryId(province, accepted, b);

            // A is back: B keeps the lease it holds; then B stops in order and A takes over at once.
            proxyForA.restore();
            Thread.sleep(RENEW.multipliedBy(4).toMillis());
            assertThat(leads(a)).isFalse();
            long stopAt = System.nanoTime();
            b.close();
            await().atMost(RENEW.multipliedBy(6)).until(() -> leads(a));
            Duration handover = Duration.ofNanos(System.nanoTime() - stopAt);
            await().atMost(Duration.ofSeconds(5)).until(() -> "Started".equals(routeStatus(a, "ledger-sealer")));
            System.out.printf(
                    "singleton work moved %d ms after the leader lost its database (lease %d ms), %d ms after an orderly stop%n",
                    takeover.toMillis(), LEASE.toMillis(), handover.toMillis());
            JsonNode verified =
                    Api.at(port(a)).as("auditor").get("/api/audit/verify").json();
            assertThat(verified.get("intact").asBoolean())
                    .as(verified.toString())
                    .isTrue();
        }
    }

    /** Twenty records through one instance; those it answers 202 for are accepted, and must arrive. */
    private static void push(ExchangeProvince province, Api instance, String prefix, Set<String> accepted) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(province.record(prefix + i, "周" + i));
        }
        Api.Reply reply;
        try {
            reply = instance.post("/api/exchange/intake/" + province.code, Map.of("records", records));
        } catch (RuntimeException unreachable) {
            return;
        }
        if (reply.status() == 202) {
            assertThat(reply.json().get("accepted").asInt()).isEqualTo(20);
            records.forEach(r -> accepted.add((String) r.get("sourceRecordId")));
        } else {
            assertThat(reply.status()).as(reply.toString()).isGreaterThanOrEqualTo(500);
        }
    }

    private static void everyAcceptedRecordArrivesOnceByDeliveryId(
            ExchangeProvince province, Set<String> accepted, ConfigurableApplicationContext survivor) {
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(60);
        await().atMost(Duration.ofSeconds(90))
                .alias("accepted records the webhook has not received")
                .until(() -> missing(accepted, province.webhook.envelopes()), Set::isEmpty);
        Map<String, Set<String>> deliveryIds = bySource(province.webhook.envelopes());
        assertThat(deliveryIds)
                .allSatisfy((source, ids) ->
                        assertThat(ids).as("delivery ids of " + source).hasSize(1));
        assertThat(deliveryIds.keySet()).isSubsetOf(allPushed());
        Api insurer = province.insurer.admin().onPort(port(survivor));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Set<String> sources = new java.util.HashSet<>();
            insurer.get("/api/exchange/mailbox?limit=500")
                    .json()
                    .forEach(item ->
                            sources.add(item.at("/envelope/sourceRecordId").asString()));
            return sources.containsAll(accepted);
        });
    }

    private static Set<String> missing(Set<String> accepted, List<JsonNode> envelopes) {
        Set<String> missing = new java.util.TreeSet<>(accepted);
        missing.removeAll(bySource(envelopes).keySet());
        return missing;
    }

    private static Set<String> allPushed() {
        Set<String> all = new java.util.HashSet<>();
        for (String prefix : List.of("a0-", "b0-", "a1-", "b1-", "b2-")) {
            for (int i = 0; i < 20; i++) {
                all.add(prefix + i);
            }
        }
        return all;
    }

    private static Map<String, Set<String>> bySource(List<JsonNode> envelopes) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (JsonNode envelope : envelopes) {
            ids.computeIfAbsent(envelope.get("sourceRecordId").asString(), k -> new java.util.HashSet<>())
                    .add(envelope.get("deliveryId").asString());
        }
        return ids;
    }

    private static void awaitDeliveryRoutes(ConfigurableApplicationContext hub) {
        CamelContext camel = hub.getBean(CamelContext.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> camel.getRoutes().stream()
                                .filter(r -> r.getRouteId().startsWith("deliver-"))
                                .count()
                        > 0);
    }

    private static boolean leads(ConfigurableApplicationContext hub) {
        return hub.isActive() && hub.getBean(SingletonWork.class).isLeader();
    }

    private static String routeStatus(ConfigurableApplicationContext hub, String route) {
        var status = hub.getBean(CamelContext.class).getRouteController().getRouteStatus(route);
        return status == null ? null : status.name();
    }

    private static int port(ConfigurableApplicationContext hub) {
        return Integer.parseInt(hub.getEnvironment().getProperty("local.server.port"));
    }

    private static int port(String jdbcUrl) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("//[^:/]+:(\\d+)/").matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no port in " + jdbcUrl);
        }
        return Integer.parseInt(m.group(1));
    }
}
