package cn.tongban.exchange;

import cn.tongban.catalog.EndpointKind;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.schema.WireFormat;
import cn.tongban.security.Actor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * 投递: the steps of a delivery route. It claims its endpoint's due deliveries (a person's
 * records in order, leased while they are sent), shapes them for the transport, and marks them
 * delivered — or failed, backing off and finally dead-lettered — together with their ledger
 * entries. At least once: a crash before the mark sends again, with the same idempotency key.
 */
@Component("endpointDelivery")
public class EndpointDelivery {

    private static final Logger log = LoggerFactory.getLogger(EndpointDelivery.class);
    static final String ENDPOINT = "TongbanEndpoint";
    static final String CLAIM = "TongbanClaim";
    static final String MORE = "TongbanMore";
    private static final String LEASE = "TongbanLease";
    private static final String DRAIN_UNTIL = "TongbanDrainUntil";
    private static final String SENT_AT = "TongbanSentAt";
    private static final String PEER_CALL = "TongbanPeerCall";
    /**
     * A peer platform down for maintenance is not a partner's system gone wrong: its records wait
     * (at the longest backoff, about a day) rather than go to the dead letters after minutes.
     */
    static final int PEER_MAX_ATTEMPTS = 300;
    /** A route drains a backlog pass after pass for this long, then gives its timer thread back. */
    private static final long DRAIN_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final DeliveryRoutes routes;
    private final ExchangeStore store;
    private final EnvelopeAssembler assembler;
    private final SchemaRegistry registry;
    private final JsonMapper json;
    private final TransactionTemplate transaction;
    private final ExchangeProperties properties;
    private final ApplicationEventPublisher events;
    private final HubRequestSigning signing;
    private final Clock clock;
    private final org.springframework.beans.factory.ObjectProvider<PeerTransport> peers;

    EndpointDelivery(
            DeliveryRoutes routes,
            ExchangeStore store,
            EnvelopeAssembler assembler,
            SchemaRegistry registry,
            JsonMapper json,
            TransactionTemplate transaction,
            ExchangeProperties properties,
            ApplicationEventPublisher events,
            HubRequestSigning signing,
            Clock clock,
            org.springframework.beans.factory.ObjectProvider<PeerTransport> peers) {
        this.routes = routes;
        this.signing = signing;
        this.store = store;
        this.assembler = assembler;
        this.registry = registry;
        this.json = json;
        this.transaction = transaction;
        this.properties = properties;
        this.events = events;
        this.clock = clock;
        this.peers = peers;
    }

    /**
     * Claims the next due deliveries into the body (empty when there are none, or while the
     * endpoint's circuit is open) and says whether another pass should follow at once. A half-open
     * circuit tries one delivery before it lets the backlog through again.
     */
    public void claim(Exchange exchange) {
        // A pass starts clean: a failure before this pass sends must not be taken for the last pass's.
        exchange.removeProperties("Tongban(Claim|Lease|SentAt|PeerCall)");
        exchange.getIn().setBody(List.of());
        exchange.setProperty(MORE, false);
        DeliveryLane lane = lane(exchange);
        if (lane == null || !lane.breaker().tryAcquirePermission()) {
            return;
        }
        ExchangeStore.Claim claim;
        try {
            claim = claimFor(lane);
        } catch (RuntimeException e) {
            lane.breaker().releasePermission(); // the hub's own failure: a half-open trial is not spent on it
            throw e;
        }
        if (claim.rows().isEmpty()) {
            lane.breaker().releasePermission();
            return;
        }
        long drainUntil = exchange.getProperty(DRAIN_UNTIL, System.nanoTime() + DRAIN_BUDGET_NANOS, Long.class);
        exchange.setProperty(DRAIN_UNTIL, drainUntil);
        exchange.setProperty(MORE, claim.more() && System.nanoTime() < drainUntil);
        exchange.setProperty(CLAIM, claim.rows());
        exchange.setProperty(LEASE, claim.leaseId());
        exchange.setProperty(SENT_AT, System.nanoTime());
        exchange.getIn().setBody(claim.rows());
    }

