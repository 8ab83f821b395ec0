package cn.tongban.disputes;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.catalog.SupplyList;
import cn.tongban.disputes.DisputeRefused.Rule;
import cn.tongban.disputes.internal.DisputeRepository;
import cn.tongban.disputes.internal.DisputeRepository.StoredDispute;
import cn.tongban.exchange.Deliveries;
import cn.tongban.exchange.Deliveries.DeliveredRecord;
import cn.tongban.exchange.ExchangeProperties;
import cn.tongban.exchange.IntakeService;
import cn.tongban.exchange.IntakeService.IncomingRecord;
import cn.tongban.exchange.IntakeService.IntakeResult;
import cn.tongban.exchange.IntakeService.RecordResult;
import cn.tongban.exchange.IntakeService.RecordStatus;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * 数据异议: a demander disputes fields of a record it received; the supplier answers with the
 * corrected record — taken through the normal intake, so it is validated, masked, signed and sent to
 * every demander with an agreement in force, the disputing one and every earlier recipient among
 * them — or rejects it with its reasons. Each step checks who asks and is in the ledger with its
 * commit (DisputeAudit).
 */
@Service
public class Disputes {

    /** The intake channel a correction arrives by, as the exchange batch and the ledger name it. */
    static final String CORRECTION_CHANNEL = "DISPUTE_CORRECTION";

    public static final int MAX_PAGE = 1000;

    private final DisputeRepository disputes;
    private final Deliveries deliveries;
    private final SupplyList supplyList;
    private final IntakeService intake;
    private final ExchangeProperties exchange;
    private final WorkingDayCalendar calendar;
    private final DisputesProperties properties;
    private final DisputeAudit audit;
    private final Clock clock;

    Disputes(
            DisputeRepository disputes,
            Deliveries deliveries,
            SupplyList supplyList,
            IntakeService intake,
            ExchangeProperties exchange,
            WorkingDayCalendar calendar,
            DisputesProperties properties,
            DisputeAudit audit,
            Clock clock) {
        this.disputes = disputes;
        this.deliveries = deliveries;
        this.supplyList = supplyList;
        this.intake = intake;
        this.exchange = exchange;
        this.calendar = calendar;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
    }

    /** A demander's objection: which delivery (the envelope's deliveryId), which of its fields, and why. */
    public record OpenRequest(
            @NotNull @Pattern(regexp = "^[0-9a-f]{64}$", message = "must be a delivery id (64 hex digits)")
            String deliveryId,

            @NotEmpty @Size(max = 200) List<@NotBlank @Size(max = 128) String> fields,
            @NotBlank @Size(max = 2000) String reason) {}

    /** The supplier's corrected record (same source record id as the disputed one) and what it changed. */
    public record CorrectRequest(
            @NotNull JsonNode record,
            @NotBlank @Size(max = 2000) String reason) {}

    /** The supplier's justified rejection: the record stands, for these reasons. */
    public record RejectRequest(@NotBlank @Size(max = 2000) String reason) {}

    /** Which list: the caller's disputes as supplier, as demander, or both. */
    public enum Party {
        SUPPLIER,
        DEMANDER;

        /** {@code supplier} or {@code demander}, as the query names it; null for both. */
        public static Party of(String role) {
            if (role == null || role.isBlank()) {
                return null;
            }
            for (Party party : values()) {
                if (party.name().equalsIgnoreCase(role.strip())) {
                    return party;
                }
            }
            throw ApiException.invalid("role", "supplier-or-demander", "must be supplier or demander");
        }
    }

    @Transactional
    public Dispute open(OpenRequest request, Actor actor) {
        if (actor.participantUscc() == null || !exchangesFor(actor, actor.participantUscc())) {
            throw new DisputeRefused(Rule.DEMANDERS_OWN);
        }
        DeliveredRecord delivered = deliveries
                .delivered(request.deliveryId())
                .filter(d -> d.demanderUscc().equals(actor.participantUscc()))
                .orElseThrow(() -> new DisputeRefused(Rule.DELIVERY_RECEIVED));
        if (!delivered.received()) {
            throw new DisputeRefused(Rule.DELIVERY_NOT_YET_RECEIVED);
        }
        List<String> fields = List.copyOf(new LinkedHashSet<>(request.fields()));
        checkFields(delivered, request.fields());
        if (disputes.awaitingAnswer(delivered.deliveryKey())) {
            throw new DisputeRefused(Rule.ALREADY_DISPUTED);
        }
        StoredDispute stored = opened(delivered, fields, request.reason().strip(), actor);
        try {
            disputes.insert(stored);
        } catch (DuplicateKeyException raced) {
            throw new DisputeRefused(Rule.ALREADY_DISPUTED);
        }
        audit.opened(stored);
        return view(stored);
    }

    /** A dispute, to its parties' people and systems, platform administrators and auditors; to anyone else, none. */
    public Dispute get(UUID id, Actor actor) {
        return view(visible(id, actor));
    }

