package cn.tongban.exchange;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the exchange tells the rest of the hub (the audit ledger listens). */
public final class ExchangeEvents {

    private ExchangeEvents() {}

    /** A stored delivery as the ledger names it. */
    static Delivery delivery(cn.tongban.exchange.internal.ExchangeStore.DeliveryRow row) {
        return delivery(row, null, null);
    }

    /** A delivery just queued: with the fields and masking it carries and the digest of what was signed. */
    static Delivery delivery(
            cn.tongban.exchange.internal.ExchangeStore.DeliveryRow row, String fields, String envelopeDigest) {
        return new Delivery(
                row.idempotencyKey(),
                row.batchId(),
                row.agreementId(),
                row.resourceCode(),
                row.demanderUscc(),
                row.serviceItemCode(),
                row.purpose(),
                row.sourceRecordId(),
                row.personRef(),
                row.endpointKind(),
                fields,
                envelopeDigest,
                row.status().name());
    }

    /** A supplier's batch was received and its records queued or quarantined. */
    public record BatchReceived(
            UUID batchId,
            String resourceCode,
            String supplierUscc,
            String channel,
            String actor,
            int records,
            int accepted,
            int quarantined,
            int deliveries,
            Instant at) {}

    /**
     * Each record of a batch as received: its source id, its person's reference (HMAC-SM3 of the
     * ID number, never the number), the SM3 digest of what was received, and the outcome with the
     * field:rule reasons of a quarantine.
     */
    public record RecordsReceived(
            UUID batchId,
            String resourceCode,
            String supplierUscc,
            String channel,
            String actor,
            List<Received> records,
            Instant at) {}

    public record Received(
            String sourceRecordId, String personRef, String digest, boolean accepted, List<String> reasons) {}

    /**
     * Deliveries put in the outbox: each one projected to the agreement's fields, masked as it says
     * ({@code fields} lists field:masking), and signed ({@code envelopeDigest}: the envelope's leaf
     * hash, SM3(0x00 ‖ signed canonical bytes) — for a batch-signed envelope the very leaf its
     * inclusion proof starts from, so the ledger ties to the batch seal; computed once for both).
     * {@code status} is PENDING, or DEAD when it cannot be delivered as pinned.
     */
    public record DeliveriesQueued(UUID batchId, String signingMode, List<Delivery> deliveries, Instant at) {}

    /** One delivery as the ledger names it, with the intake batch it was made in. */
    public record Delivery(
            String deliveryKey,
            UUID batchId,
            UUID agreementId,
            String resourceCode,
            String demanderUscc,
            String serviceItemCode,
            String purpose,
            String sourceRecordId,
            String personRef,
            String endpointKind,
            String fields,
            String envelopeDigest,
            String status) {}

    /** Deliveries reached their endpoint (or the mailbox). */
    public record DeliveriesCompleted(
            String endpointKind, String demanderUscc, int count, List<Delivery> deliveries, Instant at) {}

    /**
     * Deliveries to one endpoint failed together, for one reason (no payload in it), each at its
     * {@code attempts}-th attempt; {@code deadLettered} when they will not be retried again.
     */
    public record DeliveriesFailed(
            String demanderUscc,
            int attempts,
            boolean deadLettered,
            List<Delivery> deliveries,
            String error,
            Instant at) {}

    /** A demander acknowledged mailbox deliveries. */
    public record DeliveriesAcknowledged(String demanderUscc, String actor, List<Delivery> deliveries, Instant at) {}

    /** An operator put all of one endpoint's dead letters back in the outbox, for a stated reason. */
    public record DeliveriesReplayed(String actor, String reason, List<Delivery> deliveries, Instant at) {}

    /** An operator or demander put a dead letter back in the outbox. */
    public record DeliveryReplayed(String actor, Delivery delivery, Instant at) {}

    /** A synchronous query was answered (or refused by the supplier's answer); never the key. */
    public record QueryAnswered(
            String resourceCode,
            String demanderUscc,
            java.util.UUID agreementId,
            String serviceItemCode,
            String purpose,
            String personRef,
            String answerDigest,
            String actor,
            String outcome,
            Instant at) {}
}