    /**
     * A webhook pass is one HTTP request, all or nothing; a Kafka pass is one send per record, and
     * one that fails half-way must not let a person's later record overtake an earlier one. A
     * half-open circuit tries one delivery before it lets the backlog through again.
     */
    private ExchangeStore.Claim claimFor(DeliveryLane lane) {
        int limit = lane.circuit() == CircuitBreaker.State.HALF_OPEN ? 1 : properties.dispatchBatch();
        boolean onePerPerson = lane.endpoint().kind() == EndpointKind.KAFKA_TOPIC;
        Instant now = clock.instant();
        ExchangeStore.Claim claim = transaction.execute(status -> store.claimDue(
                lane.endpoint().id(),
                now,
                limit,
                now.plus(properties.deliveryLease()),
                onePerPerson,
                properties.instanceId()));
        return claim == null ? new ExchangeStore.Claim(List.of(), false, 0) : claim;
    }

    /**
     * A webhook call: every claimed envelope in one JSON body, with the record's idempotency key
     * when alone, signed by the hub so the demander's system can tell the hub's calls from others'.
     */
    public void webhookRequest(Exchange exchange) {
        List<DeliveryRow> rows = claimed(exchange);
        List<Object> envelopes = new ArrayList<>(rows.size());
        for (DeliveryRow row : rows) {
            envelopes.add(assembler.assemble(row));
        }
        byte[] body = json.writeValueAsBytes(Map.of("deliveries", envelopes));
        String address = lane(exchange).endpoint().address();
        Message in = exchange.getIn();
        in.removeHeaders("*"); // nothing of the last pass's answer goes out as a request header
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(Exchange.HTTP_URI, address);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader("Idempotency-Key", rows.size() == 1 ? rows.get(0).idempotencyKey() : "batch");
        signing.headers("POST", URI.create(address), body).forEach(in::setHeader);
        in.setBody(body);
    }

    /**
     * Kafka messages, one per delivery, keyed by the person's order key (so a person's records
     * share a partition and keep their order): the projected record in the Confluent wire format
     * (schema registered under {@code <topic>-value}), the signed envelope without the record in
     * the {@code tongban-envelope} header.
     */
    public void kafkaMessages(Exchange exchange) {
        String topic = lane(exchange).endpoint().address();
        List<Message> messages = new ArrayList<>();
        for (DeliveryRow row : claimed(exchange)) {
            Envelope envelope = assembler.assemble(row);
            int id = registry.register(topic + "-value", envelope.schema(), Actor.platform("exchange-kafka"));
            Message message = new DefaultMessage(exchange.getContext());
            message.setBody(WireFormat.frame(id, Base64.getDecoder().decode(envelope.recordAvro())));
            message.setHeader(KafkaConstants.KEY, row.orderKey());
            message.setHeader("tongban-envelope", json.writeValueAsBytes(envelope.withoutRecordJson()));
            message.setHeader("tongban-idempotency-key", row.idempotencyKey().getBytes(StandardCharsets.US_ASCII));
            messages.add(message);
        }
        exchange.getIn().setHeaders(new LinkedHashMap<>());
        exchange.getIn().setBody(messages);
    }

    /**
     * A peer platform's call (跨省): the pass's envelopes in one RECORDS message of the federation
     * protocol, signed by the hub; a person's records keep their lane on the other side too.
     */
    public void peerRequest(Exchange exchange) {
        List<DeliveryRow> rows = claimed(exchange);
        List<PeerTransport.PeerRecord> records = new ArrayList<>(rows.size());
        for (DeliveryRow row : rows) {
            records.add(new PeerTransport.PeerRecord(assembler.assemble(row), row.orderKey()));
        }
        PeerTransport.PeerCall call =
                peers.getObject().records(lane(exchange).endpoint().address(), records);
        exchange.setProperty(PEER_CALL, call);
        Message in = exchange.getIn();
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(Exchange.HTTP_URI, call.url());
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader(peers.getObject().signatureHeader(), call.signature());
        in.setBody(call.body());
    }

    /** The peer's answer must be its signed receipt for exactly this message; anything else fails the pass. */
    public void peerReceipt(Exchange exchange) {
        PeerTransport transport = peers.getObject();
        Message in = exchange.getIn();
        Integer status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        transport.receipt(
                exchange.getProperty(PEER_CALL, PeerTransport.PeerCall.class),
                status == null ? 0 : status,
                in.getBody(byte[].class),
                in.getHeader(transport.signatureHeader(), String.class));
    }

