package cn.tongban.bench;

import cn.tongban.identifier.SyntheticIdentifiers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import java.util.LinkedHashSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Load generator for synchronous queries: a supplier that answers in 1 ms (a real HTTP server),
 * the hub in front of it, and an open-loop client at a fixed rate. Reports the latency of asking
 * the supplier directly and through the hub; the hub's overhead is the difference.
 * Usage: bench/run-query.sh (see README).
 */
public final class QueryLoad {

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
        // The JDK's HttpServer writes headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and delayed ACKs add ~40 ms to every answer of the simulated supplier.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int rate = Integer.getInteger("bench.rate", 500);
        int seconds = Integer.getInteger("bench.seconds", 20);
        Random random = new Random(11);
        String person = SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1988, 8, 8));
        byte[] record = JSON.writeValueAsBytes(Map.of("record", Map.of(
                "certificateNo", "105421202005000123", "name", "张三丰", "idNumber", person, "school", "湖南大学")));
        HttpServer supplier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        supplier.setExecutor(Executors.newFixedThreadPool(16));
        supplier.createContext("/query", exchange -> {
            long received = System.nanoTime();
            String key = JSON.readTree(exchange.getRequestBody().readAllBytes()).path("key").asString();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, record.length);
            exchange.getResponseBody().write(record);
            exchange.close();
            // The supplier's own time for this key: what the hub's overhead is measured against.
            supplierTimes.put(key, System.nanoTime() - received);
        });
        supplier.start();
        String supplierUrl = "http://127.0.0.1:" + supplier.getAddress().getPort() + "/query";

        // The hub in its own JVM by default (-Dbench.inProcess=true to share this one).
        BenchHub hub = Boolean.getBoolean("bench.inProcess") ? BenchHub.start() : BenchHub.startProcess();
        String base = hub.base;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(32))
                .build();
        ExchangeLoad.Client admin = hub.admin(http);
        String provider = BenchHub.participant(admin, random, "查询基准教育厅");
        String demander = BenchHub.participant(admin, random, "查询基准公证处");
        String code = "QBENCH-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
        admin.call("POST", "/api/catalog/resources", resource(code, provider));
        admin.call("POST", "/api/catalog/participants/" + provider + "/endpoints", Map.of(
                "direction", "SUPPLY", "kind", "HTTP_QUERY", "resourceCode", code, "address", supplierUrl));
        LocalDate today = LocalDate.now();
        JsonNode filed = admin.call("POST", "/api/catalog/demands", Map.of(
                "requesterUscc", demander, "resourceCode", code, "fields", List.of("certificateNo", "name", "school"),
                "serviceItemCode", "QBENCH-0001", "purpose", "查询基准", "legalBasis", "基准测试", "mode", "REALTIME",
                "validFrom", today.toString(), "validUntil", today.plusYears(1).toString()));
        String agreementId = filed.at("/agreement/id").asString();
        JsonNode credential = admin.call("POST", "/api/catalog/participants/" + demander + "/credentials", Map.of());
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (credential.get("keyId").asString() + ":" + credential.get("secret").asString()).getBytes(StandardCharsets.UTF_8));
        byte[] queryBody = JSON.writeValueAsBytes(Map.of("key", person, "agreementId", agreementId));
        // Every measured request asks about a different person, so the supplier's time for it can be
        // told apart and each request's own overhead computed.
        String[] people = distinctIdNumbers(random, rate * seconds);
        CloseableHttpClient load = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(64)
                        .setMaxConnTotal(128)
                        .build())
                .disableAutomaticRetries()
                .build();
        Target viaHub = post(load, base + "/api/exchange/query/" + code, auth, i -> queryBody);
        Target direct = post(load, supplierUrl, null, i -> JSON.writeValueAsBytes(Map.of("resourceCode", code, "key", person)));
        Target viaHubEach = post(load, base + "/api/exchange/query/" + code, auth,
                i -> JSON.writeValueAsBytes(Map.of("key", people[i], "agreementId", agreementId)));
        Target directEach = post(load, supplierUrl, null,
                i -> JSON.writeValueAsBytes(Map.of("resourceCode", code, "key", people[i])));
        int hold = Integer.getInteger("bench.hold", 0);
        if (hold > 0) {
            // For an outside load tool (wrk): the request to send, then the hub stays up a while.
            Files.writeString(
                    Path.of("target/query-request.lua"),
                    "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                            + "wrk.headers[\"Authorization\"] = \"" + auth + "\"\nwrk.body = '"
                            + new String(queryBody, StandardCharsets.UTF_8) + "'\n");
            System.out.println("HOLD " + base + "/api/exchange/query/" + code);
            Thread.sleep(hold * 1000L);
            hub.close();
            System.exit(0);
        }
        // Warm-up (JIT, connection pools), ramping up; its failures are not counted. The JIT
        // compilers need tens of CPU seconds on this code: after 40 s they still took a quarter of the
        // hub's CPU in the measured run (JFR). Measure the hub as it runs, not as it starts.
        int warmup = Integer.getInteger("bench.warmup", 120);
        for (int warm : new int[] {rate / 5, rate / 2, rate}) {
            load(viaHub, warm, Math.max(2, warmup / 3));
            load(direct, warm, 2);
        }
        failures.set(0);
        supplierTimes.clear();
        long[] directLatencies = load(directEach, rate, seconds);
        long[] generatorOwn = lessSupplierTime(directLatencies, people);
        supplierTimes.clear();
        auditTimings = new long[rate * seconds];
        totalTimings = new long[rate * seconds];
        serverTimings = new long[rate * seconds];
        ProcessCpu cpuBefore = ProcessCpu.now(hub.pid());
        long[] hubLatencies = load(viaHubEach, rate, seconds);
        ProcessCpu cpu = ProcessCpu.now(hub.pid()).since(cpuBefore);
        long[] hubReported = sorted(serverTimings);
        long[] hubOwn = lessSupplierTime(hubLatencies, people);
        long[] supplierOnly = sorted(directLatencies);
        long[] throughHub = sorted(hubLatencies);
        System.out.printf("query benchmark: %d requests/s for %d s, supplier answers in ~1 ms%n", rate, seconds);
        report("supplier directly", supplierOnly);
        report("through the hub  ", throughHub);
        System.out.printf("requests not answered 200: %d%n", failures.get());
        System.out.printf(
                "hub overhead (difference of the two runs' percentiles): p50 %.2f ms, p99 %.2f ms%n",
                (pct(throughHub, 50) - pct(supplierOnly, 50)) / 1e6,
                (pct(throughHub, 99) - pct(supplierOnly, 99)) / 1e6);
        report("per request, latency less the supplier's own time, directly  ", generatorOwn);
        report("per request, latency less the supplier's own time, via the hub", hubOwn);
        if (hubReported[0] < 0) {
            System.out.println("some answers carried no Server-Timing header");
        } else {
            report("per request, the hub's own time as its Server-Timing header tells it", hubReported);
            report("  of which waiting for the durable audit record", sorted(auditTimings));
            // Stricter: the hub's whole time less only what the supplier itself spent, so the hub's
            // HTTP client and the loopback to the supplier count as the hub's too.
            report(
                    "per request, the hub's whole time less the supplier's own time",
                    lessSupplierTime(totalTimings, people));
        }
        int queries = rate * seconds;
        System.out.printf(
                "CPU per query in the measured run: hub %.2f ms, PostgreSQL %.2f ms, generator and supplier %.2f ms%n",
                cpu.hubNanos() / 1e6 / queries,
                cpu.postgresNanos() / 1e6 / queries,
                cpu.ownNanos() / 1e6 / queries);
        hub.close();
        supplier.stop(0);
        System.exit(0);
    }

    /**
     * Open loop: a request due every 1/rate seconds whatever the answers do, sent by a pool of
     * threads on pooled keep-alive connections (Apache HttpClient, blocking: no selector thread
     * between the measurement and the socket). Latency counts from when a request was due, so a
     * stalled hub is not hidden by requests that were sent late. Returns latencies (ns), sorted.
     */
    static long[] load(Target target, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        ExecutorService senders = Executors.newFixedThreadPool(64);
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            senders.execute(() -> {
                try {
                    int status = target.send(index);
                    if (status != 200) {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    latencies[index] = System.nanoTime() - due;
                    done.countDown();
                }
            });
        }
        done.await(60, TimeUnit.SECONDS);
        senders.shutdown();
        return latencies;
    }

    /** Each request's latency less the supplier's own time for it (whole latency if it never got there); sorted. */
    static long[] lessSupplierTime(long[] latencies, String[] people) {
        long[] own = new long[latencies.length];
        for (int i = 0; i < latencies.length; i++) {
            Long supplier = supplierTimes.get(people[i]);
            own[i] = latencies[i] - (supplier == null ? 0 : supplier);
        }
        return sorted(own);
    }

    static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** The supplier's own handling time per key (ns), from reading the request to closing the answer. */
    static final Map<String, Long> supplierTimes = new ConcurrentHashMap<>();

    static String[] distinctIdNumbers(Random random, int count) {
        Set<String> people = new LinkedHashSet<>();
        LocalDate born = LocalDate.of(1960, 1, 1);
        while (people.size() < count) {
            people.add(SyntheticIdentifiers.idNumber(random, "430102", born.plusDays(random.nextInt(20_000))));
        }
        return people.toArray(String[]::new);
    }

    /** One kind of request to send; the index picks its body. */
    interface Target {
        int send(int index) throws Exception;
    }

    static Target post(
            CloseableHttpClient client,
            String url,
            String authorization,
            IntFunction<byte[]> body) {
        return index -> {
            HttpPost post = new HttpPost(url);
            if (authorization != null) {
                post.setHeader("Authorization", authorization);
            }
            post.setEntity(new ByteArrayEntity(body.apply(index), ContentType.APPLICATION_JSON));
            return client.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                long[] hub = serverTimings;
                if (index < hub.length) {
                    var timing = response.getFirstHeader("Server-Timing");
                    hub[index] = serverTiming(timing, "hub");
                    auditTimings[index] = serverTiming(timing, "audit");
                    totalTimings[index] = serverTiming(timing, "total");
                }
                return response.getCode();
            });
        };
    }

    /** The hub's own time per request, as its Server-Timing header tells it (ns; -1 when absent). */
    static long[] serverTimings = new long[0];

    /** The part of it spent waiting for the durable audit record. */
    static long[] auditTimings = new long[0];

    /** The hub's whole time per request, the supplier call included (ns). */
    static long[] totalTimings = new long[0];

    /** One metric's duration from a Server-Timing header (ns; -1 when absent). */
    static long serverTiming(org.apache.hc.core5.http.Header header, String name) {
        if (header == null) {
            return -1;
        }
        for (String metric : header.getValue().split(",")) {
            String[] parts = metric.trim().split(";");
            if (parts[0].equals(name)) {
                for (String part : parts) {
                    if (part.startsWith("dur=")) {
                        return (long) (Double.parseDouble(part.substring(4)) * 1e6);
                    }
                }
            }
        }
        return -1;
    }


    /** Requests that failed or were not answered 200 (they count in the latencies too). */
    static final AtomicInteger failures = new AtomicInteger();

    static double pct(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percentile / 100.0) - 1)];
    }

    static void report(String label, long[] sorted) {
        System.out.printf("%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d requests)%n",
                label, pct(sorted, 50) / 1e6, pct(sorted, 90) / 1e6, pct(sorted, 99) / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    private static Map<String, Object> resource(String code, String provider) {
        List<Map<String, Object>> fields = new ArrayList<>();
        List<Map<String, Object>> catalogued = new ArrayList<>();
        for (String n : List.of("certificateNo", "name", "idNumber", "school")) {
            fields.add(Map.of("name", n, "type", "string"));
            catalogued.add(Map.of("name", n, "title", n, "sharingType", "UNCONDITIONAL", "sensitivity", "PERSONAL",
                    "masking", n.equals("name") ? "NAME" : "NONE"));
        }
        return Map.ofEntries(
                Map.entry("code", code), Map.entry("name", "查询基准"), Map.entry("providerUscc", provider),
                Map.entry("summary", "benchmark"), Map.entry("category", "THEME"), Map.entry("format", "Avro"),
                Map.entry("schema", Map.of("type", "record", "name", "QueryBench", "namespace", "cn.tongban.bench", "fields", fields)),
                Map.entry("fields", catalogued), Map.entry("sharingModes", List.of("QUERY")),
                Map.entry("updateCycle", "REALTIME"), Map.entry("publishedOn", "2026-01-01"));
    }
}