    /**
     * The caller's disputes (as supplier, demander or either), or all of them for platform
     * administrators and auditors — who watch the ESCALATED ones, which they coordinate.
     */
    public List<Dispute> list(Party role, DisputeStatus status, int limit, Actor actor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.invalid("limit", "range", "must be between 1 and " + MAX_PAGE);
        }
        return disputes.list(filter(role, status, limit, actor)).stream()
                .map(Disputes::view)
                .toList();
    }

    /**
     * The corrected record goes through intake as the supplier sent it, each envelope naming this
     * dispute; the dispute is CORRECTED with its batch.
     */
    @Transactional
    public Dispute correct(UUID id, CorrectRequest request, Actor actor) {
        StoredDispute d = answerable(id, actor);
        IntakeResult result = intake.ingestCorrection(
                d.resourceCode(),
                new IncomingRecord(d.sourceRecordId(), request.record()),
                CORRECTION_CHANNEL,
                exchange.signingMode(),
                actor,
                d.id());
        requireQueued(result);
        return close(d, DisputeStatus.CORRECTED, request.reason(), result.batchId(), actor);
    }

    @Transactional
    public Dispute reject(UUID id, RejectRequest request, Actor actor) {
        return close(answerable(id, actor), DisputeStatus.REJECTED, request.reason(), null, actor);
    }

    /** Open disputes whose last day to answer has passed go to the platform administrator; how many. */
    @Transactional
    public int escalateOverdue(String actor) {
        List<StoredDispute> escalated = disputes.escalateOverdue(LocalDate.now(clock), clock.instant());
        escalated.forEach(d -> audit.escalated(d, actor));
        return escalated.size();
    }

    private StoredDispute opened(DeliveredRecord delivered, List<String> fields, String reason, Actor actor) {
        Instant now = clock.instant();
        return new StoredDispute(
                UUID.randomUUID(),
                DisputeStatus.OPEN,
                delivered.resourceCode(),
                supplyList.get(delivered.resourceCode()).providerUscc(),
                delivered.demanderUscc(),
                delivered.agreementId(),
                delivered.deliveryKey(),
                delivered.sourceRecordId(),
                fields,
                reason,
                now,
                actor.name(),
                calendar.addWorkingDays(LocalDate.now(clock), properties.answerWorkingDays()),
                null,
                null,
                null,
                null,
                null);
    }

    private static void checkFields(DeliveredRecord delivered, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (!delivered.fields().contains(fields.get(i))) {
                throw new DisputeRefused(Rule.FIELD_NOT_DELIVERED, "fields[" + i + "]");
            }
        }
    }

    /**
     * The supplier's own administrators and systems answer. Not its approvers: they decide whether
     * data is shared, they do not send records; not the platform: the data is the supplier's to correct.
     */
    private StoredDispute answerable(UUID id, Actor actor) {
        StoredDispute d = visible(id, actor);
        if (!exchangesFor(actor, d.supplierUscc())) {
            throw new DisputeRefused(Rule.SUPPLIERS_OWN);
        }
        if (!d.status().awaitsAnswer()) {
            throw new DisputeRefused(Rule.ANSWERED);
        }
        return d;
    }

    private static void requireQueued(IntakeResult result) {
        RecordResult outcome = result.results().get(0);
        if (outcome.status() != RecordStatus.ACCEPTED) {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT, "the corrected record fails validation", outcome.reasons());
        }
        if (result.deliveries() == 0) {
            throw new DisputeRefused(Rule.CORRECTION_QUEUED_NOTHING);
        }
    }

    private Dispute close(StoredDispute d, DisputeStatus outcome, String reason, UUID batch, Actor actor) {
        StoredDispute closed = disputes.close(d.id(), outcome, clock.instant(), actor.name(), reason.strip(), batch)
                .orElseThrow(() -> new DisputeRefused(Rule.ANSWERED));
        audit.answered(closed);
        return view(closed);
    }

    private StoredDispute visible(UUID id, Actor actor) {
        return disputes.find(id)
                .filter(d -> seesAll(actor) || actor.belongsTo(d.supplierUscc()) || actor.belongsTo(d.demanderUscc()))
                .orElseThrow(() -> new DisputeRefused(Rule.DISPUTE_UNKNOWN));
    }

    private static DisputeRepository.Filter filter(Party role, DisputeStatus status, int limit, Actor actor) {
        String own = actor.participantUscc();
        if (own == null) {
            if (!seesAll(actor)) {
                throw new DisputeRefused(Rule.LIST_READER);
            }
            return new DisputeRepository.Filter(null, null, null, status, limit);
        }
        if (role == null) {
            return new DisputeRepository.Filter(null, null, own, status, limit);
        }
        return role == Party.SUPPLIER
                ? new DisputeRepository.Filter(own, null, null, status, limit)
                : new DisputeRepository.Filter(null, own, null, status, limit);
    }

    private static boolean seesAll(Actor actor) {
        return actor.isPlatformAdmin() || actor.has(Role.AUDITOR);
    }

    /** A participant's own administrators and systems, the same who move its data; never the platform for it. */
    private static boolean exchangesFor(Actor actor, String uscc) {
        return actor.belongsTo(uscc) && actor.mayExchangeFor(uscc);
    }

    private static Dispute view(StoredDispute d) {
        return new Dispute(
                d.id(),
                d.status(),
                d.resourceCode(),
                d.supplierUscc(),
                d.demanderUscc(),
                d.agreementId(),
                d.deliveryId(),
                d.sourceRecordId(),
                d.fields(),
                d.reason(),
                d.openedAt(),
                d.openedBy(),
                d.dueOn(),
                d.closedAt(),
                d.closedBy(),
                d.outcomeReason(),
                d.correctionBatchId(),
                d.escalatedAt());
    }
}
