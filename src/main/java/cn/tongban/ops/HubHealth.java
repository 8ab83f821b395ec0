package cn.tongban.ops;

import cn.tongban.cluster.SingletonRoutes;
import cn.tongban.exchange.DeliveryLane;
import cn.tongban.exchange.DeliveryRoutes;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.exchange.RouteControls;
import cn.tongban.ledger.Ledger;
import cn.tongban.signing.HubKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * 健康检查: what {@code /actuator/health} shows operators besides the database and Camel's own
 * checks — each delivery route (DOWN while its endpoint's circuit is open), the intake pipeline,
 * the ledger sealer and the signing certificate. A partner that is down degrades the hub
 * (DEGRADED, still HTTP 200) but never makes it unready: readiness is the hub's own parts only.
 */
@Configuration(proxyBeanMethods = false)
class HubHealth {

    /** Some partners' endpoints are failing; the hub itself works. */
    static final Status DEGRADED = new Status("DEGRADED", "some partners' endpoints are failing");
    /** Works now, but needs attention soon (a certificate about to expire). */
    static final Status WARN = new Status("WARN", "needs attention soon");

    static final Duration CERTIFICATE_WARNING = Duration.ofDays(30);

    /** A singleton route's state on an instance that does not hold the lease. */
    static final String STANDBY = "STANDBY";

    @Bean
    HealthIndicator deliveryRoutesHealthIndicator(DeliveryRoutes routes, OutboxWatch outbox) {
        return guarded(() -> {
            Map<String, Object> details = new LinkedHashMap<>();
            boolean allUp = true;
            for (DeliveryLane lane : routes.lanes()) {
                DeliveryLane.Health status = routes.health(lane);
                allUp &= status != DeliveryLane.Health.DOWN;
                OutboxWatch.Backlog backlog = outbox.of(lane);
                Map<String, Object> route = new LinkedHashMap<>();
                route.put("status", status);
                route.put("description", lane.description());
                route.put("circuit", lane.circuit().name());
                route.put("backlog", backlog.pending());
                route.put("lagSeconds", backlog.lag().toSeconds());
                route.put("deadLetters", backlog.deadLetters());
                if (lane.notStarted() != null) {
                    route.put("notStarted", lane.notStarted());
                }
                details.put(lane.routeId(), route);
            }
            return Health.status(allUp ? Status.UP : DEGRADED)
                    .withDetails(details)
                    .build();
        });
    }

    /** The intake routes (the pipeline, Kafka topics, file drops, pulls) run; operators' suspensions are shown, not failures. */
    @Bean
    HealthIndicator intakePipelineHealthIndicator(CamelContext camel) {
        return () -> {
            if (!camel.getStatus().isStarted()) {
                return Health.down()
                        .withDetail("camel", camel.getStatus().name())
                        .build();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            boolean up = true;
            for (Route route : camel.getRoutes()) {
                if (RouteControls.RouteKind.of(route.getRouteId()) == RouteControls.RouteKind.INTAKE) {
                    ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
                    boolean standby = SingletonRoutes.standsBy(route);
                    details.put(route.getRouteId(), standby ? STANDBY : status.name());
                    up &= status.isStarted() || status.isSuspended() || standby;
                }
            }
            return (up ? Health.up() : Health.down()).withDetails(details).build();
        };
    }

    /**
     * DOWN when the sealer route is not running, or when events have waited unsealed for ten
     * sealing periods (at least two minutes): tamper evidence would lag behind the exchange.
     */
    @Bean
    HealthIndicator ledgerSealerHealthIndicator(Ledger ledger, CamelContext camel, Clock clock) {
        return guarded(() -> {
            ServiceStatus route = camel.getRouteController().getRouteStatus("ledger-sealer");
            // Another instance seals while it holds the singleton lease: then only the lag counts.
            Route sealer = camel.getRoute("ledger-sealer");
            boolean standby = sealer != null && SingletonRoutes.standsBy(sealer);
            Ledger.SealLag lag = ledger.sealLag();
            Duration limit = max(ledger.sealPeriod().multipliedBy(10), Duration.ofMinutes(2));
            Duration age =
                    lag.lastSealedAt() == null ? Duration.ZERO : Duration.between(lag.lastSealedAt(), clock.instant());
            boolean behind = lag.unsealedEvents() > 0 && lag.lastSealedAt() != null && age.compareTo(limit) > 0;
            Health.Builder health =
                    route != null && (route.isStarted() || standby) && !behind ? Health.up() : Health.down();
            health.withDetail("route", route == null ? "MISSING" : standby ? STANDBY : route.name())
                    .withDetail("unsealedEvents", lag.unsealedEvents());
            if (lag.lastSealedAt() != null) {
                health.withDetail("lastSealedAt", lag.lastSealedAt().toString())
                        .withDetail("lastSealAgeSeconds", age.toSeconds());
            }
            return health.build();
        });
    }

    /** WARN from 30 days before the hub's signing certificate expires, DOWN once it has. */
    @Bean
    HealthIndicator signingKeyHealthIndicator(HubKeys keys, Clock clock) {
        return () -> {
            Instant notAfter = keys.certificate().getNotAfter().toInstant();
            Duration left = Duration.between(clock.instant(), notAfter);
            Status status =
                    left.isNegative() ? Status.DOWN : left.compareTo(CERTIFICATE_WARNING) < 0 ? WARN : Status.UP;
            return Health.status(status)
                    .withDetail("keyId", keys.keyId())
                    .withDetail("notAfter", notAfter.toString())
                    .withDetail("daysLeft", left.toDays())
                    .build();
        };
    }

    /** A check that needs the database says DOWN, naming the failure's type, when it cannot ask. */
    private static HealthIndicator guarded(java.util.function.Supplier<Health> check) {
        return () -> {
            try {
                return check.get();
            } catch (RuntimeException e) {
                return Health.down()
                        .withDetail("error", e.getClass().getSimpleName())
                        .build();
            }
        };
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
