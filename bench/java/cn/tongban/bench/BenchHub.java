package cn.tongban.bench;

import cn.tongban.TongbanApplication;
import cn.tongban.identifier.SyntheticIdentifiers;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Random;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import java.util.concurrent.TimeUnit;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.net.URI;

/**
 * The hub as the load generators start it: on the PostgreSQL server named by {@code bench.db}
 * (fsync on), no demo data, a known administrator password, quiet logs.
 */
final class BenchHub {

    static final String ADMIN_PASSWORD = "bench-admin-password";

    /** The hub's Spring context when it runs in this JVM; null when it runs as its own process. */
    final ConfigurableApplicationContext context;

    final String base;
    private final Process process;

    private BenchHub(ConfigurableApplicationContext context, String base, Process process) {
        this.context = context;
        this.base = base;
        this.process = process;
    }

    /** The hub in this JVM, sharing it (heap, collector, cores) with the load generator. */
    static BenchHub start(String... extraArgs) {
        return startOn(defaultDb(), DEFAULT_KEY_DIR, extraArgs);
    }

    /**
     * A hub in this JVM on its own database and key directory, so that two hubs (a federation) can
     * run side by side, each a province of its own.
     */
    static BenchHub startOn(String db, String keyDir, String... extraArgs) {
        ConfigurableApplicationContext context = SpringApplication.run(
                TongbanApplication.class, arguments("--server.port=0", db, keyDir, extraArgs));
        return new BenchHub(
                context, "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"), null);
    }

    /** The hub's process id when it runs in its own JVM; -1 when it shares this one. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * The hub as it is deployed: {@code java -jar target/tongban-hub.jar} in its own JVM (default
     * options), so the load generator's threads and garbage are not measured as the hub's.
     */
    static BenchHub startProcess(String... extraArgs) throws Exception {
        return startProcess(Path.of("target/bench-hub.log"), extraArgs);
    }

    /** The same, logging to {@code log}: several hub instances side by side, each its own process. */
    static BenchHub startProcess(Path log, String... extraArgs) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // JVM options to try on the hub (a collector, a recording): -Dbench.hubJvm="-XX:+UseParallelGC"
        String jvm = System.getProperty("bench.hubJvm", "").trim();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        command.addAll(List.of("-jar", "target/tongban-hub.jar"));
        command.addAll(List.of(arguments("--server.port=" + port, defaultDb(), DEFAULT_KEY_DIR, extraArgs)));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub stopped while starting; see " + log);
            }
            try {
                HttpResponse<Void> health = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return new BenchHub(null, base, process);
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        process.destroy();
        throw new IllegalStateException("the hub did not start in 2 minutes; see " + log);
    }

    private static final String DEFAULT_KEY_DIR = "target/bench-keys";

    private static String defaultDb() {
        return System.getProperty("bench.db", "jdbc:postgresql://127.0.0.1:5432/tongban_bench");
    }

    private static String[] arguments(String port, String db, String keyDir, String... extraArgs) {
        String[] common = {
            port,
            "--spring.datasource.url=" + db,
            "--spring.datasource.username=postgres",
            "--tongban.demo.enabled=false",
            "--tongban.security.admin-password=" + ADMIN_PASSWORD,
            "--tongban.signing.key-dir=" + keyDir,
            "--logging.level.root=WARN"
        };
        String[] args = new String[common.length + extraArgs.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(extraArgs, 0, args, common.length, extraArgs.length);
        return args;
    }

    ExchangeLoad.Client admin(HttpClient http) {
        return new ExchangeLoad.Client(http, base, "admin", ADMIN_PASSWORD);
    }

    /** Registers a department with an invented USCC and returns the USCC. */
    static String participant(ExchangeLoad.Client admin, Random random, String name) {
        return participant(admin, random, name, "430100");
    }

    /** A department in the region given (440100 for a Guangdong department on the Guangdong hub). */
    static String participant(ExchangeLoad.Client admin, Random random, String name, String region) {
        String uscc = SyntheticIdentifiers.uscc(random, region);
        admin.call("POST", "/api/catalog/participants", Map.of("uscc", uscc, "name", name, "kind", "DEPARTMENT", "regionCode", region));
        return uscc;
    }

    /** Ends the hub's process at once (SIGKILL), as a crash does: nothing is released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void close() throws InterruptedException {
        if (context != null) {
            context.close();
        } else {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
