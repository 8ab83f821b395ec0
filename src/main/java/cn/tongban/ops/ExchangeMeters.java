package cn.tongban.ops;

import cn.tongban.exchange.DeliveryLane;
import cn.tongban.exchange.ExchangeEvents;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.ledger.Ledger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The hub's own meters, tagged by resource, participant and endpoint: records received and
 * quarantined, deliveries delivered and failed, and per endpoint the outbox backlog, delivery lag
 * and dead letters; hub-wide the quarantine and the ledger's sealing lag. Counters follow the
 * exchange's events; gauges read {@link OutboxWatch}.
 */
@Component
public class ExchangeMeters {

    private final MeterRegistry registry;
    private final OutboxWatch outbox;
    private final Ledger ledger;
    private final Clock clock;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    ExchangeMeters(MeterRegistry registry, OutboxWatch outbox, Ledger ledger, Clock clock) {
        this.registry = registry;
        this.outbox = outbox;
        this.ledger = ledger;
        this.clock = clock;
        Gauge.builder("tongban.quarantine.held", outbox, OutboxWatch::quarantined)
                .description("records held in quarantine")
                .register(registry);
        TimeGauge.builder("tongban.ledger.seal.lag", this, TimeUnit.SECONDS, ExchangeMeters::sealLagSeconds)
                .description("age of the ledger's last seal while events wait unsealed")
                .register(registry);
    }

    @TransactionalEventListener(fallbackExecution = true) // counted once committed
    void on(ExchangeEvents.BatchReceived e) {
        Tags tags = Tags.of("resource", e.resourceCode(), "participant", e.supplierUscc(), "channel", e.channel());
        registry.counter("tongban.records.received", tags).increment(e.records());
        registry.counter("tongban.records.quarantined", tags).increment(e.quarantined());
    }

    @TransactionalEventListener(fallbackExecution = true) // counted once committed
    void on(ExchangeEvents.DeliveriesCompleted e) {
        Map<String, Long> byResource = e.deliveries().stream()
                .collect(Collectors.groupingBy(ExchangeEvents.Delivery::resourceCode, Collectors.counting()));
        byResource.forEach((resource, count) -> registry.counter(
                        "tongban.deliveries.delivered",
                        "resource",
                        resource,
                        "participant",
                        e.demanderUscc(),
                        "endpointKind",
                        e.endpointKind())
                .increment(count));
    }

    @TransactionalEventListener(fallbackExecution = true) // counted once committed
    void on(ExchangeEvents.DeliveriesFailed e) {
        registry.counter(
                        "tongban.deliveries.failed",
                        "participant",
                        e.demanderUscc(),
                        "deadLettered",
                        Boolean.toString(e.deadLettered()))
                .increment(e.deliveries().size());
    }

    /** Registers the gauges of endpoints that appeared, and removes those of endpoints that left. */
    public void gaugeNewLanes() {
        Set<String> present = new java.util.HashSet<>();
        outbox.lanes().forEach(l -> present.add(l.routeId()));
        for (String gone : Set.copyOf(gauged)) {
            if (!present.contains(gone)) {
                registry.find("tongban.outbox.backlog")
                        .tag("routeId", gone)
                        .meters()
                        .forEach(registry::remove);
                registry.find("tongban.outbox.lag")
                        .tag("routeId", gone)
                        .meters()
                        .forEach(registry::remove);
                registry.find("tongban.outbox.dead.letters")
                        .tag("routeId", gone)
                        .meters()
                        .forEach(registry::remove);
                registry.find("tongban.route.circuit.open")
                        .tag("routeId", gone)
                        .meters()
                        .forEach(registry::remove);
                gauged.remove(gone);
            }
        }
        for (DeliveryLane lane : outbox.lanes()) {
            if (gauged.add(lane.routeId())) {
                Tags tags = Tags.of(
                        "routeId", lane.routeId(),
                        "endpoint", lane.endpoint().id().toString(),
                        "participant", lane.endpoint().participantUscc(),
                        "endpointKind", lane.endpoint().kind().name());
                Gauge.builder("tongban.outbox.backlog", lane, l -> outbox.of(l).pending())
                        .tags(tags)
                        .description("deliveries waiting for the endpoint")
                        .register(registry);
                TimeGauge.builder(
                                "tongban.outbox.lag",
                                lane,
                                TimeUnit.SECONDS,
                                l -> outbox.of(l).lag().toSeconds())
                        .tags(tags)
                        .description("age of the oldest delivery waiting for the endpoint")
                        .register(registry);
                Gauge.builder(
                                "tongban.outbox.dead.letters",
                                lane,
                                l -> outbox.of(l).deadLetters())
                        .tags(tags)
                        .description("the endpoint's dead letters")
                        .register(registry);
                Gauge.builder("tongban.route.circuit.open", lane, l -> l.healthy() ? 0 : 1)
                        .tags(tags)
                        .description("1 while the endpoint's circuit breaker keeps deliveries back")
                        .register(registry);
            }
        }
    }

    private double sealLagSeconds() {
        Ledger.SealLag lag = ledger.sealLag();
        if (lag.unsealedEvents() == 0 || lag.lastSealedAt() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(lag.lastSealedAt(), clock.instant()).toSeconds());
    }
}
