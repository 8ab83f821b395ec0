package cn.tongban.federation;

import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.HubsInJvm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two hubs in this JVM — Hunan (430000) and Guangdong (440000) — each with its own PostgreSQL
 * database (on the server at TONGBAN_TEST_DB_URL, or its own embedded cluster), its own keys and
 * its own HTTP port, talking to each other over real HTTP on loopback.
 */
final class TwoHubs implements AutoCloseable {

    /** One running hub. */
    static final class Hub {
        final String province;
        final Path keyDir;
        final String database;
        String name;
        String databaseUrl;
        boolean created;
        ConfigurableApplicationContext context;
        int port;

        Hub(String province, Path keyDir, String database) {
            this.province = province;
            this.keyDir = keyDir;
            this.database = database;
        }

        Api api(String user) {
            return Api.at(port).as(user);
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        HubKeys keys() {
            return HubKeys.loadOrCreate(keyDir, "unused");
        }

        <T> T bean(Class<T> type) {
            return context.getBean(type);
        }
    }

    final Hub hunan;
    final Hub guangdong;

    TwoHubs() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path root = Path.of("target", "two-hubs", tag);
        hunan = new Hub("430000", root.resolve("hn-keys"), HubsInJvm.onServer() ? "tongban_fed_hn_" + tag : null);
        guangdong = new Hub("440000", root.resolve("gd-keys"), HubsInJvm.onServer() ? "tongban_fed_gd_" + tag : null);
    }

    TwoHubs start() {
        start(hunan, "湖南省政务数据共享交换平台");
        start(guangdong, "广东省政务数据共享交换平台");
        return this;
    }

    void start(Hub hub, String name) {
        hub.name = name;
        Map<String, Object> props = new LinkedHashMap<>(HubsInJvm.itProperties());
        if (hub.database != null) {
            if (!hub.created) {
                hub.databaseUrl = HubsInJvm.createDatabase(hub.database);
            }
            props.put("spring.datasource.url", hub.databaseUrl);
        }
        hub.created = true;
        props.put("server.port", hub.port == 0 ? "0" : String.valueOf(hub.port));
        props.put("tongban.federation.province", hub.province);
        props.put("tongban.federation.name", name);
        props.put("tongban.federation.directory-refresh", "2s");
        props.put("tongban.federation.send-period-ms", "100");
        props.put("tongban.federation.retry-base", "100ms");
        props.put("tongban.federation.retry-max", "500ms");
        props.put("tongban.signing.key-dir", hub.keyDir.toString());
        props.put(
                "tongban.database.embedded.data-dir",
                hub.keyDir.resolveSibling(hub.province + "-pg").toString());
        props.put("tongban.database.embedded.clean", "false");
        hub.context = HubsInJvm.run(props);
        hub.port = Integer.parseInt(hub.context.getEnvironment().getProperty("local.server.port"));
    }

    /** Starts a stopped hub again on its port, database and keys. */
    void restart(Hub hub) {
        start(hub, hub.name);
    }

    void stop(Hub hub) {
        if (hub.context != null) {
            hub.context.close();
            hub.context = null;
        }
    }

    @Override
    public void close() {
        stop(hunan);
        stop(guangdong);
        for (Hub hub : new Hub[] {hunan, guangdong}) {
            if (hub.database != null) {
                HubsInJvm.dropDatabase(hub.database);
            }
        }
    }
}
