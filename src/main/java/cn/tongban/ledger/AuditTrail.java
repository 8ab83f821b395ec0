package cn.tongban.ledger;

import cn.tongban.identifier.IdNumber;
import cn.tongban.ledger.internal.LedgerStore;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.PersonRefs;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * 审计查询: what auditors ask of the ledger — searches by participant, resource, agreement,
 * person (the ID number is hashed on the way in and never kept), service item, outcome, type and
 * time; one record's lineage; counts; chain checks; and evidence bundles for offline verification.
 */
@Service
public class AuditTrail {

    public static final int MAX_PAGE = 500;
    public static final int MAX_BUNDLE_EVENTS = 1_000_000;
    static final Set<String> FILTERS =
            Set.of("participant", "resource", "agreement", "idNumber", "serviceItem", "outcome", "type", "from", "to");
    static final Set<String> PAGING = Set.of("page", "size");

    private final LedgerStore store;
    private final Ledger ledger;
    private final PersonRefs personRefs;
    private final HubKeys keys;
    private final JsonMapper json;

    AuditTrail(LedgerStore store, Ledger ledger, PersonRefs personRefs, HubKeys keys, JsonMapper json) {
        this.store = store;
        this.ledger = ledger;
        this.personRefs = personRefs;
        this.keys = keys;
        this.json = json;
    }

    /** A page of events, each as it appears in evidence bundles. */
    public record Page(List<BundleFormat.EventLine> items, int page, int size, boolean hasMore) {}

    /** Reads and checks the query parameters; unknown ones and bad values are refused, naming them. */
    public LedgerStore.Filter filter(Map<String, String> params) {
        List<FieldProblem> problems = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!FILTERS.contains(name) && !PAGING.contains(name)) {
                problems.add(new FieldProblem(name, "known-filter", "is not a filter; filters are " + FILTERS));
            }
        }
        String idNumber = blank(params.get("idNumber"));
        if (idNumber != null && !IdNumber.isValid(idNumber)) {
            problems.add(new FieldProblem("idNumber", "id-number-gb11643", "is not a valid citizen ID number"));
        }
        UUID agreement = null;
        if (blank(params.get("agreement")) != null) {
            try {
                agreement = UUID.fromString(params.get("agreement"));
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("agreement", "uuid", "must be an agreement id (UUID)"));
            }
        }
        Instant from = instant(params.get("from"), "from", problems);
        Instant to = instant(params.get("to"), "to", problems);
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add(new FieldProblem("to", "time-order", "must be later than from"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new LedgerStore.Filter(
                blank(params.get("participant")),
                blank(params.get("resource")),
                agreement,
                idNumber == null ? null : personRefs.of(idNumber),
                blank(params.get("serviceItem")),
                blank(params.get("outcome")),
                blank(params.get("type")),
                from,
                to);
    }

    @Transactional(readOnly = true)
    public Page search(Actor actor, Map<String, String> params) {
        requireAuditor(actor);
        LedgerStore.Filter filter = filter(params);
        int page = number(params.get("page"), "page", 0, 0, 1_000_000);
        int size = number(params.get("size"), "size", 50, 1, MAX_PAGE);
        List<LedgerEvent> found = store.search(filter, page * size, size + 1);
        List<BundleFormat.EventLine> items =
                found.stream().limit(size).map(BundleFormat.EventLine::of).toList();
        return new Page(items, page, size, found.size() > size);
    }

    /** Checks a search's parameters without running it, e.g. before a bundle's download starts. */
    public void check(Map<String, String> params) {
        filter(params);
    }

    /** One event still in the database, as it appears in evidence bundles. */
    @Transactional(readOnly = true)
    public BundleFormat.EventLine event(Actor actor, long seq) {
        requireAuditor(actor);
        List<BundleFormat.EventLine> found = new ArrayList<>(1);
        if (seq >= 1) {
            store.range(seq, seq, e -> found.add(BundleFormat.EventLine.of(e)));
        }
        if (found.isEmpty()) {
            throw ApiException.notFound("ledger event " + seq);
        }
        return found.get(0);
    }

    @Transactional(readOnly = true)
    public List<BundleFormat.EventLine> lineage(Actor actor, String resourceCode, String sourceRecordId) {
        requireAuditor(actor);
        if (blank(resourceCode) == null || blank(sourceRecordId) == null) {
            throw ApiException.invalid(List.of(
                    new FieldProblem(
                            "resource", "required", "the resource code and the source record id are both needed"),
                    new FieldProblem(
                            "sourceRecordId",
                            "required",
                            "the resource code and the source record id are both needed")));
        }
        return store.lineage(resourceCode, sourceRecordId).stream()
                .map(BundleFormat.EventLine::of)
                .toList();
    }

    @Transactional(readOnly = true)
    public List<Map<String, Object>> summary(Actor actor, Map<String, String> params) {
        requireAuditor(actor);
        return store.summary(filter(params));
    }

    /** An archived month: which file, its SM3, and the events it took out of the database. */
    public record ArchiveView(
            String month,
            String fileName,
            String fileSm3,
            long events,
            long firstSeq,
            long lastSeq,
            Instant archivedAt,
            String archivedBy) {}

    public List<ArchiveView> archives(Actor actor) {
        requireAuditor(actor);
        return store.archives().stream()
                .map(a -> new ArchiveView(
                        YearMonth.from(a.month()).toString(),
                        a.fileName(),
                        a.fileSm3(),
                        a.events(),
                        a.firstSeq(),
                        a.lastSeq(),
                        a.archivedAt(),
                        a.archivedBy()))
                .toList();
    }

    public Ledger.ChainCheck verify(Actor actor, long fromSeq) {
        requireAuditor(actor);
        return ledger.verify(fromSeq);
    }

    /** Writes the evidence bundle of a search (every match, oldest first) after sealing what is unsealed. */
    @Transactional
    public void bundle(Actor actor, Map<String, String> params, OutputStream out) throws IOException {
        requireAuditor(actor);
        LedgerStore.Filter filter = filter(params);
        // The bundle holds what is sealed at the moment of the request; later events wait for the next one.
        long sealedTo = ledger.sealNow();
        try (BundleWriter writer = new BundleWriter(
                out,
                json,
                seq -> store.sealCovering(seq).orElse(null),
                seal -> store.hashes(seal.fromSeq(), seal.toSeq()),
                store::leaves,
                keys)) {
            store.each(filter, sealedTo, MAX_BUNDLE_EVENTS, writer::event);
            Map<String, Object> query = new LinkedHashMap<>(params);
            query.remove("idNumber");
            if (filter.personRef() != null) {
                query.put("personRef", filter.personRef());
            }
            writer.finish(query);
        }
    }

    static void requireAuditor(Actor actor) {
        if (!actor.has(Role.AUDITOR) && !actor.isPlatformAdmin()) {
            throw ApiException.forbidden("the audit ledger is for auditors");
        }
    }

    private static Instant instant(String text, String field, List<FieldProblem> problems) {
        if (blank(text) == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "instant", "must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z"));
            return null;
        }
    }

    private static int number(String text, String field, int fallback, int min, int max) {
        if (blank(text) == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw ApiException.invalid(field, "range", "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field, "integer", "must be a whole number");
        }
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
