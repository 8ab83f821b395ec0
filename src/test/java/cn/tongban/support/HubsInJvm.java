package cn.tongban.support;

import cn.tongban.TongbanApplication;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * More than one hub in the test JVM (two provinces' platforms), each with a database of its own:
 * a fresh one on the server at TONGBAN_TEST_DB_URL when it is set, else the hub's own embedded
 * cluster. Settings are given as command-line arguments, so they outrank config/application.yaml
 * as {@code @TestPropertySource} does.
 */
public final class HubsInJvm {

    private static final String SERVER = System.getenv("TONGBAN_TEST_DB_URL");

    private HubsInJvm() {}

    /** Whether hubs get databases on a server (else embedded clusters). */
    public static boolean onServer() {
        return SERVER != null;
    }

    /** The test settings of it.properties, without its embedded data directory (each hub has its own). */
    public static Map<String, Object> itProperties() {
        Properties p = new Properties();
        try (InputStream in = HubsInJvm.class.getResourceAsStream("/it.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        p.forEach((k, v) -> map.put((String) k, v));
        map.remove("tongban.database.embedded.data-dir");
        return map;
    }

    /** Creates a database on the server and answers its JDBC URL. */
    public static String createDatabase(String name) {
        admin("create database " + name);
        return SERVER.replaceFirst("/[^/?]+(\\?.*)?$", "/" + name);
    }

    public static void dropDatabase(String name) {
        admin("drop database if exists " + name + " with (force)");
    }

    public static ConfigurableApplicationContext run(Map<String, Object> settings) {
        String[] args = settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(TongbanApplication.class).run(args);
    }

    private static void admin(String sql) {
        String user = System.getenv().getOrDefault("TONGBAN_TEST_DB_USER", "postgres");
        String password = System.getenv().getOrDefault("TONGBAN_TEST_DB_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(SERVER, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
