package cn.tongban.exchange;

import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 投递管理: what participants and operators may see and do with deliveries — a demander's mailbox
 * and acknowledgements, dead letters and their replay, a supplier's quarantine and its corrected
 * replay, one source record's deliveries. Each call checks who is asking.
 */
@Service
public class Deliveries {

    public static final int MAX_PAGE = 1000;

    private final ExchangeStore store;
    private final IntakeService intake;
    private final ExchangeProperties properties;
    private final EnvelopeAssembler assembler;
    private final JsonMapper json;
    private final Clock clock;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final ParticipantRegistry participants;

    Deliveries(
            ExchangeStore store,
            IntakeService intake,
            ExchangeProperties properties,
            EnvelopeAssembler assembler,
            JsonMapper json,
            Clock clock,
            org.springframework.context.ApplicationEventPublisher events,
            ParticipantRegistry participants) {
        this.events = events;
        this.participants = participants;
        this.store = store;
        this.intake = intake;
        this.properties = properties;
        this.assembler = assembler;
        this.json = json;
        this.clock = clock;
    }

    /** A delivery as listed: metadata only, never the payload. */
    public record DeliveryView(
            long id,
            String idempotencyKey,
            String resourceCode,
            String demanderUscc,
            String endpointKind,
            String sourceRecordId,
            String status,
            int attempts,
            Instant nextAttemptAt,
            String lastError,
            Instant createdAt,
            Instant deliveredAt) {}

    /** A mailbox item: the delivery id to acknowledge and the signed envelope. */
    public record MailboxItem(long id, JsonNode envelope) {}

    /** A held record as its supplier sees it: reasons, never other suppliers' data. */
    public record QuarantineView(
            UUID id,
            UUID batchId,
            String resourceCode,
            String sourceRecordId,
            JsonNode reasons,
            String status,
            Instant receivedAt) {}

    /**
     * One delivery as the record a demander received: whose, of which source record, and the fields
     * it carried (its projection's). For modules that act on what a demander received (disputes);
     * they check who asks.
     */
    public record DeliveredRecord(
            String deliveryKey,
            UUID batchId,
            UUID agreementId,
            String resourceCode,
            String demanderUscc,
            String sourceRecordId,
            DeliveryStatus status,
            List<String> fields) {

        /** Whether the demander has it: sent to its endpoint, or waiting in (or taken from) its mailbox. */
        public boolean received() {
            return status == DeliveryStatus.DELIVERED
                    || status == DeliveryStatus.AVAILABLE
                    || status == DeliveryStatus.ACKED;
        }
    }

    public Optional<DeliveredRecord> delivered(String deliveryKey) {
        return store.deliveryByKey(deliveryKey)
                .map(row -> new DeliveredRecord(
                        row.idempotencyKey(),
                        row.batchId(),
                        row.agreementId(),
                        row.resourceCode(),
                        row.demanderUscc(),
                        row.sourceRecordId(),
                        row.status(),
                        projectedFields(row.schemaFingerprint())));
    }

    private List<String> projectedFields(String fingerprint) {
        return store.schema(fingerprint)
                .map(text -> new org.apache.avro.Schema.Parser()
                        .parse(text).getFields().stream()
                                .map(org.apache.avro.Schema.Field::name)
                                .toList())
                .orElse(List.of());
    }

    public List<MailboxItem> mailbox(Actor actor, long after, int limit) {
        checkLimit(limit);
        return store.deliveriesOf(participant(actor), DeliveryStatus.AVAILABLE, after, limit).stream()
                .map(row -> new MailboxItem(row.id(), json.valueToTree(assembler.assemble(row))))
                .toList();
    }

    @Transactional
    public int acknowledge(Actor actor, List<Long> ids) {
        java.time.Instant now = clock.instant();
        List<DeliveryRow> acked = store.acknowledge(participant(actor), ids, now);
        if (!acked.isEmpty()) {
            events.publishEvent(new ExchangeEvents.DeliveriesAcknowledged(
                    participant(actor),
                    actor.name(),
                    acked.stream().map(ExchangeEvents::delivery).toList(),
                    now));
        }
        return acked.size();
    }

    /** Dead letters: a demander sees its own, operators all. */
    public List<DeliveryView> deadLetters(Actor actor, int limit) {
        checkLimit(limit);
        String demander = operates(actor) ? null : participant(actor);
        return store.deliveriesOf(demander, DeliveryStatus.DEAD, 0, limit).stream()
                .map(Deliveries::view)
                .toList();
    }

    @Transactional
    public DeliveryView replay(Actor actor, long id) {
        DeliveryRow row = store.delivery(id).orElseThrow(() -> ApiException.notFound("delivery"));
        if (!operates(actor) && !actor.mayExchangeFor(row.demanderUscc())) {
            throw ApiException.notFound("delivery");
        }
        if (!row.endpointKind().equals(EndpointKind.MAILBOX.name())
                && (row.endpointId() == null
                        || participants.endpoint(row.endpointId()).isEmpty())) {
            throw ApiException.conflict("id", "endpoint-registered", "the delivery's endpoint is no longer registered");
        }
        if (store.replay(id, clock.instant()) == 0) {
            throw ApiException.conflict("id", "dead-letter", "the delivery is not in the dead letters");
        }
        events.publishEvent(
                new ExchangeEvents.DeliveryReplayed(actor.name(), ExchangeEvents.delivery(row), clock.instant()));
        return view(store.delivery(id).orElseThrow());
    }

