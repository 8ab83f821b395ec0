package cn.tongban.exchange;

import static org.awaitility.Awaitility.await;

import cn.tongban.cluster.SingletonWork;
import cn.tongban.support.HubsInJvm;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Hub instances sharing one PostgreSQL in the test JVM, as behind a load balancer: the database
 * (a fresh one on the test server, or an embedded cluster of its own), each instance's settings,
 * and what the tests ask of them.
 */
final class TwoInstances implements AutoCloseable {

    static final Duration LEASE = Duration.ofSeconds(3);
    static final Duration RENEW = Duration.ofMillis(500);

    final String url;
    final String namespace;
    final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final EmbeddedPostgres embedded;
    private final String database;

    TwoInstances() throws IOException {
        if (HubsInJvm.onServer()) {
            database = "tongban_two_" + tag;
            url = HubsInJvm.createDatabase(database);
            embedded = null;
        } else {
            database = null;
            embedded = EmbeddedPostgres.builder().start();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        namespace = "two-instances-" + tag;
    }

    /** One instance's settings: its own name and port, the shared database, keys and lease. */
    Map<String, Object> settings(String instance, String jdbcUrl) {
        Map<String, Object> settings = new LinkedHashMap<>(HubsInJvm.itProperties());
        settings.put("spring.datasource.url", jdbcUrl);
        settings.put("server.port", "0");
        settings.put("tongban.signing.key-dir", "target/two-instances/" + tag + "/keys");
        settings.put("tongban.cluster.instance-id", instance);
        settings.put("tongban.exchange.instance-id", instance);
        settings.put("tongban.cluster.namespace", namespace);
        settings.put("tongban.cluster.lease-duration", LEASE.toMillis() + "ms");
        settings.put("tongban.cluster.renew-interval", RENEW.toMillis() + "ms");
        settings.put("spring.datasource.hikari.connection-timeout", "1000");
        return settings;
    }

    @Override
    public void close() throws IOException {
        if (database != null) {
            HubsInJvm.dropDatabase(database);
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    static void closeAll(ConfigurableApplicationContext... hubs) {
        for (ConfigurableApplicationContext hub : hubs) {
            if (hub != null && hub.isActive()) {
                hub.close();
            }
        }
    }

    /** The source records among {@code accepted} no envelope names yet. */
    static Set<String> missing(Set<String> accepted, List<JsonNode> envelopes) {
        Set<String> missing = new TreeSet<>(accepted);
        missing.removeAll(bySource(envelopes).keySet());
        return missing;
    }

    /** The delivery ids each source record arrived under. */
    static Map<String, Set<String>> bySource(List<JsonNode> envelopes) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (JsonNode envelope : envelopes) {
            ids.computeIfAbsent(envelope.get("sourceRecordId").asString(), k -> new HashSet<>())
                    .add(envelope.get("deliveryId").asString());
        }
        return ids;
    }

    static void awaitDeliveryRoutes(ConfigurableApplicationContext hub) {
        CamelContext camel = hub.getBean(CamelContext.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> camel.getRoutes().stream()
                                .filter(r -> r.getRouteId().startsWith("deliver-"))
                                .count()
                        > 0);
    }

    static boolean leads(ConfigurableApplicationContext hub) {
        return hub.isActive() && hub.getBean(SingletonWork.class).isLeader();
    }

    static String routeStatus(ConfigurableApplicationContext hub, String route) {
        var status = hub.getBean(CamelContext.class).getRouteController().getRouteStatus(route);
        return status == null ? null : status.name();
    }

    static int port(ConfigurableApplicationContext hub) {
        return Integer.parseInt(hub.getEnvironment().getProperty("local.server.port"));
    }

    static int port(String jdbcUrl) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("//[^:/]+:(\\d+)/").matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no port in " + jdbcUrl);
        }
        return Integer.parseInt(m.group(1));
    }
}
