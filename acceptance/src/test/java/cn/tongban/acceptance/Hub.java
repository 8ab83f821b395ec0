package cn.tongban.acceptance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The hub under test: the packaged jar, started once per run as its own process on a free port.
 * Its business clock starts on Wednesday 30 September 2026, 09:00 in Changsha, the eve of the
 * National Day holiday, so legal deadlines in the scenarios are known in advance.
 */
final class Hub {

    static final String CLOCK_START = "2026-09-30T01:00:00Z";
    private static Hub running;

    private final Process process;
    final String url;

    private Hub(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static synchronized Hub get() {
        if (running == null) {
            running = start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop));
        }
        return running;
    }

    /** HTTP Basic for a demo login; every demo login has the password {@code tongban-demo}. */
    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":tongban-demo").getBytes(StandardCharsets.UTF_8));
    }

    private static Hub start() {
        Path work = Path.of("target").toAbsolutePath();
        String db = System.getenv("TONGBAN_TEST_DB_URL");
        List<String> database = new ArrayList<>();
        if (db != null && !db.isBlank()) {
            database.add("--spring.datasource.url=" + db);
            database.add("--spring.datasource.username=" + env("TONGBAN_TEST_DB_USER", "postgres"));
            database.add("--spring.datasource.password=" + env("TONGBAN_TEST_DB_PASSWORD", ""));
        } else {
            database.add("--tongban.database.embedded.data-dir=" + work.resolve("hub-postgres"));
            database.add("--tongban.database.embedded.clean=true");
        }
        return launch(freePort(), database, "hub.log");
    }

    /**
     * A second hub with a database of its own (embedded, always: it is killed with its database),
     * for scenarios that stop it. {@code fresh} starts from an empty cluster.
     */
    static Hub isolated(String name, int port, boolean fresh, String... settings) {
        Path data = Path.of("target", name + "-postgres").toAbsolutePath();
        if (fresh) {
            deleteRecursively(data);
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--tongban.database.embedded.data-dir=" + data,
                "--tongban.database.embedded.clean=" + fresh,
                "--tongban.signing.key-dir=" + Path.of("target", name + "-keys").toAbsolutePath()));
        arguments.addAll(List.of(settings));
        Hub hub = launch(port, arguments, name + ".log");
        hub.dataDir = data;
        return hub;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear " + dir, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path dataDir;
    private String log = "hub.log";

    private static Hub launch(int port, List<String> settings, String log) {
        try {
            Path jar = Path.of(System.getProperty("hub.jar", "../target/tongban-hub.jar")).toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException("package the hub first: " + jar + " is missing");
            }
            Path work = Path.of("target").toAbsolutePath();
            Files.createDirectories(work);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban",
                    "-jar",
                    jar.toString(),
                    "--server.port=" + port,
                    "--tongban.calendar.start-at=" + CLOCK_START,
                    "--tongban.demo.enabled=true",
                    // Not the two-province demo: no peer registered from whatever answers on 8081.
                    "--tongban.demo.peering=false"));
            command.addAll(settings);
            Process process = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(log).toFile()))
                    .start();
            Hub hub = new Hub(process, "http://localhost:" + port);
            hub.log = log;
            hub.awaitHealthy(Duration.ofMinutes(3));
            return hub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the hub", e);
        }
    }

    /**
     * Kills the hub as a power cut would: the JVM with SIGKILL, and its embedded PostgreSQL (left
     * running as an orphan) with SIGKILL too, so the database recovers from its WAL on restart.
     */
    void crash() throws Exception {
        List<ProcessHandle> database = new ArrayList<>();
        if (dataDir != null && Files.exists(dataDir.resolve("postmaster.pid"))) {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                database.add(postmaster);
                postmaster.descendants().forEach(database::add);
            });
        }
        process.destroyForcibly().waitFor();
        for (ProcessHandle handle : database) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : database) {
            handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Kills only the JVM (SIGKILL), as kill -9 or the OOM killer does, and returns its embedded
     * PostgreSQL: a separate process that a real crash leaves running as an orphan.
     */
    ProcessHandle killJvm() throws InterruptedException {
        List<ProcessHandle> database = postmasters();
        if (database.size() != 1) {
            throw new IllegalStateException("expected one PostgreSQL on " + dataDir + ", found " + database.size());
        }
        process.destroyForcibly().waitFor();
        return database.get(0);
    }

    /** The PostgreSQL servers running on this hub's data directory, found by their command line. */
    List<ProcessHandle> postmasters() {
        String dir = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dir)).orElse(false))
                .toList();
    }

    /** Stops any PostgreSQL still running on this hub's data directory; returns their pids. */
    List<Long> stopLeftoverPostgres() {
        List<ProcessHandle> left = postmasters();
        left.forEach(ProcessHandle::destroy);
        for (ProcessHandle postmaster : left) {
            try {
                postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception notYet) {
                // reported through the pids
            }
        }
        return left.stream().map(ProcessHandle::pid).toList();
    }

    private void awaitHealthy(Duration limit) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + "; see target/" + log);
            }
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && demoLoaded(http)) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep();
        }
        stop();
        throw new IllegalStateException("the hub did not become healthy within " + limit + "; see target/" + log);
    }

    private boolean demoLoaded(HttpClient http) throws IOException, InterruptedException {
        HttpResponse<String> resources = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/catalog/resources/MZ-HY-0001"))
                        .header("Authorization", basic("admin"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return resources.statusCode() == 200;
    }

    void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
