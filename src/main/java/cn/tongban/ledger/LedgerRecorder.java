package cn.tongban.ledger;

import cn.tongban.exchange.ExchangeEvents;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.SecurityEvents;
import cn.tongban.signing.HubKeyEvents;
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

    /**
     * A batch's records as received: those that passed are one RECORD_RECEIVED event naming each
     * record as a leaf (source record, person, SM3 of its bytes; ADR 0021, as ADR 0012 does for deliveries), or
     * the record in the event's own columns when it came alone; each quarantined record is its own
     * RECORD_QUARANTINED event, with the rules it broke.
     */
    @EventListener
    void on(ExchangeEvents.RecordsReceived e) {
        List<LedgerEntry> entries = new ArrayList<>();
        List<ExchangeEvents.Received> passed = new ArrayList<>(e.records().size());
        for (ExchangeEvents.Received r : e.records()) {
            if (r.accepted()) {
                passed.add(r);
            } else {
                entries.add(received(e, "RECORD_QUARANTINED", "INVALID", r, null, List.of(), r.reasons()));
            }
        }
        if (passed.size() == 1) {
            entries.add(received(e, "RECORD_RECEIVED", "VALID", passed.get(0), null, List.of(), List.of()));
        } else if (!passed.isEmpty()) {
            List<LedgerLeaf> leaves = new ArrayList<>(passed.size());
            for (ExchangeEvents.Received r : passed) {
                leaves.add(new LedgerLeaf(null, r.sourceRecordId(), r.personRef(), r.digest()));
            }
            entries.add(received(e, "RECORD_RECEIVED", "VALID", null, LedgerLeaf.root(leaves), leaves, List.of()));
        }
        record(entries);
    }

    /** A received event: of one record ({@code r}), or of the leaves with their root as its digest. */
    private LedgerEntry received(
            ExchangeEvents.RecordsReceived e,
            String type,
            String outcome,
            ExchangeEvents.Received r,
            String root,
            List<LedgerLeaf> leaves,
            List<String> reasons) {
        String details = leaves.isEmpty()
                ? details("batch", e.batchId().toString(), "channel", e.channel(), "reasons", reasons)
                : details(
                        "batch",
                        e.batchId().toString(),
                        "channel",
                        e.channel(),
                        "reasons",
                        reasons,
                        "leaves",
                        leaves.size());
        return new LedgerEntry(
                e.at(),
                type,
                e.actor(),
                e.supplierUscc(),
                e.resourceCode(),
                null,
                null,
                null,
                outcome,
                r == null ? null : r.sourceRecordId(),
                null,
                r == null ? null : r.personRef(),
                r == null ? root : r.digest(),
                details,
                leaves);
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesQueued e) {
        // One event for the three steps: projected to the granted fields, masked as listed, signed.
        recordGroups(e.deliveries(), d -> d.fields() + "|" + d.status(), group -> {
            ExchangeEvents.Delivery d = group.get(0);
            return covering(
                    e.at(),
                    "DELIVERY_SIGNED",
                    "system:intake",
                    group,
                    "DEAD".equals(d.status()) ? "DEAD_LETTERED" : "QUEUED",
                    ExchangeEvents.Delivery::envelopeDigest,
                    "batch",
                    e.batchId().toString(),
                    "endpoint",
                    d.endpointKind(),
                    "fields",
                    d.fields(),
                    "signing",
                    e.signingMode());
        });
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesCompleted e) {
        String outcome = "MAILBOX".equals(e.endpointKind()) ? "IN_MAILBOX" : "DELIVERED";
        recordGroups(
                e.deliveries(),
                d -> "",
                group -> covering(
                        e.at(),
                        "DELIVERED",
                        "system:dispatcher",
                        group,
                        outcome,
                        d -> null,
                        "endpoint",
                        e.endpointKind()));
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesFailed e) {
        String outcome = e.deadLettered() ? "DEAD_LETTERED" : "RETRYING";
        recordGroups(
                e.deliveries(),
                d -> "",
                group -> covering(
                        e.at(),
                        "DELIVERY_FAILED",
                        "system:dispatcher",
                        group,
                        outcome,
                        d -> null,
                        "attempts",
                        e.attempts(),
                        "error",
                        e.error()));
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesAcknowledged e) {
        recordGroups(
                e.deliveries(),
                d -> "",
                group -> covering(e.at(), "DELIVERY_ACKNOWLEDGED", e.actor(), group, "ACKNOWLEDGED", d -> null));
    }

    /** Records one entry per group of deliveries that one event covers ({@link #grouped}). */
    private void recordGroups(
            List<ExchangeEvents.Delivery> deliveries,
            java.util.function.Function<ExchangeEvents.Delivery, String> alike,
            java.util.function.Function<List<ExchangeEvents.Delivery>, LedgerEntry> entryOf) {
        record(grouped(deliveries, alike).stream().map(entryOf).toList());
    }

    /**
     * Deliveries that one event covers: of one intake batch, under one agreement, to one kind of
     * endpoint, and alike in what {@code alike} says (the event's outcome and details), in order.
     */
    private static java.util.Collection<List<ExchangeEvents.Delivery>> grouped(
            List<ExchangeEvents.Delivery> deliveries,
            java.util.function.Function<ExchangeEvents.Delivery, String> alike) {
        Map<List<Object>, List<ExchangeEvents.Delivery>> groups = new LinkedHashMap<>();
        for (ExchangeEvents.Delivery d : deliveries) {
            groups.computeIfAbsent(
                            java.util.Arrays.asList(
                                    d.batchId(), d.agreementId(), d.demanderUscc(), d.endpointKind(), alike.apply(d)),
                            k -> new ArrayList<>())
                    .add(d);
        }
        return groups.values();
    }

    /**
     * The entry for a group of deliveries (ADR 0012): a lone delivery is named in the entry's own
     * columns; several are named as leaves — delivery key, source record, person, digest — and the
     * entry carries their Merkle root as its payload digest, the batch and the number of leaves.
     */
    private LedgerEntry covering(
            java.time.Instant at,
            String type,
            String actor,
            List<ExchangeEvents.Delivery> group,
            String outcome,
            java.util.function.Function<ExchangeEvents.Delivery, String> digest,
            Object... details) {
        ExchangeEvents.Delivery d = group.get(0);
        if (group.size() == 1) {
            return entry(at, type, actor, d, outcome, digest.apply(d), details(details), List.of());
        }
        List<LedgerLeaf> leaves = new ArrayList<>(group.size());
        for (ExchangeEvents.Delivery each : group) {
            leaves.add(new LedgerLeaf(each.deliveryKey(), each.sourceRecordId(), each.personRef(), digest.apply(each)));
        }
        Object[] withLeaves = java.util.Arrays.copyOf(details, details.length + 4);
        withLeaves[details.length] = "batch";
        withLeaves[details.length + 1] = d.batchId().toString();
        withLeaves[details.length + 2] = "leaves";
        withLeaves[details.length + 3] = leaves.size();
        return entry(at, type, actor, d, outcome, LedgerLeaf.root(leaves), details(withLeaves), leaves);
    }

    @EventListener
    void on(ExchangeEvents.DeliveryReplayed e) {
        record(List.of(entry(e.at(), "DELIVERY_REPLAYED", e.actor(), e.delivery(), "REQUEUED", null, null, List.of())));
    }

    @EventListener
    void on(ExchangeEvents.DeliveriesReplayed e) {
        recordGroups(
                e.deliveries(),
                d -> "",
                group -> covering(
                        e.at(), "DELIVERY_REPLAYED", e.actor(), group, "REQUEUED", d -> null, "reason", e.reason()));
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
    void on(HubKeyEvents.HubKeyRotated e) {
        record(List.of(hubKeyEntry(
                e.at(),
                "HUB_KEY_ROTATED",
                e.actor(),
                "ROTATED",
                details("previousKeyId", e.previousKeyId(), "keyId", e.keyId(), "reason", e.reason()))));
    }

    @EventListener
    void on(HubKeyEvents.DataKeyRotated e) {
        record(List.of(hubKeyEntry(
                e.at(),
                "DATA_KEY_ROTATED",
                e.actor(),
                "ROTATED",
                details("previousKeyId", e.previousKeyId(), "keyId", e.keyId(), "reason", e.reason()))));
    }

    @EventListener
    void on(HubKeyEvents.HubCertificateExpiring e) {
        record(List.of(hubKeyEntry(
                e.at(),
                "HUB_CERTIFICATE_EXPIRING",
                "system:signing",
                "WARNED",
                details("keyId", e.keyId(), "notAfter", e.notAfter().toString(), "daysLeft", e.daysLeft()))));
    }

    private static LedgerEntry hubKeyEntry(
            java.time.Instant at, String type, String actor, String outcome, String details) {
        return new LedgerEntry(at, type, actor, null, null, null, null, null, outcome, null, null, null, null, details);
    }

    @EventListener
    void on(AuditFact e) {
        record(List.of(e.entry()));
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
                details("entity", e.entityId(), "reason", e.reason()))));
    }

    @EventListener
    void on(SecurityEvents.LoginFailed e) {
        // Outside a transaction (a refused login) record() appends at once and waits for it.
        record(List.of(login(
                e.at(),
                "LOGIN_FAILED",
                "anonymous",
                e.participantUscc(),
                e.refusal().name(),
                details("account", e.account(), "inARow", e.account() == null ? null : e.inARow()))));
    }

    @EventListener
    void on(SecurityEvents.AccountLocked e) {
        record(List.of(login(
                e.at(),
                "ACCOUNT_LOCKED",
                "system:lockout",
                e.participantUscc(),
                "LOCKED",
                details(
                        "account",
                        e.account(),
                        "failures",
                        e.failures(),
                        "until",
                        e.until().toString()))));
    }

    @EventListener
    void on(SecurityEvents.AccountUnlocked e) {
        record(List.of(login(
                e.at(), "ACCOUNT_UNLOCKED", e.by(), e.participantUscc(), "UNLOCKED", details("account", e.account()))));
    }

    private static LedgerEntry login(
            java.time.Instant at, String type, String actor, String participantUscc, String outcome, String details) {
        return new LedgerEntry(
                at, type, actor, participantUscc, null, null, null, null, outcome, null, null, null, null, details);
    }

    /** An entry about delivery {@code d} alone, or, with leaves, about the group {@code d} opens. */
    private static LedgerEntry entry(
            java.time.Instant at,
            String type,
            String actor,
            ExchangeEvents.Delivery d,
            String outcome,
            String digest,
            String details,
            List<LedgerLeaf> leaves) {
        boolean alone = leaves.isEmpty();
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
                alone ? d.sourceRecordId() : null,
                alone ? d.deliveryKey() : null,
                alone ? d.personRef() : null,
                digest,
                details,
                leaves);
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
