package cn.tongban.bench;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.ledger.LedgerBundles;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.PersonRefs;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Audit-ledger benchmarks. {@code bundle}: writes a synthetic, valid evidence bundle of N events
 * (verify it with {@code java -jar target/tongban-hub.jar verify}). {@code search}: fills the
 * ledger of a bench database with N events spread over twelve monthly partitions — rows written
 * straight into PostgreSQL, their hashes not a chain, since only search speed is measured — plus
 * a few events of 200 known people, then times person searches through the auditors' API.
 */
public final class LedgerLoad {

    public static void main(String[] args) {
        try {
            if (args[0].equals("bundle")) {
                bundle(Path.of(args[1]), Integer.parseInt(args[2]));
            } else {
                search(Long.parseLong(args[1]));
            }
            System.exit(0);
        } catch (Throwable failure) {
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void bundle(Path file, int events) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            LedgerBundles.synthetic(out, events, 100_000, HubKeys.ephemeral("Tongban benchmark hub"));
        }
        System.out.printf(
                "wrote %s: %d events, %d MB, in %.1f s%n",
                file, events, Files.size(file) >> 20, (System.nanoTime() - start) / 1e9);
    }

    private static void search(long events) throws Exception {
        BenchHub hub = BenchHub.start("--tongban.signing.person-key=" + "5a".repeat(32));
        JdbcTemplate jdbc = hub.context.getBean(JdbcTemplate.class);
        PersonRefs refs = hub.context.getBean(PersonRefs.class);
        for (int month = 1; month <= 12; month++) {
            jdbc.execute("create table if not exists ledger_event_y2026m%02d partition of ledger_event for values from ('2026-%02d-01') to ('%s')"
                    .formatted(month, month, LocalDate.of(2026, month, 1).plusMonths(1)));
        }
        long t0 = System.nanoTime();
        long chunk = 1_000_000;
        long present = jdbc.queryForObject("select count(*) from ledger_event", Long.class);
        for (long from = present >= events ? events + 1 : 1; from <= events; from += chunk) {
            long to = Math.min(events, from + chunk - 1);
            // ~2 million people, five events each; refs look like HMAC output (64 hex).
            jdbc.update("""
                    insert into ledger_event (seq, occurred_at, type, actor, participant_uscc, resource_code, agreement_id,
                        purpose, service_item, outcome, source_record_id, delivery_key, person_ref, payload_digest, details,
                        prev_hash, hash)
                    select i, timestamptz '2026-01-01' + ((i * 3) % (364 * 86400)) * interval '1 second',
                        (array['RECORD_RECEIVED','DELIVERY_SIGNED','DELIVERED','DELIVERY_ACKNOWLEDGED'])[1 + i % 4],
                        'system:intake', '11430100445509870F', 'JY-XL-0001', null, '学历公证核验', 'GZ-XLGZ-0001', 'DELIVERED',
                        'S-' || (i / 5), md5(i::text), md5((i % 2000000)::text) || md5('p' || (i % 2000000)),
                        md5('d' || i) || md5('e' || i), '{"endpoint":"WEBHOOK"}',
                        decode(md5('prev' || i) || md5('x' || i), 'hex'), decode(md5('hash' || i) || md5('y' || i), 'hex')
                    from generate_series(?::bigint, ?::bigint) as i""", from, to);
            System.out.printf("seeded %,d events (%.0f s)%n", to, (System.nanoTime() - t0) / 1e9);
        }
        Random random = new Random(3);
        List<String> people = new ArrayList<>();
        long seq = jdbc.queryForObject("select coalesce(max(seq), 0) from ledger_event", Long.class);
        for (int p = 0; p < 200; p++) {
            String id = SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1980, 1, 1).plusDays(random.nextInt(9000)));
            people.add(id);
            for (int e = 0; e < 6; e++) {
                seq++;
                jdbc.update("""
                        insert into ledger_event (seq, occurred_at, type, actor, outcome, person_ref, prev_hash, hash)
                        values (?, timestamptz '2026-03-01' + ? * interval '17 day', 'DELIVERED', 'system:dispatcher',
                                'DELIVERED', ?, '\\x00', '\\x00')""", seq, e, refs.of(id));
            }
        }
        jdbc.execute("analyze ledger_event");
        System.out.printf("ledger holds %,d events%n", jdbc.queryForObject("select count(*) from ledger_event", Long.class));

        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + BenchHub.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        long[] latencies = new long[people.size() * 2];
        for (int round = 0; round < 2; round++) { // the first round warms up; both are reported
            for (int i = 0; i < people.size(); i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(hub.base + "/api/audit/events?idNumber=" + people.get(i)))
                        .header("Authorization", auth)
                        .build();
                long s = System.nanoTime();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                latencies[round * people.size() + i] = System.nanoTime() - s;
                if (response.statusCode() != 200 || !response.body().contains("\"seq\"")) {
                    throw new IllegalStateException("search answered " + response.statusCode());
                }
            }
        }
        long[] measured = Arrays.copyOfRange(latencies, people.size(), latencies.length);
        Arrays.sort(measured);
        System.out.printf(
                "search by person over %,d events (through the auditors' API, HTTP Basic): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                jdbc.queryForObject("select count(*) from ledger_event", Long.class),
                measured[measured.length / 2] / 1e6,
                measured[(int) (measured.length * 0.99) - 1] / 1e6,
                measured[measured.length - 1] / 1e6);
        long[] sql = new long[people.size()];
        for (int i = 0; i < people.size(); i++) {
            long s = System.nanoTime();
            jdbc.queryForList(
                    "select * from ledger_event where person_ref = ? order by occurred_at desc, seq desc limit 51",
                    refs.of(people.get(i)));
            sql[i] = System.nanoTime() - s;
        }
        Arrays.sort(sql);
        System.out.printf(
                "the same search in SQL alone: p50 %.2f ms, p99 %.2f ms%n",
                sql[sql.length / 2] / 1e6, sql[(int) (sql.length * 0.99) - 1] / 1e6);
        hub.close();
    }
}
