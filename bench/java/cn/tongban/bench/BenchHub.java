package cn.tongban.bench;

import cn.tongban.TongbanApplication;
import cn.tongban.identifier.SyntheticIdentifiers;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Random;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The hub as the load generators start it: on the PostgreSQL server named by {@code bench.db}
 * (fsync on), no demo data, a known administrator password, quiet logs.
 */
final class BenchHub {

    static final String ADMIN_PASSWORD = "bench-admin-password";

    final ConfigurableApplicationContext context;
    final String base;

    private BenchHub(ConfigurableApplicationContext context) {
        this.context = context;
        this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    static BenchHub start(String... extraArgs) {
        String[] common = {
            "--server.port=0",
            "--spring.datasource.url=" + System.getProperty("bench.db", "jdbc:postgresql://127.0.0.1:5432/tongban_bench"),
            "--spring.datasource.username=postgres",
            "--tongban.demo.enabled=false",
            "--tongban.security.admin-password=" + ADMIN_PASSWORD,
            "--tongban.signing.key-dir=target/bench-keys",
            "--logging.level.root=WARN"
        };
        String[] args = new String[common.length + extraArgs.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(extraArgs, 0, args, common.length, extraArgs.length);
        return new BenchHub(SpringApplication.run(TongbanApplication.class, args));
    }

    ExchangeLoad.Client admin(HttpClient http) {
        return new ExchangeLoad.Client(http, base, "admin", ADMIN_PASSWORD);
    }

    /** Registers a department with an invented USCC and returns the USCC. */
    static String participant(ExchangeLoad.Client admin, Random random, String name) {
        String uscc = SyntheticIdentifiers.uscc(random, "430100");
        admin.call("POST", "/api/catalog/participants", Map.of("uscc", uscc, "name", name, "kind", "DEPARTMENT", "regionCode", "430100"));
        return uscc;
    }

    void close() {
        context.close();
    }
}
