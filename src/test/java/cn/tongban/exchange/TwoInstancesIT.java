package cn.tongban.exchange;

import static cn.tongban.exchange.TwoInstances.awaitDeliveryRoutes;
import static cn.tongban.exchange.TwoInstances.bySource;
import static cn.tongban.exchange.TwoInstances.leads;
import static cn.tongban.exchange.TwoInstances.missing;
import static cn.tongban.exchange.TwoInstances.port;
import static cn.tongban.exchange.TwoInstances.routeStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.HubsInJvm;
import cn.tongban.support.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private static final Duration LEASE = TwoInstances.LEASE;
    private static final Duration RENEW = TwoInstances.RENEW;

    private static TwoInstances instances;
    private static TcpProxy proxyForA;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void twoInstances() throws IOException {
        instances = new TwoInstances();
        proxyForA = new TcpProxy();
        proxyForA.forwardTo(port(instances.url));
        a = start("hub-a", instances.url.replaceFirst("//[^/]+/", "//" + proxyForA.address() + "/"));
        b = start("hub-b", instances.url);
    }

    private static ConfigurableApplicationContext start(String instance, String url) {
        Map<String, Object> settings = instances.settings(instance, url);
        // A delivery the lost instance had claimed waits out its lease (three tries of the timeout and 30 s).
        settings.put("tongban.exchange.webhook-timeout", "1s");
        return HubsInJvm.run(settings);
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxyForA != null) {
            proxyForA.restore();
        }
        TwoInstances.closeAll(a, b);
        if (proxyForA != null) {
            proxyForA.close();
        }
        if (instances != null) {
            instances.close();
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

    private static Set<String> allPushed() {
        Set<String> all = new java.util.HashSet<>();
        for (String prefix : List.of("a0-", "b0-", "a1-", "b1-", "b2-")) {
            for (int i = 0; i < 20; i++) {
                all.add(prefix + i);
            }
        }
        return all;
    }
}
