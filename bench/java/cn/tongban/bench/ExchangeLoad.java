package cn.tongban.bench;

import cn.tongban.identifier.SyntheticIdentifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load generator for the exchange: starts the hub on a PostgreSQL server (fsync on), sets up a
 * provider with one resource and two demanders (one by webhook, a real HTTP server in this process,
 * one by mailbox), then pushes batches over HTTP from concurrent senders and measures records per
 * second from intake to the durable outbox (committed) and to delivered (every webhook batch answered
 * 200 and marked, every mailbox delivery committed). Usage: bench/run-exchange.sh (see README).
 */
public final class ExchangeLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable failure) {
            // exec:java would otherwise wait forever on the hub's non-daemon threads.
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String db = System.getProperty("bench.db", "jdbc:postgresql://127.0.0.1:5432/tongban_bench");
        String mode = System.getProperty("bench.signing", "BATCH");
        int batches = Integer.getInteger("bench.batches", 60);
        int batchSize = Integer.getInteger("bench.batchSize", 1000);
        int senders = Integer.getInteger("bench.senders", 3);
        // Warm-up batches, sent like the measured ones and not counted: with one, the JIT compilers
        // were still at work through most of the measured run.
        int warmupBatches = Integer.getInteger("bench.warmupBatches", 40);

        BenchHub hub = BenchHub.start(
                "--spring.datasource.hikari.maximum-pool-size=16",
                "--tongban.exchange.dispatch-batch=2000",
                "--tongban.exchange.dispatch-period-ms=50");
        String base = hub.base;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Client admin = hub.admin(http);

