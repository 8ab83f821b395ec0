package cn.tongban.bench;

import cn.tongban.identifier.SyntheticIdentifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load generator for records across two hubs (跨省): Guangdong (440000) and Hunan (430000) start in
 * this JVM, each on its own database on the PostgreSQL server (fsync on) with its own keys, and
 * become each other's peers. A Guangdong department publishes a resource; a Hunan department's
 * demand for it is forwarded to Guangdong and granted there at once (unconditional fields). Batches
 * are pushed over HTTP at Guangdong's intake by concurrent senders; Guangdong's peer-delivery route
 * carries them to Hunan as signed RECORDS messages, and Hunan puts them in its demander's mailbox.
 * Measured: records per second from intake at Guangdong to delivered at Hunan (every record in the
 * mailbox, committed), intake alone, and CPU per record. Usage: bench/run-federation.sh.
 */
public final class FederationLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HUNAN = "430000";
    private static final String GUANGDONG = "440000";
    private static final String HUNAN_NAME = "湖南省政务数据共享交换平台";
    private static final String GUANGDONG_NAME = "广东省政务数据共享交换平台";

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable failure) {
            // exec:java would otherwise wait forever on the hubs' non-daemon threads.
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        String hnDb = System.getProperty("bench.hnDb", "jdbc:postgresql://127.0.0.1:5432/tongban_bench_hn");
        String gdDb = System.getProperty("bench.gdDb", "jdbc:postgresql://127.0.0.1:5432/tongban_bench_gd");
        int batches = Integer.getInteger("bench.batches", 20);
        int batchSize = Integer.getInteger("bench.batchSize", 1000);
        int senders = Integer.getInteger("bench.senders", 3);
        int warmupBatches = Integer.getInteger("bench.warmupBatches", 20);
        // As ExchangeLoad: a pass of the delivery route claims up to this many deliveries — here,
        // one RECORDS message to the peer carries them all.
        int dispatchBatch = Integer.getInteger("bench.dispatchBatch", 2000);
        String mode = "BATCH";

        BenchHub guangdong = BenchHub.startOn(gdDb, "target/bench-fed-keys/gd", hubArgs(GUANGDONG, GUANGDONG_NAME, dispatchBatch));
        BenchHub hunan = BenchHub.startOn(hnDb, "target/bench-fed-keys/hn", hubArgs(HUNAN, HUNAN_NAME, dispatchBatch));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExchangeLoad.Client gdAdmin = guangdong.admin(http);
        ExchangeLoad.Client hnAdmin = hunan.admin(http);

        Random random = new Random(42);
        String provider = BenchHub.participant(gdAdmin, random, "基准测试广东省教育厅", "440100");
        String code = "BENCH-FED-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
        gdAdmin.call("POST", "/api/catalog/resources", ExchangeLoad.resource(code, provider));

        // Peers both ways, each pinned to the other's hub certificate; Guangdong sends this resource,
        // Hunan takes it. Hunan then reads Guangdong's signed directory, which lists the resource.
        hnAdmin.call("POST", "/api/federation/peers", peer(GUANGDONG, GUANGDONG_NAME, guangdong, http, List.of("*"), List.of(code)));
        gdAdmin.call("POST", "/api/federation/peers", peer(HUNAN, HUNAN_NAME, hunan, http, List.of(code), List.of("*")));
        JsonNode refreshed = hnAdmin.call("POST", "/api/federation/peers/" + GUANGDONG + "/directory/refresh", Map.of());
        if (!"CONNECTED".equals(refreshed.get("status").asString())) {
            throw new IllegalStateException("Hunan did not connect to Guangdong: " + refreshed);
        }

        // The Hunan demander files at its own hub; the demand goes to Guangdong, is granted there
        // (every field unconditional) and the agreement comes back under the same id.
        String demander = BenchHub.participant(hnAdmin, random, "基准测试长沙市公证处", "430100");
        LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
        JsonNode filed = hnAdmin.call("POST", "/api/catalog/demands", Map.of(
                "requesterUscc", demander, "resourceCode", code,
                "fields", List.of("certificateNo", "name", "idNumber", "school", "major", "graduationDate"),
                "serviceItemCode", "BENCH-0001", "purpose", "基准测试", "legalBasis", "基准测试",
                "mode", "BATCH", "validFrom", today.toString(), "validUntil", today.plusYears(1).toString()));
        if (!"FORWARDED".equals(filed.at("/demand/status").asString())) {
            throw new IllegalStateException("the demand was not forwarded to Guangdong: " + filed);
        }
        String agreement = awaitAgreement(gdAdmin, hnAdmin, demander);

        JsonNode credential = gdAdmin.call("POST", "/api/catalog/participants/" + provider + "/credentials", Map.of());
        ExchangeLoad.Client supplier = new ExchangeLoad.Client(
                http, guangdong.base, credential.get("keyId").asString(), credential.get("secret").asString());

        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < warmupBatches + batches; b++) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                records.add(record(random, "B" + b + "-" + i));
            }
            bodies.add(JSON.writeValueAsString(Map.of("records", records)));
        }
        JdbcClient gdJdbc = guangdong.context.getBean(JdbcClient.class);
        JdbcClient hnJdbc = hunan.context.getBean(JdbcClient.class);
        LongSupplier inMailbox = () -> hnJdbc.sql(
                        "select count(*) from delivery where demander_uscc = ? and status = 'AVAILABLE' and agreement_id = ?::uuid")
                .params(demander, agreement)
                .query(Long.class)
                .single();

        long w0 = System.nanoTime();
        long warmUp = ExchangeLoad.send(supplier, code, mode, senders, bodies.subList(0, warmupBatches), false);
        // The warm-up's records reach Hunan before the measured run, so it does not pay for them.
        awaitArrived(inMailbox, warmUp, gdJdbc, code);
        awaitMarked(gdJdbc, code);
        System.out.printf(
                "warm-up: %d batches in %d ms, all in the Hunan mailbox%n",
                warmupBatches, (System.nanoTime() - w0) / 1_000_000);

        Instant measuredFrom = Instant.now();
        ProcessCpu cpuBefore = ProcessCpu.now(-1);
        long start = System.nanoTime();
        long accepted = ExchangeLoad.send(supplier, code, mode, senders, bodies.subList(warmupBatches, bodies.size()), true);
        double intakeSeconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu cpuIntake = ProcessCpu.now(-1).since(cpuBefore);
        long inMailboxAtIntakeEnd = inMailbox.getAsLong() - warmUp;
        awaitArrived(inMailbox, warmUp + accepted, gdJdbc, code);
        double endToEndSeconds = (System.nanoTime() - start) / 1e9;
        ProcessCpu cpu = ProcessCpu.now(-1).since(cpuBefore);
        // Hunan commits the last records before Guangdong has its receipt and marks them delivered.
        awaitMarked(gdJdbc, code);

        // A figure counts only if the work was done: every record accepted at Guangdong delivered
        // there to the peer, and in the Hunan demander's mailbox exactly once (warm-up included).
        long total = warmUp + accepted;
        long gdReceived = ExchangeLoad.named(gdJdbc, "RECORD_RECEIVED", code);
        long gdDeliveries = gdJdbc.sql("select count(*) from delivery where resource_code = ?")
                .param(code).query(Long.class).single();
        long gdDelivered = gdJdbc.sql("select count(*) from delivery where resource_code = ? and status = 'DELIVERED'")
                .param(code).query(Long.class).single();
        Map<String, Object> hn = hnJdbc.sql("""
                        select count(*) as all_rows,
                               count(*) filter (where status = 'AVAILABLE') as available,
                               count(distinct source_record_id) as distinct_ids
                        from delivery where agreement_id = ?::uuid""")
                .param(agreement).query().singleRow();
        long hnAll = ((Number) hn.get("all_rows")).longValue();
        long hnAvailable = ((Number) hn.get("available")).longValue();
        long hnDistinct = ((Number) hn.get("distinct_ids")).longValue();
        if (gdReceived != total || gdDeliveries != total || gdDelivered != total
                || hnAll != total || hnAvailable != total || hnDistinct != total) {
            throw new IllegalStateException("work missing or repeated: " + total + " records accepted at Guangdong ("
                    + gdReceived + " received in its ledger, " + gdDeliveries + " deliveries to Hunan, " + gdDelivered
                    + " delivered); at Hunan " + hnAll + " deliveries, " + hnAvailable + " in the mailbox, "
                    + hnDistinct + " distinct source ids");
        }

        System.out.printf("machine: %s, %d cores; %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.printf(
                "federation benchmark: signing=%s batches=%d x %d records (after %d warm-up batches), %d senders,"
                        + " Guangdong → Hunan, 1 agreement, dispatch-batch %d%n",
                mode, batches, batchSize, warmupBatches, senders, dispatchBatch);
        System.out.printf(
                "intake at Guangdong (to its durable outbox): %d records in %.2f s = %.0f records/s;"
                        + " %d of them already in the Hunan mailbox by then%n",
                accepted, intakeSeconds, accepted / intakeSeconds, inMailboxAtIntakeEnd);
        System.out.printf(
                "intake at Guangdong to delivered at Hunan (every record in the Hunan demander's mailbox, committed,"
                        + " exactly once): %d records in %.2f s = %.0f records/s%n",
                accepted, endToEndSeconds, accepted / endToEndSeconds);
        System.out.printf(
                "CPU per record, intake to delivered: this JVM (both hubs, load generator) %.0f µs, PostgreSQL %.0f µs"
                        + " (in the intake alone: %.0f µs, %.0f µs)%n",
                cpu.ownNanos() / 1e3 / accepted,
                cpu.postgresNanos() / 1e3 / accepted,
                cpuIntake.ownNanos() / 1e3 / accepted,
                cpuIntake.postgresNanos() / 1e3 / accepted);
        passes(gdJdbc, hnJdbc, code, agreement, measuredFrom);
        hunan.close();
        guangdong.close();
        System.exit(0);
    }

    private static String[] hubArgs(String province, String name, int dispatchBatch) {
        return new String[] {
            "--spring.datasource.hikari.maximum-pool-size=16",
            "--tongban.exchange.dispatch-batch=" + dispatchBatch,
            "--tongban.exchange.dispatch-period-ms=50",
            "--tongban.exchange.instance-id=bench-" + province,
            "--tongban.federation.province=" + province,
            "--tongban.federation.name=" + name,
            // The demand and its decision are messages of the peer route: sent sooner, set up sooner.
            "--tongban.federation.send-period-ms=100"
        };
    }

    private static Map<String, Object> peer(
            String province, String name, BenchHub hub, HttpClient http, List<String> outbound, List<String> inbound)
            throws Exception {
        HttpResponse<String> pem = http.send(
                HttpRequest.newBuilder(URI.create(hub.base + "/api/exchange/hub-certificate")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (pem.statusCode() != 200) {
            throw new IllegalStateException("hub certificate of " + province + ": HTTP " + pem.statusCode());
        }
        return Map.of(
                "province", province, "name", name, "baseUrl", hub.base, "certificatePem", pem.body(),
                "outboundResources", outbound, "inboundResources", inbound, "reason", "跨省通办基准测试");
    }

    /** The agreement, once ACTIVE at Guangdong (where it was decided) and at Hunan (its copy, same id). */
    private static String awaitAgreement(ExchangeLoad.Client gdAdmin, ExchangeLoad.Client hnAdmin, String demander)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String id = null;
        while (System.nanoTime() < deadline) {
            JsonNode atGuangdong = gdAdmin.get("/api/catalog/agreements?demander=" + demander);
            if (atGuangdong.size() == 1 && "ACTIVE".equals(atGuangdong.get(0).get("status").asString())) {
                id = atGuangdong.get(0).get("id").asString();
                JsonNode atHunan = hnAdmin.get("/api/catalog/agreements?demander=" + demander);
                for (JsonNode a : atHunan) {
                    if (a.get("id").asString().equals(id) && "ACTIVE".equals(a.get("status").asString())) {
                        return id;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the agreement " + (id == null ? "was not decided at Guangdong" : id + " is not ACTIVE at Hunan") + " within 60 s");
    }

    /** Waits (up to a minute) until Guangdong has marked every delivery to Hunan done. */
    private static void awaitMarked(JdbcClient gdJdbc, String code) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline
                && gdJdbc.sql("select count(*) from delivery where resource_code = ? and status = 'PENDING'")
                                .param(code)
                                .query(Long.class)
                                .single()
                        > 0) {
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the Hunan mailbox holds {@code expected} records; fails when nothing arrives for
     * two minutes, with what Guangdong's outbox says.
     */
    private static void awaitArrived(LongSupplier inMailbox, long expected, JdbcClient gdJdbc, String code)
            throws InterruptedException {
        long last = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            long now = inMailbox.getAsLong();
            if (now >= expected) {
                return;
            }
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > Duration.ofMinutes(2).toNanos()) {
                List<Map<String, Object>> outbox = gdJdbc.sql("""
                                select status, attempts, last_error, count(*) as n from delivery where resource_code = ?
                                group by status, attempts, last_error order by status, attempts""")
                        .param(code).query().listOfRows();
                throw new IllegalStateException("stalled: " + now + " of " + expected
                        + " records in the Hunan mailbox for 2 minutes; Guangdong's outbox: " + outbox);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Where a pass of Guangdong's peer-delivery route spends its time, from the rows both hubs
     * wrote (one clock: both hubs are in this JVM): until Hunan starts taking the records in
     * (Guangdong claims and assembles the envelopes, signs the message; Hunan reads it and checks
     * its signature and every envelope), Hunan's intake (projection, signing, outbox and ledger),
     * until Guangdong has the receipt (Hunan's commit and receipt; Guangdong checks it and keeps
     * the message), and the delivered mark.
     */
    private static void passes(JdbcClient gdJdbc, JdbcClient hnJdbc, String code, String agreement, Instant from) {
        Timestamp since = Timestamp.from(from);
        List<Map<String, Object>> delivered = gdJdbc.sql("""
                        select delivered_at as at, count(*) as n, max(attempts) as attempts from delivery
                        where resource_code = ? and delivered_at >= ? group by delivered_at order by delivered_at""")
                .params(code, since).query().listOfRows();
        List<Map<String, Object>> out = gdJdbc.sql("""
                        select message_id::text as id, created_at as at from federation_message
                        where direction = 'OUT' and type = 'RECORDS' and created_at >= ? order by created_at""")
                .param(since).query().listOfRows();
        List<Map<String, Object>> in = hnJdbc.sql("""
                        select message_id::text as id, created_at as at from federation_message
                        where direction = 'IN' and type = 'RECORDS' and created_at >= ? order by created_at""")
                .param(since).query().listOfRows();
        List<Map<String, Object>> admitted = hnJdbc.sql("""
                        select min(created_at) as at, count(*) as n from delivery
                        where agreement_id = ?::uuid and created_at >= ? group by batch_id order by 1""")
                .params(agreement, since).query().listOfRows();
        long retried = gdJdbc.sql("select count(*) from delivery where resource_code = ? and attempts > 1")
                .param(code).query(Long.class).single();
        System.out.printf(
                "peer-delivery passes in the measured run: %d RECORDS messages received at Hunan, %d delivered marks at"
                        + " Guangdong; deliveries that needed more than one attempt (whole run): %d%n",
                in.size(), delivered.size(), retried);
        Instant previous = null;
        long[] sums = new long[4];
        int counted = 0;
        for (Map<String, Object> message : in) {
            Instant hnIn = instant(message.get("at"));
            Instant admit = latestAtOrBefore(admitted, hnIn);
            Map<String, Object> sent = out.stream().filter(o -> o.get("id").equals(message.get("id"))).findFirst().orElse(null);
            Instant gdOut = sent == null ? null : instant(sent.get("at"));
            Map<String, Object> mark = gdOut == null ? null : delivered.stream()
                    .filter(d -> !instant(d.get("at")).isBefore(gdOut)).findFirst().orElse(null);
            long records = admittedCount(admitted, admit);
            if (admit == null || gdOut == null || mark == null) {
                System.out.printf("  message %s: %d records, not matched on both sides%n", message.get("id"), records);
                continue;
            }
            Instant marked = instant(mark.get("at"));
            long toIntake = previous == null ? -1 : Duration.between(previous, admit).toMillis();
            long intake = Duration.between(admit, hnIn).toMillis();
            long receipt = Duration.between(hnIn, gdOut).toMillis();
            long marking = Duration.between(gdOut, marked).toMillis();
            System.out.printf(
                    "  pass: %5d records; since the last mark until Hunan's intake starts %s ms, Hunan's intake %d ms,"
                            + " until Guangdong has the receipt %d ms, mark %d ms%n",
                    records, toIntake < 0 ? "?" : Long.toString(toIntake), intake, receipt, marking);
            if (toIntake >= 0) {
                sums[0] += toIntake;
                sums[1] += intake;
                sums[2] += receipt;
                sums[3] += marking;
                counted++;
            }
            previous = marked;
        }
        if (counted > 0) {
            System.out.printf(
                    "  mean of %d back-to-back passes: %d ms until Hunan's intake starts, %d ms Hunan's intake, %d ms until"
                            + " the receipt, %d ms mark%n",
                    counted, sums[0] / counted, sums[1] / counted, sums[2] / counted, sums[3] / counted);
        }
    }

    private static Instant latestAtOrBefore(List<Map<String, Object>> rows, Instant t) {
        Instant found = null;
        for (Map<String, Object> row : rows) {
            Instant at = instant(row.get("at"));
            if (!at.isAfter(t)) {
                found = at;
            }
        }
        return found;
    }

    private static long admittedCount(List<Map<String, Object>> rows, Instant at) {
        for (Map<String, Object> row : rows) {
            if (instant(row.get("at")).equals(at)) {
                return ((Number) row.get("n")).longValue();
            }
        }
        return 0;
    }

    private static Instant instant(Object value) {
        return value instanceof Timestamp t ? t.toInstant() : ((java.time.OffsetDateTime) value).toInstant();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (java.io.IOException e) {
            return "unknown CPU";
        }
    }

    /** A Guangdong graduate's degree record, the 8 fields of the resource. */
    private static Map<String, Object> record(Random random, String id) {
        LocalDate birth = LocalDate.of(1970, 1, 1).plusDays(random.nextInt(365 * 35));
        return Map.of("sourceRecordId", id, "record", Map.of(
                "certificateNo", "1055812020" + (100000 + random.nextInt(900000)),
                "name", "陈小明",
                "idNumber", SyntheticIdentifiers.idNumber(random, "440106", birth),
                "school", "中山大学",
                "major", "计算机科学与技术",
                "level", "本科",
                "graduationDate", birth.plusYears(22).toString(),
                "mobile", "138" + (10000000 + random.nextInt(89999999))));
    }
}
