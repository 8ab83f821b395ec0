package cn.tongban.exchange;

import java.time.Instant;
import java.util.UUID;

/** What the exchange tells the rest of the hub (the audit ledger listens). */
public final class ExchangeEvents {

    private ExchangeEvents() {}

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

    /** Deliveries reached their endpoint (or the mailbox). */
    public record DeliveriesCompleted(String endpointKind, String demanderUscc, int count, Instant at) {}

    /** A delivery failed; {@code deadLettered} when it will not be retried again. */
    public record DeliveryFailed(
            long deliveryId, String demanderUscc, int attempts, boolean deadLettered, Instant at) {}

    /** A synchronous query was answered (or refused by the supplier's answer); never the key. */
    public record QueryAnswered(
            String resourceCode,
            String demanderUscc,
            java.util.UUID agreementId,
            String actor,
            String outcome,
            Instant at) {}
}