        Random random = new Random(42);
        String provider = BenchHub.participant(admin, random, "基准测试教育厅");
        String demanderA = BenchHub.participant(admin, random, "基准测试公证处");
        String demanderB = BenchHub.participant(admin, random, "基准测试人社厅");
        String code = "BENCH-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
        admin.call("POST", "/api/catalog/resources", resource(code, provider));
        agree(admin, demanderA, code);
        agree(admin, demanderB, code);
        // The notary's system takes its deliveries by webhook, a real HTTP server here; the other
        // demander uses its mailbox, which the intake's commit fills (no dispatcher pass).
        com.sun.net.httpserver.HttpServer webhook = webhook();
        admin.call("POST", "/api/catalog/participants/" + demanderA + "/endpoints", Map.of(
                "direction", "DEMAND", "kind", "WEBHOOK", "resourceCode", code,
                "address", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/deliveries"));
        JsonNode credential = admin.call("POST", "/api/catalog/participants/" + provider + "/credentials", Map.of());
        Client supplier = new Client(http, base, credential.get("keyId").asString(), credential.get("secret").asString());

        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < warmupBatches + batches; b++) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                records.add(record(random, "B" + b + "-" + i));
            }
            bodies.add(JSON.writeValueAsString(Map.of("records", records)));
        }
        JdbcClient jdbc = hub.context.getBean(JdbcClient.class);
        long w0 = System.nanoTime();
        long warmUp = send(supplier, code, mode, senders, bodies.subList(0, warmupBatches), false);
        // The warm-up's deliveries are drained before the measured run, so it does not pay for them.
        awaitDrained(jdbc, code);
        System.out.printf(
                "warm-up: %d batches in %d ms, drained%n", warmupBatches, (System.nanoTime() - w0) / 1_000_000);

        ProcessCpu cpuBefore = ProcessCpu.now(hub.pid());
        long start = System.nanoTime();
        long accepted = send(supplier, code, mode, senders, bodies.subList(warmupBatches, bodies.size()), true);
        double intakeSeconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu cpu = ProcessCpu.now(hub.pid()).since(cpuBefore);

        long queued = jdbc.sql("select count(*) from delivery where resource_code = ?").param(code).query(Long.class).single();
        long drainStart = System.nanoTime();
        awaitDrained(jdbc, code);
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        double endToEndSeconds = (System.nanoTime() - start) / 1e9;
        // A figure counts only if the work was done: every accepted record queued for both demanders,
        // and in the ledger (received, and signed per delivery). The warm-up batches are in both counts.
        long received = named(jdbc, "RECORD_RECEIVED", code);
        long signed = named(jdbc, "DELIVERY_SIGNED", code);
        if (queued != 2 * (accepted + warmUp) || received != accepted + warmUp || signed != queued) {
            throw new IllegalStateException("work missing: " + (accepted + warmUp) + " records accepted, "
                    + queued + " deliveries queued, ledger: " + received + " received, " + signed + " signed");
        }

        System.out.printf(
                "exchange benchmark: signing=%s batches=%d x %d records (after %d warm-up batches), %d senders, 2 agreements%n",
                mode, batches, batchSize, warmupBatches, senders);
        System.out.printf(
                "intake to durable outbox: %d records in %.2f s = %.0f records/s (%.0f signed deliveries/s)%n",
                accepted, intakeSeconds, accepted / intakeSeconds, 2 * accepted / intakeSeconds);
        System.out.printf(
                "dispatcher drain to the webhook after intake: %.2f s for the backlog (of %d deliveries queued in the measured run)%n",
                drainSeconds, 2 * accepted);
        System.out.printf(
                "intake to delivered (every delivery acknowledged by the webhook or in the mailbox, committed): %d records in %.2f s = %.0f records/s%n",
                accepted, endToEndSeconds, accepted / endToEndSeconds);
        System.out.printf(
                "CPU per record in the measured intake: this JVM (hub, load generator, dispatcher) %.0f µs, PostgreSQL %.0f µs%n",
                cpu.ownNanos() / 1e3 / accepted,
                cpu.postgresNanos() / 1e3 / accepted);
        hub.close();
        System.exit(0);
    }

    /** Sends the batches from a pool of senders; returns how many records were accepted. */
    static long send(Client supplier, String code, String mode, int senders, List<String> bodies, boolean log)
            throws Exception {
        AtomicLong accepted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<?>> futures = new ArrayList<>();
        for (String body : bodies) {
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                JsonNode result = supplier.post("/api/exchange/intake/" + code + "?signing=" + mode, body);
                accepted.addAndGet(result.get("accepted").asLong());
                if (log) {
                    System.out.printf(
                            "batch of %d accepted in %d ms%n",
                            result.get("accepted").asLong(),
                            (System.nanoTime() - t0) / 1_000_000);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return accepted.get();
    }

    /**
     * How many records (or deliveries) the events of a type name: an event naming one in its own
     * columns counts one, an event naming several counts its leaves (ADR 0012, ADR 0021).
     */
    static long named(JdbcClient jdbc, String type, String code) {
        return jdbc.sql("""
                        select (select count(*) from ledger_event where resource_code = ? and type = ?
                                and source_record_id is not null)
                             + (select count(*) from ledger_leaf l join ledger_event e using (seq, occurred_at)
                                where e.resource_code = ? and e.type = ?)""")
                .params(code, type, code, type)
                .query(Long.class)
                .single();
    }

    /** Waits until the dispatcher has delivered every pending delivery of the resource. */
    private static void awaitDrained(JdbcClient jdbc, String code) throws InterruptedException {
        while (jdbc.sql("select count(*) from delivery where resource_code = ? and status = 'PENDING'")
                        .param(code)
                        .query(Long.class)
                        .single()
                > 0) {
            Thread.sleep(100);
        }
    }

    /** A demander's system that accepts every webhook batch (reads it whole, answers 200). */
    static com.sun.net.httpserver.HttpServer webhook() throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/deliveries", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server;
    }

    static void agree(Client admin, String demander, String code) {
        LocalDate today = LocalDate.now();
        admin.call("POST", "/api/catalog/demands", Map.of(
                "requesterUscc", demander, "resourceCode", code,
                "fields", List.of("certificateNo", "name", "idNumber", "school", "major", "graduationDate"),
                "serviceItemCode", "BENCH-0001", "purpose", "基准测试", "legalBasis", "基准测试",
                "mode", "BATCH", "validFrom", today.toString(), "validUntil", today.plusYears(1).toString()));
    }

    static Map<String, Object> resource(String code, String provider) {
        String[] names = {"certificateNo", "name", "idNumber", "school", "major", "level", "graduationDate", "mobile"};
        List<Map<String, Object>> fields = new ArrayList<>();
        List<Map<String, Object>> catalogued = new ArrayList<>();
        for (String n : names) {
            Object type = n.equals("graduationDate") ? Map.of("type", "int", "logicalType", "date") : "string";
            fields.add(Map.of("name", n, "type", type));
            String masking = switch (n) {
                case "name" -> "NAME";
                case "idNumber" -> "ID_NUMBER";
                case "mobile" -> "MOBILE";
                default -> "NONE";
            };
            catalogued.add(Map.of("name", n, "title", n, "sharingType", "UNCONDITIONAL", "sensitivity", "PERSONAL", "masking", masking));
        }
        return Map.ofEntries(
                Map.entry("code", code), Map.entry("name", "基准测试学历"), Map.entry("providerUscc", provider),
                Map.entry("summary", "benchmark"), Map.entry("category", "THEME"), Map.entry("format", "Avro"),
                Map.entry("schema", Map.of("type", "record", "name", "BenchDegree", "namespace", "cn.tongban.bench", "fields", fields)),
                Map.entry("fields", catalogued), Map.entry("sharingModes", List.of("SUBSCRIBE")),
                Map.entry("updateCycle", "DAILY"), Map.entry("publishedOn", "2026-01-01"));
    }

    static Map<String, Object> record(Random random, String id) {
        LocalDate birth = LocalDate.of(1970, 1, 1).plusDays(random.nextInt(365 * 35));
        return Map.of("sourceRecordId", id, "record", Map.of(
                "certificateNo", "1054212020" + (100000 + random.nextInt(900000)),
                "name", "张三丰",
                "idNumber", SyntheticIdentifiers.idNumber(random, "430102", birth),
                "school", "湖南大学",
                "major", "计算机科学与技术",
                "level", "本科",
                "graduationDate", birth.plusYears(22).toString(),
                "mobile", "138" + (10000000 + random.nextInt(89999999))));
    }

    /** A tiny HTTP Basic JSON client. */
    record Client(HttpClient http, String base, String user, String password) {
        JsonNode call(String method, String path, Object body) {
            return send(method, path, JSON.writeValueAsString(body));
        }

        JsonNode get(String path) {
            return send("GET", path, null);
        }

        JsonNode post(String path, String body) {
            return send("POST", path, body);
        }

        private JsonNode send(String method, String path, String body) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Basic " + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                                .method(method, body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
                }
                return JSON.readTree(response.body());
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
