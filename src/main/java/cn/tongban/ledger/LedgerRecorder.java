package cn.tongban.ledger;

import cn.tongban.exchange.ExchangeEvents;
import cn.tongban.history.ChangeLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns what the exchange and the catalog report into ledger entries. Entries raised inside a
 * transaction are appended just before it commits, all at once: the chain head is locked only
 * for the append and the commit, never while a webhook or a supplier is being called, and an
 * effect and its ledger entries commit or roll back together.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LedgerProperties.class)
class LedgerRecorder {

    private final Ledger ledger;
    private final GroupAppender group;
    private final JsonMapper json;

    LedgerRecorder(Ledger ledger, GroupAppender group, JsonMapper json) {
        this.ledger = ledger;
        this.group = group;
        this.json = json;
    }

    @EventListener
    void on(ExchangeEvents.RecordsReceived e) {
        List<LedgerEntry> entries = new ArrayList<>(e.records().size());
        for (ExchangeEvents.Received r : e.records()) {
            entries.add(new LedgerEntry(
                    e.at(),
                    r.accepted() ? "RECORD_RECEIVED" : "RECORD_QUARANTINED",
                    e.actor(),
                    e.supplierUscc(),
                    e.resourceCode(),
                    null,
                    null,
                    null,
                    r.accepted() ? "VALID" : "INVALID",
                    r.sourceRecordId(),
                    null,
                    r.personRef(),
                    r.digest(),
                    details("batch", e.batchId().toString(), "channel", e.channel(), "reasons", r.reasons())));
        }
        record(entries);
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesQueued e) {
        List<LedgerEntry> entries = new ArrayList<>(e.deliveries().size());
        for (ExchangeEvents.Delivery d : e.deliveries()) {
            // One event for the three steps: projected to the granted fields, masked as listed, signed.
            entries.add(entry(
                    e.at(),
                    "DELIVERY_SIGNED",
                    "system:intake",
                    d,
                    "DEAD".equals(d.status()) ? "DEAD_LETTERED" : "QUEUED",
                    d.envelopeDigest(),
                    details(
                            "batch", e.batchId().toString(),
                            "endpoint", d.endpointKind(),
                            "fields", d.fields(),
                            "signing", e.signingMode())));
        }
        record(entries);
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesCompleted e) {
        List<LedgerEntry> entries = new ArrayList<>(e.deliveries().size());
        for (ExchangeEvents.Delivery d : e.deliveries()) {
            entries.add(entry(
                    e.at(),
                    "DELIVERED",
                    "system:dispatcher",
                    d,
                    "MAILBOX".equals(e.endpointKind()) ? "IN_MAILBOX" : "DELIVERED",
                    null,
                    details("endpoint", e.endpointKind())));
        }
        record(entries);
    }

    @EventListener
    void on(ExchangeEvents.DeliveryFailed e) {
        record(List.of(entry(
                e.at(),
                "DELIVERY_FAILED",
                "system:dispatcher",
                e.delivery(),
                e.deadLettered() ? "DEAD_LETTERED" : "RETRYING",
                null,
                details("attempts", e.attempts(), "error", e.error()))));
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesAcknowledged e) {
        record(e.deliveries().stream()
                .map(d -> entry(e.at(), "DELIVERY_ACKNOWLEDGED", e.actor(), d, "ACKNOWLEDGED", null, null))
                .toList());
    }

    @EventListener
    void on(ExchangeEvents.DeliveryReplayed e) {
        record(List.of(entry(e.at(), "DELIVERY_REPLAYED", e.actor(), e.delivery(), "REQUEUED", null, null)));
    }

    @EventListener
    void on(ExchangeEvents.QueryAnswered e) {
        record(List.of(new LedgerEntry(
                e.at(),
                "QUERY",
                e.actor(),
                e.demanderUscc(),
                e.resourceCode(),
                e.agreementId(),
                e.purpose(),
                e.serviceItemCode(),
                e.outcome(),
                null,
                null,
                e.personRef(),
                e.answerDigest(),
                null)));
    }

    @EventListener
    void on(ChangeLog.ChangeRecorded e) {
        record(List.of(new LedgerEntry(
                e.at(),
                "CHANGE:" + e.entityType(),
                e.actor(),
                null,
                e.entityType().equals("resource") ? e.entityId() : null,
                null,
                null,
                null,
                e.action(),
                null,
                null,
                null,
                e.afterDigest(),
                details("entity", e.entityId()))));
    }

    private static LedgerEntry entry(
            java.time.Instant at,
            String type,
            String actor,
            ExchangeEvents.Delivery d,
            String outcome,
            String digest,
            String details) {
        return new LedgerEntry(
                at,
                type,
                actor,
                d.demanderUscc(),
                d.resourceCode(),
                d.agreementId(),
                d.purpose(),
                d.serviceItemCode(),
                outcome,
                d.sourceRecordId(),
                d.deliveryKey(),
                d.personRef(),
                digest,
                details);
    }

    /** Non-personal facts as compact JSON, keys in the order given (the text is what is hashed). */
    private String details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null && !(pairs[i + 1] instanceof List<?> l && l.isEmpty())) {
                map.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return map.isEmpty() ? null : json.writeValueAsString(map);
    }

    private void record(List<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            group.appendAndWait(entries);
            return;
        }
        @SuppressWarnings("unchecked")
        List<LedgerEntry> pending = (List<LedgerEntry>) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            List<LedgerEntry> buffer = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(this, buffer);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    ledger.append(buffer);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(LedgerRecorder.this);
                }
            });
            pending = buffer;
        }
        pending.addAll(entries);
    }
}
