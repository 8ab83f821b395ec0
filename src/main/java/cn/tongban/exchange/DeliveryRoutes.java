package cn.tongban.exchange;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.history.ChangeLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 投递线路: keeps one Camel delivery route per registered webhook and Kafka demand endpoint,
 * made from the templates in {@code routes/delivery.camel.yaml} with the id {@code
 * deliver-<endpoint id>}. It follows the catalog's change events (and a slow check for changes
 * made through another hub instance); an endpoint that leaves the catalog takes its route with
 * it, and what it still had pending becomes dead letters with that reason.
 */
@Component("deliveryRoutes")
public class DeliveryRoutes {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRoutes.class);
    public static final String PREFIX = "deliver-";

    private final CamelContext camel;
    private final ParticipantRegistry participants;
    private final ExchangeProperties properties;
    private final RouteControls controls;
    private final ExchangeStore store;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<UUID, DeliveryLane> lanes = new ConcurrentHashMap<>();
    private boolean ownLeasesReleased;

    DeliveryRoutes(
            CamelContext camel,
            ParticipantRegistry participants,
            ExchangeProperties properties,
            RouteControls controls,
            ExchangeStore store,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            Clock clock) {
        this.camel = camel;
        this.participants = participants;
        this.properties = properties;
        this.controls = controls;
        this.store = store;
        this.transaction = transaction;
        this.events = events;
        this.clock = clock;
    }

    public Collection<DeliveryLane> lanes() {
        return List.copyOf(lanes.values());
    }

    public Optional<DeliveryLane> lane(UUID endpointId) {
        return Optional.ofNullable(lanes.get(endpointId));
    }

    public Optional<DeliveryLane> lane(String routeId) {
        return lanes.values().stream().filter(l -> l.routeId().equals(routeId)).findFirst();
    }

    public DeliveryLane.Health health(DeliveryLane lane) {
        if (controls.suspended(lane.routeId())) {
            return DeliveryLane.Health.SUSPENDED;
        }
        return lane.healthy() ? DeliveryLane.Health.UP : DeliveryLane.Health.DOWN;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void catalogChanged(ChangeLog.ChangeRecorded change) throws Exception {
        if (change.entityType().equals("endpoint")) {
            sync();
        }
    }

    /** Starts the routes of new demand endpoints and removes those of endpoints that are gone. */
    public synchronized void sync() throws Exception {
        if (!ownLeasesReleased) {
            int released = store.releaseLeasesOf(properties.instanceId());
            ownLeasesReleased = true;
            if (released > 0) {
                log.info(
                        "{} delivery leases of this instance from before its start ended: those deliveries go out again",
                        released);
            }
        }
        Map<UUID, Endpoint> wanted = new ConcurrentHashMap<>();
        for (EndpointKind kind : List.of(EndpointKind.WEBHOOK, EndpointKind.KAFKA_TOPIC, EndpointKind.PEER_PLATFORM)) {
            participants.endpoints(EndpointKind.Direction.DEMAND, kind).forEach(e -> wanted.put(e.id(), e));
        }
        for (DeliveryLane lane : new ArrayList<>(lanes.values())) {
            if (!wanted.containsKey(lane.endpoint().id())) {
                remove(lane);
            }
        }
        for (Endpoint endpoint : wanted.values()) {
            if (!lanes.containsKey(endpoint.id())) {
                start(endpoint);
            }
        }
        controls.reconcile(lanes.values().stream().map(DeliveryLane::routeId).toList());
    }

    private void start(Endpoint endpoint) throws Exception {
        String routeId = PREFIX + endpoint.id();
        DeliveryLane lane = new DeliveryLane(endpoint, routeId, description(endpoint), breaker(routeId));
        lanes.put(endpoint.id(), lane);
        if (endpoint.kind() == EndpointKind.KAFKA_TOPIC
                && properties.kafkaBootstrapServers().isBlank()) {
            lane.notStarted("no Kafka brokers are configured (tongban.exchange.kafka-bootstrap-servers)");
            log.warn("delivery route {} not started: {}", routeId, lane.notStarted());
            return;
        }
        try {
            camel.addRouteFromTemplate(routeId, template(endpoint), parameters(endpoint, lane));
            controls.applyTo(routeId);
        } catch (Exception e) {
            // Shown DOWN with the reason; the next sync tries again.
            lanes.remove(endpoint.id());
            log.warn(
                    "delivery route {} could not start: {}",
                    routeId,
                    e.getClass().getName());
            return;
        }
        log.info("delivery route {} started: {}", routeId, lane.description());
    }

    private void remove(DeliveryLane lane) throws Exception {
        if (camel.getRoute(lane.routeId()) != null) {
            camel.getRouteController().stopRoute(lane.routeId());
            camel.removeRoute(lane.routeId());
        }
        lanes.remove(lane.endpoint().id());
        String reason = "its endpoint was removed from the catalog";
        // Its own transaction: the catalog's change that removed the endpoint has already committed.
        TransactionTemplate own = new TransactionTemplate(transaction.getTransactionManager());
        own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        own.executeWithoutResult(status -> {
            List<DeliveryRow> orphaned = store.deadLetterPending(lane.endpoint().id(), reason);
            if (!orphaned.isEmpty()) {
                events.publishEvent(new ExchangeEvents.DeliveriesFailed(
                        lane.endpoint().participantUscc(),
                        0,
                        true,
                        orphaned.stream().map(ExchangeEvents::delivery).toList(),
                        reason,
                        clock.instant()));
            }
        });
        log.info("delivery route {} removed: its endpoint left the catalog", lane.routeId());
    }

    private static String template(Endpoint endpoint) {
        return switch (endpoint.kind()) {
            case WEBHOOK -> "webhook-delivery";
            case PEER_PLATFORM -> "peer-delivery";
            default -> "kafka-delivery";
        };
    }

    private Map<String, Object> parameters(Endpoint endpoint, DeliveryLane lane) {
        return Map.of(
                "endpoint", endpoint.id().toString(),
                "address", endpoint.address(),
                "brokers", properties.kafkaBootstrapServers(),
                "timeoutMs", properties.webhookTimeout().toMillis(),
                "kafkaTimeoutMs", properties.webhookTimeout().toMillis() * 2,
                "description", lane.description());
    }

    /** "湖南省公安厅 (11430000…) ← JY-XL-0001 via WEBHOOK": whom the route serves, with what. */
    private String description(Endpoint endpoint) {
        String name = participants.get(endpoint.participantUscc()).name();
        String resource = endpoint.resourceCode() == null ? "所有已授权资源" : endpoint.resourceCode();
        return name + " (" + endpoint.participantUscc() + ") ← " + resource + " via " + endpoint.kind();
    }

    private CircuitBreaker breaker(String routeId) {
        int calls = properties.breakerCalls();
        return CircuitBreaker.of(
                routeId,
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(calls)
                        .minimumNumberOfCalls(calls)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(properties.breakerOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(1)
                        // A trial that never reports back (the hub itself failed) does not hold the circuit half-open
                        // for good.
                        .maxWaitDurationInHalfOpenState(properties.breakerOpenFor())
                        .recordExceptions(Exception.class)
                        .build());
    }
}
