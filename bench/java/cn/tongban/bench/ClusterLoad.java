package cn.tongban.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The exchange benchmark against several hub instances sharing one PostgreSQL (fsync on): each
 * instance is its own JVM ({@code java -jar target/tongban-hub.jar}, default options), all with the
 * same database, key directory and lease namespace, as behind a load balancer. The workload is
 * ExchangeLoad's — one provider, a resource with 8 fields, one webhook demander (a real HTTP server
 * in this process) and one mailbox demander, three concurrent senders pushing 1,000-record batches
 * — with batch i sent to instance i mod N. It prints intake to durable outbox and intake to
 * delivered, the CPU per record of the hubs, PostgreSQL and this generator (from /proc), how busy
 * the machine's cores were, which instance sent the webhook deliveries, and then, with two or more
 * instances, the failover time: the lease holder is killed (SIGKILL, nothing released) and the
 * lease table is polled until another instance holds the lease. Usage: bench/run-instances.sh.
 */
public final class ClusterLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NAMESPACE = "tongban-singletons";

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable failure) {
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        String db = System.getProperty("bench.db", "jdbc:postgresql://127.0.0.1:5432/tongban_bench_inst");
        System.setProperty("bench.db", db);
        int instances = Integer.getInteger("bench.instances", 2);
        int batches = Integer.getInteger("bench.batches", 60);
        int batchSize = Integer.getInteger("bench.batchSize", 1000);
        int senders = Integer.getInteger("bench.senders", 3);
        int warmupBatches = Integer.getInteger("bench.warmupBatches", 40);
        // Empty: the lease of config/application.yaml (10 s, renewed every 2 s), as deployed.
        String lease = System.getProperty("bench.lease", "").trim();
        String renew = System.getProperty("bench.renew", "").trim();
        // JVM options for every hub; {i} becomes the instance's number (a JFR file of its own).
        String hubJvm = System.getProperty("bench.hubJvm", "");

        List<BenchHub> hubs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        // The first instance migrates the empty database (and makes the keys) and the catalog is set
        // up through it; the others start after that, as instances added to a running hub do: an
        // instance learns of an endpoint registered through another one by its periodic route sync
        // (tongban.exchange.route-sync-period-ms, 60 s), and at its start.
        startHub(hubs, ids, 0, lease, renew, hubJvm);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> hubs.forEach(h -> {
            try {
                h.kill();
            } catch (Exception ignored) {
                // already gone
            }
        })));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExchangeLoad.Client admin = hubs.get(0).admin(http);
        Random random = new Random(42);
        String provider = BenchHub.participant(admin, random, "基准测试教育厅");
        String demanderA = BenchHub.participant(admin, random, "基准测试公证处");
        String demanderB = BenchHub.participant(admin, random, "基准测试人社厅");
        String code = "BENCH-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
        admin.call("POST", "/api/catalog/resources", ExchangeLoad.resource(code, provider));
        ExchangeLoad.agree(admin, demanderA, code);
        ExchangeLoad.agree(admin, demanderB, code);
        com.sun.net.httpserver.HttpServer webhook = ExchangeLoad.webhook();
        admin.call("POST", "/api/catalog/participants/" + demanderA + "/endpoints", Map.of(
                "direction", "DEMAND", "kind", "WEBHOOK", "resourceCode", code,
                "address", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/deliveries"));
        JsonNode credential = admin.call("POST", "/api/catalog/participants/" + provider + "/credentials", Map.of());
        for (int i = 1; i < instances; i++) {
            startHub(hubs, ids, i, lease, renew, hubJvm);
        }
        long[] pids = hubs.stream().mapToLong(BenchHub::pid).toArray();
        System.out.printf("%d hub instance(s), each its own JVM: %s%n", instances, ids);
        List<ExchangeLoad.Client> suppliers = new ArrayList<>();
        for (BenchHub hub : hubs) {
            suppliers.add(new ExchangeLoad.Client(
                    http, hub.base, credential.get("keyId").asString(), credential.get("secret").asString()));
        }

        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < warmupBatches + batches + 1; b++) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                records.add(ExchangeLoad.record(random, "B" + b + "-" + i));
            }
            bodies.add(JSON.writeValueAsString(Map.of("records", records)));
        }

        try (Connection jdbc = DriverManager.getConnection(db, "postgres", System.getenv().getOrDefault("PGPASSWORD", ""))) {
            jdbc.setAutoCommit(true);
            // Who sends the webhook deliveries: each delivery pass leases what it claimed in one
            // row naming its instance, deleted when the pass ends; this bench-only log keeps them.
            try (Statement s = jdbc.createStatement()) {
                s.execute("create table bench_pass (holder text, deliveries int)");
                s.execute("""
                        create function bench_pass_log() returns trigger language plpgsql as $$
                        begin insert into bench_pass values (new.holder, cardinality(new.delivery_ids)); return new; end $$""");
                s.execute("create trigger bench_pass after insert on delivery_lease for each row execute function bench_pass_log()");
            }

            long w0 = System.nanoTime();
            long warmUp = send(suppliers, code, senders, bodies.subList(0, warmupBatches));
            awaitDrained(jdbc, code, warmUp);
            System.out.printf("warm-up: %d batches in %d ms, drained%n", warmupBatches, (System.nanoTime() - w0) / 1_000_000);
            try (Statement s = jdbc.createStatement()) {
                s.execute("truncate bench_pass");
            }

            String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
            long[] hubTicks0 = ticks(pids);
            long[] machine0 = machineTicks();
            ProcessCpu cpu0 = ProcessCpu.now(pids);
            long start = System.nanoTime();
            long accepted = send(suppliers, code, senders, bodies.subList(warmupBatches, warmupBatches + batches));
            double intakeSeconds = (System.nanoTime() - start) / 1e9;
            awaitDrained(jdbc, code, warmUp + accepted);
            double endToEndSeconds = (System.nanoTime() - start) / 1e9;
            ProcessCpu cpu = ProcessCpu.now(pids).since(cpu0);
            long[] machine = machineTicks();
            long[] hubTicks = ticks(pids);
            String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

            long queued = count(jdbc, "select count(*) from delivery where resource_code = ?", code);
            long received = count(jdbc, """
                    select (select count(*) from ledger_event where resource_code = ? and type = 'RECORD_RECEIVED'
                            and source_record_id is not null)
                         + (select count(*) from ledger_leaf l join ledger_event e using (seq, occurred_at)
                            where e.resource_code = ? and e.type = 'RECORD_RECEIVED')""", code, code);
            long signed = count(jdbc, """
                    select (select count(*) from ledger_event where resource_code = ? and type = 'DELIVERY_SIGNED'
                            and delivery_key is not null)
                         + (select count(*) from ledger_leaf l join ledger_event e using (seq, occurred_at)
                            where e.resource_code = ? and e.type = 'DELIVERY_SIGNED')""", code, code);
            long notDelivered = count(jdbc,
                    "select count(*) from delivery where resource_code = ? and status not in ('DELIVERED', 'AVAILABLE', 'ACKED')",
                    code);
            if (queued != 2 * (accepted + warmUp) || received != accepted + warmUp || signed != queued || notDelivered != 0) {
                throw new IllegalStateException("work missing: " + (accepted + warmUp) + " records accepted, "
                        + queued + " deliveries queued, ledger: " + received + " received, " + signed + " signed, "
                        + notDelivered + " neither delivered nor in a mailbox");
            }

            System.out.printf(
                    "cluster exchange benchmark: %d instance(s), batches=%d x %d records (after %d warm-up batches), %d senders, batch i to instance i mod %d, 2 agreements%n",
                    instances, batches, batchSize, warmupBatches, senders, instances);
            System.out.printf("load average before: %s, after: %s%n", loadBefore, loadAfter);
            System.out.printf("intake to durable %s: %d records in %.2f s = %.0f records/s%n",
                    System.getProperty("bench.kafka", "").isBlank() ? "outbox" : "intake topic",
                    accepted, intakeSeconds, accepted / intakeSeconds);
            System.out.printf(
                    "intake to delivered (every webhook delivery acknowledged, every mailbox delivery committed): %d records in %.2f s = %.0f records/s%n",
                    accepted, endToEndSeconds, accepted / endToEndSeconds);
            StringBuilder perHub = new StringBuilder();
            for (int i = 0; i < pids.length; i++) {
                perHub.append(i == 0 ? "" : ", ").append(ids.get(i)).append(' ')
                        .append(Math.round((hubTicks[i] - hubTicks0[i]) * 10_000.0 / accepted)).append(" µs");
            }
            System.out.printf(
                    "CPU per record, intake to delivered: hub JVMs %.0f µs (%s), PostgreSQL %.0f µs, load generator and webhook %.0f µs; total %.0f µs%n",
                    cpu.hubNanos() / 1e3 / accepted, perHub,
                    cpu.postgresNanos() / 1e3 / accepted,
                    cpu.ownNanos() / 1e3 / accepted,
                    (cpu.hubNanos() + cpu.postgresNanos() + cpu.ownNanos()) / 1e3 / accepted);
            for (int i = 0; i < machine.length; i++) {
                machine[i] -= machine0[i];
            }
            long all = machine[0] + machine[1] + machine[2] + machine[3] + machine[4] + machine[5] + machine[6] + machine[7];
            System.out.printf(
                    "machine (all cores, /proc/stat) in that time: %.0f %% busy (user %.0f, system %.0f, softirq %.0f), iowait %.0f %%, idle %.0f %%, steal %.0f %%%n",
                    100.0 * (all - machine[3] - machine[4]) / all,
                    100.0 * (machine[0] + machine[1]) / all, 100.0 * machine[2] / all, 100.0 * (machine[5] + machine[6]) / all,
                    100.0 * machine[4] / all, 100.0 * machine[3] / all, 100.0 * machine[7] / all);
            Map<String, long[]> passes = new LinkedHashMap<>();
            try (Statement s = jdbc.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select holder, count(*), sum(deliveries) from bench_pass group by holder order by holder")) {
                while (rs.next()) {
                    passes.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
            StringBuilder split = new StringBuilder();
            passes.forEach((holder, n) -> split.append(split.isEmpty() ? "" : ", ")
                    .append(holder).append(' ').append(n[1]).append(" in ").append(n[0]).append(" passes"));
            System.out.printf("webhook deliveries sent, by instance: %s%n", split);

            if (instances > 1) {
                failover(jdbc, hubs, ids, suppliers, code, bodies.get(bodies.size() - 1));
            }
            try (Statement s = jdbc.createStatement()) {
                s.execute("drop trigger bench_pass on delivery_lease");
            }
        }
        for (BenchHub hub : hubs) {
            hub.close();
        }
        webhook.stop(0);
        System.exit(0);
    }

    private static void startHub(List<BenchHub> hubs, List<String> ids, int i, String lease, String renew, String hubJvm)
            throws Exception {
        String id = "bench-hub-" + i;
        List<String> hubArgs = new ArrayList<>(List.of(
                "--spring.datasource.hikari.maximum-pool-size=16",
                "--tongban.exchange.dispatch-batch=2000",
                "--tongban.exchange.dispatch-period-ms=50",
                "--tongban.cluster.instance-id=" + id,
                "--tongban.exchange.instance-id=" + id));
        if (!lease.isEmpty()) {
            hubArgs.add("--tongban.cluster.lease-duration=" + lease);
        }
        if (!renew.isEmpty()) {
            hubArgs.add("--tongban.cluster.renew-interval=" + renew);
        }
        String kafka = System.getProperty("bench.kafka", "").trim();
        if (!kafka.isEmpty()) {
            // The Kafka transport (ADR 0020): pushes to the intake topic, both instances consume it.
            hubArgs.addAll(List.of(
                    "--tongban.exchange.transport=kafka",
                    "--tongban.exchange.kafka-bootstrap-servers=" + kafka,
                    "--tongban.exchange.kafka.topic=" + System.getProperty("bench.kafkaTopic"),
                    "--tongban.exchange.kafka.partitions=" + Integer.getInteger("bench.kafkaPartitions", 4),
                    "--tongban.exchange.kafka.consumers=" + Integer.getInteger("bench.kafkaConsumers", 2)));
        }
        System.setProperty("bench.hubJvm", hubJvm.replace("{i}", Integer.toString(i)));
        hubs.add(BenchHub.startProcess(Path.of("target/bench-hub-" + i + ".log"), hubArgs.toArray(String[]::new)));
        ids.add(id);
    }

    /**
     * Kills the lease holder (SIGKILL) and polls the lease table until another instance holds the
     * lease; then one more batch through a survivor must be taken in and delivered.
     */
    private static void failover(
            Connection jdbc, List<BenchHub> hubs, List<String> ids, List<ExchangeLoad.Client> suppliers,
            String code, String lastBatch) throws Exception {
        String holder = null;
        double remaining = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (holder == null && System.nanoTime() < deadline) {
            try (Statement s = jdbc.createStatement();
                    ResultSet rs = s.executeQuery("""
                            select holder, extract(epoch from expires_at - clock_timestamp())
                              from cluster_lease where namespace = '%s' and expires_at >= clock_timestamp()"""
                            .formatted(NAMESPACE))) {
                if (rs.next()) {
                    holder = rs.getString(1);
                    remaining = rs.getDouble(2);
                }
            }
            if (holder == null) {
                Thread.sleep(10);
            }
        }
        int leader = ids.indexOf(holder);
        if (leader < 0) {
            throw new IllegalStateException("no instance of this run holds the lease: " + holder);
        }
        long killedAt = System.nanoTime();
        hubs.get(leader).kill();
        double killSeconds = (System.nanoTime() - killedAt) / 1e9;
        String next = null;
        try (PreparedStatement q = jdbc.prepareStatement(
                "select holder from cluster_lease where namespace = ? and expires_at >= clock_timestamp()")) {
            q.setString(1, NAMESPACE);
            while (System.nanoTime() - killedAt < Duration.ofSeconds(120).toNanos()) {
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && !rs.getString(1).equals(holder)) {
                        next = rs.getString(1);
                        break;
                    }
                }
                Thread.sleep(10);
            }
        }
        double failover = (System.nanoTime() - killedAt) / 1e9;
        if (next == null) {
            throw new IllegalStateException("no instance took the lease over within 120 s");
        }
        System.out.printf(
                "failover: %s (lease holder, %.2f s of its lease left) killed with SIGKILL (gone after %.2f s); %s held the lease %.2f s after the kill%n",
                holder, remaining, killSeconds, next, failover);
        int survivor = ids.indexOf(next);
        long before = count(jdbc, "select coalesce(sum(accepted), 0) from exchange_batch where resource_code = ?", code);
        long t0 = System.nanoTime();
        long accepted = send(List.of(suppliers.get(survivor)), code, 1, List.of(lastBatch));
        awaitDrained(jdbc, code, before + accepted);
        System.out.printf(
                "after the failover: %d more records through %s, delivered in %.2f s%n",
                accepted, next, (System.nanoTime() - t0) / 1e9);
        hubs.remove(leader);
    }

    /** Sends the batches from a pool of senders, batch i to instance i mod N; returns the records accepted. */
    private static long send(List<ExchangeLoad.Client> suppliers, String code, int senders, List<String> bodies)
            throws Exception {
        AtomicLong accepted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            ExchangeLoad.Client supplier = suppliers.get(i % suppliers.size());
            String body = bodies.get(i);
            futures.add(pool.submit(() -> {
                JsonNode result = supplier.post("/api/exchange/intake/" + code + "?signing=BATCH", body);
                // In-process: the records taken in; through the intake topic: the records queued there.
                accepted.addAndGet(result.has("queued") ? result.get("queued").asLong() : result.get("accepted").asLong());
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
     * Until every record is queued for both demanders (through the intake topic they arrive after
     * the 202) and no webhook delivery is pending.
     */
    private static void awaitDrained(Connection jdbc, String code, long records) throws Exception {
        // Cheap questions only, ten times a second: the batches' own counts, and the pending index.
        while (count(jdbc, "select coalesce(sum(accepted), 0) from exchange_batch where resource_code = ?", code) < records
                || count(jdbc, "select count(*) from delivery where resource_code = ? and status = 'PENDING'", code) > 0) {
            Thread.sleep(100);
        }
    }

    private static long count(Connection jdbc, String sql, String... params) throws SQLException {
        try (PreparedStatement q = jdbc.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setString(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long[] ticks(long[] pids) throws java.io.IOException {
        long[] t = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            t[i] = ProcessCpu.ticks(pids[i]);
        }
        return t;
    }

    /** The machine's first /proc/stat line: user nice system idle iowait irq softirq steal. */
    private static long[] machineTicks() throws java.io.IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long[] t = new long[8];
        for (int i = 0; i < 8; i++) {
            t[i] = Long.parseLong(f[i + 1]);
        }
        return t;
    }
}