    /** Marks the claimed deliveries delivered, with their ledger entry, in one transaction. */
    public void delivered(Exchange exchange) {
        DeliveryLane lane = lane(exchange);
        List<DeliveryRow> rows = claimed(exchange);
        Instant now = clock.instant();
        transaction.executeWithoutResult(status -> {
            store.markDelivered(ids(rows), DeliveryStatus.DELIVERED, now);
            store.releaseLease(exchange.getProperty(LEASE, Long.class), now);
            events.publishEvent(new ExchangeEvents.DeliveriesCompleted(
                    lane.endpoint().kind().name(),
                    lane.endpoint().participantUscc(),
                    rows.size(),
                    rows.stream().map(ExchangeEvents::delivery).toList(),
                    now));
        });
        lane.succeeded(now, rows.size(), elapsed(exchange));
    }

    /**
     * The pass failed after Camel's redeliveries: each delivery backs off by its attempt count, or
     * goes to the dead letters at the last one; one update and one ledger entry per attempt count.
     */
    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        DeliveryLane lane = lane(exchange);
        List<DeliveryRow> rows = exchange.getProperty(CLAIM, List.class) == null ? List.of() : claimed(exchange);
        String reason = reason(cause);
        Instant now = clock.instant();
        if (rows.isEmpty()) {
            // Nothing was sent: the hub's own step failed (e.g. the claim), not the partner.
            log.warn(
                    "delivery route {} failed before sending: {}",
                    exchange.getFromRouteId(),
                    cause == null ? "?" : cause.getClass().getName());
            return;
        }
        lane.failed(now, rows.size(), reason, elapsed(exchange), cause);
        transaction.executeWithoutResult(status -> {
            markFailed(lane, rows, reason, now);
            store.releaseLease(exchange.getProperty(LEASE, Long.class), now);
        });
        log.warn("{} deliveries on route {} failed: {}", rows.size(), exchange.getFromRouteId(), reason);
    }

    private void markFailed(DeliveryLane lane, List<DeliveryRow> rows, String reason, Instant now) {
        Map<Integer, List<DeliveryRow>> byAttempts = new LinkedHashMap<>();
        for (DeliveryRow row : rows) {
            byAttempts
                    .computeIfAbsent(row.attempts() + 1, k -> new ArrayList<>())
                    .add(row);
        }
        int maxAttempts = lane.endpoint().kind() == EndpointKind.PEER_PLATFORM
                ? Math.max(properties.maxAttempts(), PEER_MAX_ATTEMPTS)
                : properties.maxAttempts();
        byAttempts.forEach((attempts, failed) -> {
            boolean dead = attempts >= maxAttempts;
            store.markFailed(
                    ids(failed),
                    dead ? DeliveryStatus.DEAD : DeliveryStatus.PENDING,
                    attempts,
                    now.plus(properties.backoff(attempts)),
                    reason);
            events.publishEvent(new ExchangeEvents.DeliveriesFailed(
                    lane.endpoint().participantUscc(),
                    attempts,
                    dead,
                    failed.stream().map(ExchangeEvents::delivery).toList(),
                    reason,
                    now));
        });
    }

    /** What went wrong, safe to store, log and show operators: a status code or an exception type, no payload. */
    static String reason(Throwable cause) {
        if (cause instanceof PeerTransport.Refused refused) {
            return "the peer platform did not take it (" + refused.getMessage() + ")";
        }
        if (cause instanceof HttpOperationFailedException http) {
            return "the endpoint answered HTTP " + http.getStatusCode();
        }
        if (cause == null) {
            return "unknown failure";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "the endpoint could not be reached (" + root.getClass().getSimpleName() + ")";
    }

    private DeliveryLane lane(Exchange exchange) {
        String endpoint = exchange.getProperty(ENDPOINT, String.class);
        return endpoint == null ? null : routes.lane(UUID.fromString(endpoint)).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<DeliveryRow> claimed(Exchange exchange) {
        return exchange.getProperty(CLAIM, List.class);
    }

    private static long elapsed(Exchange exchange) {
        Long sentAt = exchange.getProperty(SENT_AT, Long.class);
        return sentAt == null ? 0 : System.nanoTime() - sentAt;
    }

    private static List<Long> ids(List<DeliveryRow> rows) {
        return rows.stream().map(DeliveryRow::id).toList();
    }
}
