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
        try {
            Path jar = Path.of(System.getProperty("hub.jar", "../target/tongban-hub.jar")).toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException("package the hub first: " + jar + " is missing");
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
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
                    "--tongban.demo.enabled=true"));
            String db = System.getenv("TONGBAN_TEST_DB_URL");
            if (db != null && !db.isBlank()) {
                command.add("--spring.datasource.url=" + db);
                command.add("--spring.datasource.username=" + env("TONGBAN_TEST_DB_USER", "postgres"));
                command.add("--spring.datasource.password=" + env("TONGBAN_TEST_DB_PASSWORD", ""));
            } else {
                command.add("--tongban.database.embedded.data-dir=" + work.resolve("hub-postgres"));
                command.add("--tongban.database.embedded.clean=true");
            }
            Process process = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("hub.log").toFile())
                    .start();
            Hub hub = new Hub(process, "http://localhost:" + port);
            hub.awaitHealthy(Duration.ofMinutes(3));
            return hub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the hub", e);
        }
    }

    private void awaitHealthy(Duration limit) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + "; see target/hub.log");
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
        throw new IllegalStateException("the hub did not become healthy within " + limit + "; see target/hub.log");
    }

    private boolean demoLoaded(HttpClient http) throws IOException, InterruptedException {
        HttpResponse<String> resources = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/catalog/resources/MZ-HY-0001"))
                        .header("Authorization", basic("admin"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return resources.statusCode() == 200;
    }

    private void stop() {
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
