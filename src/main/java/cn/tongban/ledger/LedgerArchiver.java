package cn.tongban.ledger;

import cn.tongban.ledger.internal.LedgerStore;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm3;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * 账本归档: moves each month of the ledger that is past the retention period out of the database
 * into a signed evidence bundle on disk ({@code ledger-YYYY-MM.zip}, checked with {@code java -jar
 * tongban-hub.jar verify}), then drops the month's partition. The database keeps, per archive, the
 * file's SM3 and the hashes of the archived events that remaining links and seals refer to, so the
 * chain check still runs from the first remaining event (ADR 0009). Months are archived only when
 * every event in them is sealed, and the file is verified before anything is dropped.
 */
@Component("ledgerArchiver")
public class LedgerArchiver {

    private static final Logger log = LoggerFactory.getLogger(LedgerArchiver.class);
    static final String ACTOR = "system:ledger-archiver";

    private final LedgerStore store;
    private final Ledger ledger;
    private final HubKeys keys;
    private final JsonMapper json;
    private final LedgerProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    LedgerArchiver(
            LedgerStore store,
            Ledger ledger,
            HubKeys keys,
            JsonMapper json,
            LedgerProperties properties,
            TransactionTemplate transaction,
            Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.keys = keys;
        this.json = json;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** One archived month. */
    public record Archived(YearMonth month, Path file, long events) {}

    /**
     * Archives every month that ended more than the retention period ago (with 12 months, in
     * November 2026 the months up to October 2025); returns what it archived.
     */
    public List<Archived> archiveDue() {
        LocalDate cutoff = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .withDayOfMonth(1)
                .minusMonths(properties.retentionMonths());
        List<Archived> done = new ArrayList<>();
        for (LocalDate month : store.partitionMonths()) {
            if (!month.isBefore(cutoff)) {
                break;
            }
            archive(YearMonth.from(month)).ifPresent(done::add);
        }
        return done;
    }

    /** Archives one month now, whatever its age (operators, tests); empty if it has no partition or unsealed events. */
    public Optional<Archived> archive(YearMonth month) {
        LocalDate first = month.atDay(1);
        if (!store.partitionMonths().contains(first)) {
            return Optional.empty();
        }
        long sealedTo = ledger.sealNow();
        LedgerStore.MonthSpan span = store.span(first);
        if (span.lastSeq() > sealedTo) {
            log.warn("ledger month {} not archived: events after seal {} are not sealed yet", month, sealedTo);
            return Optional.empty();
        }
        String name = "ledger-" + month + ".zip";
        Path file = properties.archiveDir().resolve(name);
        Path partial = properties.archiveDir().resolve(name + ".partial");
        try {
            Files.createDirectories(properties.archiveDir());
            write(first, sealedTo, partial);
            // Pinned to the hub's own certificates: the archive must be signed by this hub's key.
            java.util.Set<String> own = keys.published().stream()
                    .map(cn.tongban.signing.HubKeys.Published::keyId)
                    .collect(java.util.stream.Collectors.toSet());
            BundleVerifier.Verdict verdict = BundleVerifier.verify(partial, own);
            if (!verdict.valid() || verdict.events() != span.events()) {
                throw new IllegalStateException("the archive of " + month + " does not check out: " + verdict);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger archive " + file, e);
        }
        String fileSm3 = sm3(file);
        Boolean dropped = transaction.execute(status -> {
            store.archiveLock();
            // Another hub may have archived it meanwhile, or (clock trouble) an event arrived since.
            if (!store.partitionMonths().contains(first) || !store.span(first).equals(span)) {
                return false;
            }
            long firstOutside = store.firstSeqOutside(first);
            long boundaryFrom = store.sealCovering(firstOutside)
                    .map(seal -> Math.min(seal.fromSeq(), firstOutside - 1))
                    .orElse(firstOutside - 1);
            Instant now = clock.instant();
            store.insertArchive(new LedgerStore.Archive(
                    first,
                    name,
                    fileSm3,
                    span.events(),
                    span.firstSeq(),
                    span.lastSeq(),
                    store.packedHashes(first, boundaryFrom),
                    now,
                    ACTOR));
            store.dropPartition(first);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("month", month.toString());
            details.put("file", name);
            details.put("events", span.events());
            details.put("firstSeq", span.firstSeq());
            details.put("lastSeq", span.lastSeq());
            ledger.append(List.of(new LedgerEntry(
                    now,
                    "LEDGER_ARCHIVED",
                    ACTOR,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "ARCHIVED",
                    null,
                    null,
                    null,
                    fileSm3,
                    json.writeValueAsString(details))));
            return true;
        });
        if (!Boolean.TRUE.equals(dropped)) {
            return Optional.empty();
        }
        log.info("ledger month {} archived: {} events in {}", month, span.events(), file);
        return Optional.of(new Archived(month, file, span.events()));
    }

    private void write(LocalDate first, long sealedTo, Path target) throws IOException {
        Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        try (OutputStream out = Files.newOutputStream(target);
                BundleWriter writer = new BundleWriter(
                        out,
                        json,
                        seq -> store.sealCovering(seq).orElse(null),
                        seal -> store.hashes(seal.fromSeq(), seal.toSeq()),
                        store::leaves,
                        keys)) {
            store.each(
                    new LedgerStore.Filter(null, null, null, null, null, null, null, from, to),
                    sealedTo,
                    Integer.MAX_VALUE,
                    writer::event);
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("archive", YearMonth.from(first).toString());
            query.put("from", from.toString());
            query.put("to", to.toString());
            writer.finish(query);
        }
    }

    private static String sm3(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(Sm3.digest(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