    /** Puts every dead letter of one demand endpoint back in its outbox (operators only); returns how many. */
    @Transactional
    public int replayEndpoint(Actor actor, UUID endpointId, String reason) {
        if (!operates(actor)) {
            throw ApiException.forbidden("replaying an endpoint's dead letters is for operators");
        }
        Instant now = clock.instant();
        List<DeliveryRow> replayed = store.replayEndpoint(endpointId, now);
        if (!replayed.isEmpty()) {
            events.publishEvent(new ExchangeEvents.DeliveriesReplayed(
                    actor.name(),
                    reason,
                    replayed.stream().map(ExchangeEvents::delivery).toList(),
                    now));
        }
        return replayed.size();
    }

    /** Where one source record went: every delivery made of it (operators and auditors). */
    public List<DeliveryView> lineage(Actor actor, String resourceCode, String sourceRecordId) {
        if (!operates(actor) && !actor.has(Role.AUDITOR)) {
            throw ApiException.forbidden("delivery lineage is for operators and auditors");
        }
        return store.bySource(resourceCode, sourceRecordId).stream()
                .map(Deliveries::view)
                .toList();
    }

    public Map<String, Long> counts() {
        return store.deliveryCounts();
    }

    /** 隔离区: a supplier sees its own held records, operators all. */
    public List<QuarantineView> quarantine(Actor actor, String resourceCode, String status, int limit) {
        checkLimit(limit);
        String supplier = operates(actor) ? null : participant(actor);
        return store.quarantine(supplier, resourceCode, status, limit).stream()
                .map(this::view)
                .toList();
    }

    /** One quarantined record as {@link #quarantine} shows it, to its supplier or an operator only. */
    public QuarantineView quarantined(Actor actor, UUID id) {
        var held = store.quarantined(id).orElseThrow(() -> ApiException.notFound("quarantined record"));
        if (!operates(actor) && !actor.mayExchangeFor(held.supplierUscc())) {
            throw ApiException.notFound("quarantined record");
        }
        return view(held);
    }

    private QuarantineView view(ExchangeStore.QuarantineRow held) {
        return new QuarantineView(
                held.id(),
                held.batchId(),
                held.resourceCode(),
                held.sourceRecordId(),
                json.readTree(held.reasonsJson()),
                held.status(),
                held.receivedAt());
    }

    /** 批次结果: what became of a batch once taken in — its counts and the records it left in quarantine. */
    public record BatchView(
            UUID batchId,
            String resourceCode,
            String channel,
            String signingMode,
            Instant receivedAt,
            int records,
            int accepted,
            int quarantined,
            int deliveries,
            List<QuarantineView> quarantine) {}

    /**
     * A batch, to its supplier or an operator; 404 for anyone else, and while a batch pushed through
     * the intake topic is still waiting to be taken in.
     */
    public BatchView batch(Actor actor, UUID id) {
        if (!operates(actor)) {
            participant(actor); // an approver or auditor does not read batches
        }
        var batch = store.batch(id).orElseThrow(() -> ApiException.notFound("batch taken in"));
        if (!operates(actor) && !actor.mayExchangeFor(batch.supplierUscc())) {
            throw ApiException.notFound("batch taken in");
        }
        return new BatchView(
                batch.id(),
                batch.resourceCode(),
                batch.channel(),
                batch.signingMode(),
                batch.receivedAt(),
                batch.recordCount(),
                batch.accepted(),
                batch.quarantined(),
                batch.deliveries(),
                store.quarantineOfBatch(id).stream().map(this::view).toList());
    }

    /** Re-runs a quarantined record, corrected, through intake; it stays held while it still fails. */
    @Transactional
    public IntakeService.RecordResult replayQuarantined(Actor actor, UUID id, JsonNode corrected) {
        var held = store.quarantined(id).orElseThrow(() -> ApiException.notFound("quarantined record"));
        if (!actor.mayExchangeFor(held.supplierUscc())) {
            throw ApiException.notFound("quarantined record");
        }
        if (!held.status().equals("HELD")) {
            throw ApiException.conflict("id", "held", "the record is no longer held");
        }
        IntakeService.IntakeResult result = intake.ingest(
                held.resourceCode(),
                List.of(new IntakeService.IncomingRecord(held.sourceRecordId(), corrected)),
                "QUARANTINE_REPLAY",
                properties.signingMode(),
                actor);
        IntakeService.RecordResult outcome = result.results().get(0);
        if (outcome.status() != IntakeService.RecordStatus.ACCEPTED) {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT, "the corrected record still fails validation", outcome.reasons());
        }
        store.resolveQuarantine(id, "REPLAYED", clock.instant(), actor.name());
        return outcome;
    }

    private static DeliveryView view(DeliveryRow row) {
        return new DeliveryView(
                row.id(),
                row.idempotencyKey(),
                row.resourceCode(),
                row.demanderUscc(),
                row.endpointKind(),
                row.sourceRecordId(),
                row.status().name(),
                row.attempts(),
                row.nextAttemptAt(),
                row.lastError(),
                row.createdAt(),
                row.deliveredAt());
    }

    private static boolean operates(Actor actor) {
        return actor.isPlatformAdmin() || actor.has(Role.OPERATOR);
    }

    private static String participant(Actor actor) {
        // An approver decides on sharing; it does not read or move the participant's records.
        if (actor.participantUscc() == null || !actor.mayExchangeFor(actor.participantUscc())) {
            throw ApiException.forbidden("this call is for a participant's systems and administrators");
        }
        return actor.participantUscc();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.invalid("limit", "range", "must be between 1 and " + MAX_PAGE);
        }
    }
}
