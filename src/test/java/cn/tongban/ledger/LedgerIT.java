package cn.tongban.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import cn.tongban.exchange.ExchangeProvinceAccess;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.ledger.internal.LedgerStore;
import cn.tongban.signing.MerkleTree;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The audit ledger over a real exchange on real PostgreSQL: one record's lineage across two
 * demanders and a retry, person search by ID number (hashed on the way in), append-only tables,
 * a row changed behind the trigger named by the chain check, and evidence bundles verified offline.
 */
@HubTest
class LedgerIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transaction;

    /** The tables' owner: the embedded default's superuser, else the one configured connection. */
    @Autowired
    @Qualifier("ownerDataSource")
    Optional<DataSource> ownerDataSource;

    @Autowired
    DataSource dataSource;

    JdbcTemplate owner;
    TransactionTemplate ownerTransaction;

    @Autowired
    Ledger ledger;

    @Autowired
    LedgerArchiver archiver;

    @Autowired
    cn.tongban.ledger.internal.LedgerStore store;

    @Autowired
    GroupAppender group;

    @TempDir
    Path dir;

    ExchangeProvinceAccess province;
    Api auditor;
    String person;

    @BeforeEach
    void province() {
        DataSource tablesOwner = ownerDataSource.orElse(dataSource);
        owner = new JdbcTemplate(tablesOwner);
        ownerTransaction = new TransactionTemplate(new DataSourceTransactionManager(tablesOwner));
        province = new ExchangeProvinceAccess(port);
        auditor = Api.at(port).as("auditor");
        person = SyntheticIdentifiers.idNumber(new Random(), "430102", LocalDate.of(1991, 3, 3));
    }

    @AfterEach
    void close() {
        province.close();
    }

    @Test
    void s01_oneRecordsLineageAcrossTwoDemandersAndARetry() {
        province.webhook().answer(503);
        province.push("L-1", person);
        // The first try and Camel's immediate redelivery both fail: the pass is a failed attempt.
        await().atMost(Duration.ofSeconds(10)).until(() -> province.webhook().calls() >= 2);
        province.webhook().answer(200);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 1);
        List<JsonNode> mailbox =
                await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 1);
        province.acknowledgeInsurer(mailbox.get(0).get("id").asLong());

        List<JsonNode> lineage = await().atMost(Duration.ofSeconds(10))
                .until(() -> lineage("L-1"), l -> types(l).contains("DELIVERY_ACKNOWLEDGED"));
        assertThat(types(lineage))
                .startsWith("RECORD_RECEIVED")
                .contains("DELIVERY_SIGNED", "DELIVERY_FAILED", "DELIVERED", "DELIVERY_ACKNOWLEDGED");
        assertThat(lineage.stream().filter(e -> e.get("type").asString().equals("DELIVERY_SIGNED")))
                .extracting(e -> e.get("participantUscc").asString())
                .containsExactlyInAnyOrder(province.notaryUscc(), province.insurerUscc());
        JsonNode signedForNotary = lineage.stream()
                .filter(e -> e.get("type").asString().equals("DELIVERY_SIGNED")
                        && e.get("participantUscc").asString().equals(province.notaryUscc()))
                .findFirst()
                .orElseThrow();
        assertThat(signedForNotary.get("details").asString()).contains("idNumber:ID_NUMBER", "\"signing\":\"BATCH\"");
        assertThat(lineage.stream().filter(e -> e.get("type").asString().equals("DELIVERY_FAILED")))
                .extracting(e -> e.get("outcome").asString())
                .contains("RETRYING");
        String body = auditor.get("/api/audit/lineage?resource=" + province.code() + "&sourceRecordId=L-1")
                .body();
        assertThat(body).doesNotContain(person).doesNotContain(person.substring(0, 14));

        // The same person, found by ID number without the number being stored anywhere.
        JsonNode found = auditor.get("/api/audit/events?idNumber=" + person + "&size=100")
                .json();
        assertThat(found.get("items").size()).isGreaterThanOrEqualTo(5);
        assertThat(found.get("items").findValuesAsString("sourceRecordId")).containsOnly("L-1");
        assertThat(jdbc.queryForObject(
                        "select count(*) from ledger_event where details like ? or person_ref = ?",
                        Long.class,
                        "%" + person + "%",
                        person))
                .isZero();
    }

    @Test
    void s02_badQueriesAreRefusedWithTheFieldAndRule() {
        assertThat(auditor.get("/api/audit/events?colour=red").violations()).containsExactly("colour:known-filter");
        assertThat(auditor.get("/api/audit/events?idNumber=430102199101010000").violations())
                .containsExactly("idNumber:id-number-gb11643");
        assertThat(auditor.get("/api/audit/events?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")
                        .violations())
                .containsExactly("to:time-order");
        Api.Reply tooBig = auditor.get("/api/audit/events?size=501");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");
        assertThat(tooBig.violations()).containsExactly("size:range");
        assertThat(province.providerAdmin().get("/api/audit/events").status()).isEqualTo(403);
        assertThat(auditor.get("/api/audit/lineage?resource=X").status()).isEqualTo(400);
    }

    @Test
    void s03_updateAndDeleteAreRefusedOnTheLedgerTables() {
        province.push("A-1", person);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject("select count(*) from ledger_event", Long.class) > 0);
        // Even the tables' owner is refused by the triggers.
        assertThatThrownBy(() -> owner.update("update ledger_event set outcome = 'X' where seq = 1"))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> owner.update("delete from ledger_event where seq = 1"))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> owner.update("truncate ledger_event")).hasStackTraceContaining("append-only");
        // The application's own role, when the hub runs as one, is not even granted the statements.
        Boolean role = jdbc.queryForObject(
                "select exists (select 1 from pg_roles where rolname = 'tongban_app')", Boolean.class);
        if (Boolean.TRUE.equals(role)) {
            assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
                        jdbc.execute("set local role tongban_app");
                        jdbc.update("update ledger_event set outcome = 'X' where seq = 1");
                    }))
                    .hasStackTraceContaining("permission denied");
            assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
                        jdbc.execute("set local role tongban_app");
                        jdbc.update("delete from ledger_seal");
                    }))
                    .hasStackTraceContaining("permission denied");
        }
    }

    @Test
    void s04_aRowChangedBehindTheTriggerIsNamedByTheChainCheck() {
        province.push("T-1", person);
        Long seq = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc.queryForObject(
                                "select max(seq) from ledger_event where source_record_id = 'T-1' and type = 'RECORD_RECEIVED'",
                                Long.class),
                        s -> s != null);
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
        JsonNode check = chainCheckWithRowForged(seq);
        assertThat(check.get("intact").asBoolean()).isFalse();
        assertThat(check.get("brokenSeq").asLong()).isEqualTo(seq);
        assertThat(check.get("problem").asString()).isEqualTo("event " + seq + ": its content does not match its hash");
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
    }

    @Test
    void s05_anEvidenceBundleVerifiesOfflineAndAFlippedByteIsCaught() throws Exception {
        province.push("E-1", person);
        province.push("E-2", person);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 2);
        Path file = bundleOf("idNumber=" + person, "evidence.zip");
        byte[] bundle = Files.readAllBytes(file);
        BundleVerifier.Verdict verdict = BundleVerifier.verify(file);
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();
        assertThat(verdict.events()).isGreaterThanOrEqualTo(4);
        assertThat(new String(bundle, StandardCharsets.ISO_8859_1)).doesNotContain(person);

        byte[] flipped = bundle.clone();
        flipped[flipped.length / 2] ^= 0x20;
        Path tampered = dir.resolve("tampered.zip");
        Files.write(tampered, flipped);
        assertThat(BundleVerifier.verify(tampered).valid()).isFalse();

        assertThat(auditor.get("/api/audit/bundle?colour=red").violations()).containsExactly("colour:known-filter");
    }

    @Test
    void s06_aMonthPastRetentionGoesToAVerifiedArchiveAndTheChainStillChecks() throws Exception {
        List<LocalDate> taken = jdbc.queryForList("select month from ledger_archive", LocalDate.class);
        LocalDate month = LocalDate.of(2015, 1, 1);
        while (taken.contains(month)) {
            month = month.plusMonths(1);
        }
        store.ensurePartition(month);
        List<LedgerEntry> old = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            old.add(new LedgerEntry(
                    month.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * i),
                    "RECORD_RECEIVED",
                    "system:intake",
                    null,
                    province.code(),
                    null,
                    null,
                    null,
                    "ACCEPTED",
                    "OLD-" + i,
                    null,
                    null,
                    null,
                    null));
        }
        transaction.executeWithoutResult(status -> ledger.append(old));
        province.push("AFTER-1", person);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> province.webhook().envelopes().size() == 1);

        LedgerArchiver.Archived archived =
                archiver.archive(YearMonth.from(month)).orElseThrow();

        assertThat(archived.events()).isEqualTo(25);
        BundleVerifier.Verdict verdict = BundleVerifier.verify(archived.file());
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();
        assertThat(verdict.events()).isEqualTo(25);
        assertThat(jdbc.queryForObject(
                        "select to_regclass(?) is null",
                        Boolean.class,
                        "ledger_event_y%dm%02d".formatted(month.getYear(), month.getMonthValue())))
                .as("the month's partition is dropped")
                .isTrue();
        assertThat(jdbc.queryForObject(
                        "select count(*) from ledger_event where source_record_id like 'OLD-%' and occurred_at < ?",
                        Long.class,
                        java.sql.Timestamp.valueOf(month.plusMonths(1).atStartOfDay())))
                .isZero();
        JsonNode archives = auditor.get("/api/audit/archives").json();
        assertThat(archives.findValuesAsString("month"))
                .contains(month.toString().substring(0, 7));
        assertThat(archives.toString()).doesNotContain("boundary");
        assertThat(lineageOfArchive(month)).isEqualTo(1);
        assertThatThrownBy(() -> owner.update("delete from ledger_archive")).hasStackTraceContaining("append-only");

        // The chain check bridges the gap with the archived hashes, and still names a changed row.
        JsonNode check = auditor.get("/api/audit/verify").json();
        assertThat(check.get("intact").asBoolean()).as(check.toString()).isTrue();
        long afterGap = jdbc.queryForObject(
                "select min(seq) from ledger_event where seq > ?", Long.class, verdictLastSeq(month));
        JsonNode broken = chainCheckWithRowForged(afterGap);
        assertThat(broken.get("intact").asBoolean()).isFalse();
        assertThat(broken.get("brokenSeq").asLong()).isEqualTo(afterGap);
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
    }

    private long verdictLastSeq(LocalDate month) {
        return jdbc.queryForObject("select last_seq from ledger_archive where month = ?", Long.class, month);
    }

    private long lineageOfArchive(LocalDate month) {
        return jdbc.queryForObject(
                "select count(*) from ledger_event where type = 'LEDGER_ARCHIVED' and details like ?",
                Long.class,
                "%\"month\":\"" + month.toString().substring(0, 7) + "\"%");
    }

    /** The chain check's answer while one row's outcome is forged behind the trigger; the row is put back after. */
    private JsonNode chainCheckWithRowForged(long seq) {
        String original = jdbc.queryForObject("select outcome from ledger_event where seq = ?", String.class, seq);
        try {
            tamper(seq, "FORGED");
            return auditor.get("/api/audit/verify").json();
        } finally {
            tamper(seq, original);
        }
    }

    private void tamper(long seq, String outcome) {
        // As a superuser, with triggers off for this transaction: what an insider could do.
        ownerTransaction.executeWithoutResult(status -> {
            owner.execute("set local session_replication_role = replica");
            owner.update("update ledger_event set outcome = ? where seq = ?", outcome, seq);
        });
    }

    @Test
    void s09_aBatchsDeliveriesAreNamedAsLeavesFoundByPersonAndRecordAndAForgedLeafIsNamed() throws Exception {
        String other = SyntheticIdentifiers.idNumber(new Random(), "430102", LocalDate.of(1985, 5, 5));
        province.pushBatch(List.of("M-1", "M-2", "M-3"), List.of(person, other, other));
        // The mailbox is the hub's own store: the intake's commit delivered into it, no dispatcher attempt.
        assertThat(jdbc.queryForList(
                        "select attempts, delivered_at = created_at as at_intake from delivery"
                                + " where demander_uscc = ? and source_record_id like 'M-%'",
                        province.insurerUscc()))
                .hasSize(3)
                .allSatisfy(row -> assertThat(row).containsEntry("attempts", 0).containsEntry("at_intake", true));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> province.webhook().envelopes().size() == 3);
        List<JsonNode> mailbox =
                await().atMost(Duration.ofSeconds(15)).until(() -> province.mailboxOfInsurer(), m -> m.size() == 3);
        province.acknowledgeInsurer(
                mailbox.stream().map(m -> m.get("id").asLong()).toList());

        // One signed event per demander for the whole batch, naming the three deliveries as leaves.
        List<JsonNode> lineage = await().atMost(Duration.ofSeconds(10))
                .until(() -> lineage("M-2"), l -> types(l).contains("DELIVERY_ACKNOWLEDGED"));
        assertThat(types(lineage))
                .startsWith("RECORD_RECEIVED")
                .containsOnlyOnce("RECORD_RECEIVED", "DELIVERY_ACKNOWLEDGED")
                .contains("DELIVERY_SIGNED", "DELIVERED");
        List<JsonNode> signed = lineage.stream()
                .filter(e -> e.get("type").asString().equals("DELIVERY_SIGNED"))
                .toList();
        assertThat(signed)
                .extracting(e -> e.get("participantUscc").asString())
                .containsExactlyInAnyOrder(province.notaryUscc(), province.insurerUscc());
        // The batch's records as received are one event too, each record a leaf (ADR 0020).
        JsonNode received = lineage.stream()
                .filter(e -> e.get("type").asString().equals("RECORD_RECEIVED"))
                .findFirst()
                .orElseThrow();
        assertThat(received.get("details").asString()).contains("\"leaves\":3");
        assertThat(store.leaves(received.get("seq").asLong()))
                .extracting(LedgerLeaf::sourceRecordId)
                .containsExactly("M-1", "M-2", "M-3");
        for (JsonNode event : signed) {
            assertThat(event.get("details").asString()).contains("\"leaves\":3");
            assertThat(event.hasNonNull("sourceRecordId")).isFalse();
            List<LedgerLeaf> leaves = store.leaves(event.get("seq").asLong());
            assertThat(leaves).extracting(LedgerLeaf::sourceRecordId).containsExactly("M-1", "M-2", "M-3");
            assertThat(LedgerLeaf.root(leaves))
                    .isEqualTo(event.get("payloadDigest").asString());
        }

        // A signed leaf's digest is the envelope's Merkle leaf: the notary's envelopes prove it under their batch root.
        List<LedgerLeaf> notaryLeaves = store.leaves(signed.stream()
                .filter(e -> e.get("participantUscc").asString().equals(province.notaryUscc()))
                .findFirst()
                .orElseThrow()
                .get("seq")
                .asLong());
        for (JsonNode envelope : province.webhook().envelopes()) {
            JsonNode batch = envelope.get("signature").get("batch");
            LedgerLeaf leaf = notaryLeaves.stream()
                    .filter(l ->
                            l.deliveryKey().equals(envelope.get("deliveryId").asString()))
                    .findFirst()
                    .orElseThrow();
            List<byte[]> path = new ArrayList<>();
            batch.get("auditPath").forEach(h -> path.add(HexFormat.of().parseHex(h.asString())));
            assertThat(MerkleTree.verifyInclusion(
                            HexFormat.of().parseHex(leaf.digest()),
                            batch.get("leafIndex").asLong(),
                            batch.get("treeSize").asLong(),
                            path,
                            HexFormat.of().parseHex(batch.get("root").asString())))
                    .isTrue();
        }

        // Found by the person of M-1 only through the leaves: the batch's events, not the other person's records.
        JsonNode found = auditor.get("/api/audit/events?idNumber=" + person + "&size=100")
                .json();
        List<String> foundTypes = new ArrayList<>();
        found.get("items").forEach(e -> foundTypes.add(e.get("type").asString()));
        assertThat(foundTypes).contains("RECORD_RECEIVED", "DELIVERY_SIGNED", "DELIVERED", "DELIVERY_ACKNOWLEDGED");
        List<String> named = new ArrayList<>();
        found.get("items").forEach(e -> {
            if (e.hasNonNull("sourceRecordId")) {
                named.add(e.get("sourceRecordId").asString());
            }
        });
        // Every event of the batch names its records as leaves: none names another person's record.
        assertThat(named).allMatch("M-1"::equals);

        // The person's evidence bundle carries the leaves and verifies offline.
        BundleVerifier.Verdict verdict = BundleVerifier.verify(bundleOf("idNumber=" + person, "leaves.zip"));
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();

        // The chain check and the offline verifier read the leaves: one changed behind the trigger is named.
        long seq = signed.get(0).get("seq").asLong();
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
        try {
            forgeLeaf(seq, "M-9");
            JsonNode check = auditor.get("/api/audit/verify").json();
            assertThat(check.get("intact").asBoolean()).isFalse();
            assertThat(check.get("problem").asString())
                    .isEqualTo("event " + seq + ": its leaves do not match its digest");
            BundleVerifier.Verdict forged = BundleVerifier.verify(bundleOf("idNumber=" + person, "forged.zip"));
            assertThat(forged.valid()).isFalse();
            assertThat(forged.problem()).isEqualTo("event " + seq + ": its leaves do not match its digest");
        } finally {
            forgeLeaf(seq, "M-2");
        }
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
    }

    private Path bundleOf(String query, String fileName) throws Exception {
        byte[] bundle = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/audit/bundle?" + query))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder().encodeToString("auditor:tongban-demo".getBytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        Path file = dir.resolve(fileName);
        Files.write(file, bundle);
        return file;
    }

    private void forgeLeaf(long seq, String sourceRecordId) {
        ownerTransaction.executeWithoutResult(status -> {
            owner.execute("set local session_replication_role = replica");
            owner.update(
                    "update ledger_leaf set source_record_id = ? where seq = ? and leaf_index = 1",
                    sourceRecordId,
                    seq);
        });
    }

    private List<JsonNode> lineage(String sourceRecordId) {
        List<JsonNode> events = new ArrayList<>();
        auditor.get("/api/audit/lineage?resource=" + province.code() + "&sourceRecordId=" + sourceRecordId)
                .json()
                .forEach(events::add);
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asString()).toList();
    }

    @Test
    void s07_eventsFromManyThreadsAreAllCommittedInOneChainInEachThreadsOrder() throws Exception {
        String actor = "s07-" + UUID.randomUUID();
        int threads = 12;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String lane = actor + "/" + t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    group.appendAndWait(List.of(new LedgerEntry(
                            Instant.now(),
                            "QUERY",
                            actor,
                            null,
                            "S07",
                            null,
                            null,
                            null,
                            "ANSWERED",
                            lane + "#" + i,
                            null,
                            null,
                            null,
                            null)));
                    // Committed when the call returns: it is there to be read at once.
                    assertThat(jdbc.queryForObject(
                                    "select count(*) from ledger_event where source_record_id = ?",
                                    Long.class,
                                    lane + "#" + i))
                            .isEqualTo(1L);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        for (int t = 0; t < threads; t++) {
            List<String> lane = jdbc.queryForList(
                    "select source_record_id from ledger_event where actor = ? and source_record_id like ? order by seq",
                    String.class,
                    actor,
                    actor + "/" + t + "#%");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(actor + "/" + t + "#" + i);
            }
            assertThat(lane).as("thread %d's events, in its order", t).isEqualTo(expected);
        }
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
    }

    @Test
    void s08_bothWaysOfAppendingKeepEveryCharacterAsItWasHashed() {
        String actor = "s08-" + UUID.randomUUID();
        String[] awkward = {
            "tab\there",
            "new\nline",
            "carriage\rreturn",
            "back\\slash",
            "\\N",
            "\\.",
            "\\x00",
            "学历公证核验 😀",
            "\"quoted\"",
            "{\"fields\":\"name:NAME\"}",
            "\u0001control",
            "",
            " "
        };
        List<LedgerEntry> entries = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            entries.add(new LedgerEntry(
                    Instant.parse("2026-11-29T08:00:00.123456789Z").plusNanos(i * 1_001L),
                    "QUERY",
                    actor,
                    i % 3 == 0 ? null : "11430100445509870F",
                    "S08",
                    i % 2 == 0 ? null : UUID.nameUUIDFromBytes(new byte[] {(byte) i}),
                    awkward[i % awkward.length],
                    null,
                    "ANSWERED",
                    actor + "#" + i,
                    null,
                    null,
                    null,
                    awkward[(i + 5) % awkward.length]));
        }
        // Both ways a group is written: the largest one-statement group (with the head move), then by batch.
        int small = LedgerStore.ONE_STATEMENT_MAX;
        transaction.executeWithoutResult(status -> ledger.append(entries.subList(0, small)));
        transaction.executeWithoutResult(status -> ledger.append(entries.subList(small, entries.size())));
        assertThat(jdbc.queryForObject("select seq from ledger_head where id = 1", Long.class))
                .isEqualTo(jdbc.queryForObject("select max(seq) from ledger_event", Long.class));
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select purpose, details, participant_uscc, agreement_id from ledger_event where actor = ? order by seq",
                actor);
        assertThat(rows).hasSize(entries.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).get("purpose"))
                    .as("purpose %d", i)
                    .isEqualTo(entries.get(i).purpose());
            assertThat(rows.get(i).get("details"))
                    .as("details %d", i)
                    .isEqualTo(entries.get(i).details());
            assertThat(rows.get(i).get("participant_uscc"))
                    .isEqualTo(entries.get(i).participantUscc());
            assertThat(rows.get(i).get("agreement_id")).isEqualTo(entries.get(i).agreementId());
        }
        // Hashes were computed before the rows went in: the chain check recomputes them from the stored rows.
        assertThat(auditor.get("/api/audit/verify").json().get("intact").asBoolean())
                .isTrue();
    }
}
