package cn.tongban.exchange;

import cn.tongban.exchange.internal.RouteControlStore;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 线路维护: an operator suspends a partner's route (its deliveries queue in the outbox, its
 * intake waits at the source; nothing is lost) and resumes it. The decision is kept, so a
 * suspended route starts suspended after a restart, and each one lands in the ledger with who and why.
 */
@Service
public class RouteControls {

    private final CamelContext camel;
    private final RouteControlStore store;
    private final ChangeLog changes;
    private final Clock clock;

    RouteControls(CamelContext camel, RouteControlStore store, ChangeLog changes, Clock clock) {
        this.camel = camel;
        this.store = store;
        this.changes = changes;
        this.clock = clock;
    }

    @Transactional
    public void suspend(String routeId, Actor actor, String reason) throws Exception {
        decide(routeId, true, actor, reason);
        camel.getRouteController().suspendRoute(routeId);
    }

    @Transactional
    public void resume(String routeId, Actor actor, String reason) throws Exception {
        decide(routeId, false, actor, reason);
        camel.getRouteController().resumeRoute(routeId);
    }

    /** Keeps the decision (so every instance and the next start obey it) and records it with who and why. */
    private void decide(String routeId, boolean suspended, Actor actor, String reason) {
        partnerRoute(routeId);
        store.save(routeId, suspended, reason, actor.name(), clock.instant());
        changes.record(
                actor.name(),
                "route",
                routeId,
                suspended ? "suspended" : "resumed",
                null,
                Map.of("suspended", suspended),
                reason);
    }

    /** Suspends a just-created route when operators had suspended it (called by whoever creates it). */
    void applyTo(String routeId) throws Exception {
        if (store.suspended().contains(routeId)) {
            camel.getRouteController().suspendRoute(routeId);
        }
    }

    /**
     * Brings these routes' Camel state in line with what operators decided, wherever they decided
     * it (another hub instance, before a restart). The claims already obey the stored decision.
     */
    void reconcile(java.util.Collection<String> routeIds) throws Exception {
        java.util.Set<String> suspended = store.suspended();
        for (String id : routeIds) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(id);
            if (status == null) {
                continue;
            }
            if (suspended.contains(id) && status.isStarted()) {
                camel.getRouteController().suspendRoute(id);
            } else if (!suspended.contains(id) && status.isSuspended()) {
                camel.getRouteController().resumeRoute(id);
            }
        }
    }

    public boolean suspended(String routeId) {
        return camel.getRouteController().getRouteStatus(routeId) == ServiceStatus.Suspended;
    }

    /** Only a partner's routes are the operators' to pause: the hub's own keep it running. */
    private Route partnerRoute(String routeId) {
        Route route = camel.getRoute(routeId);
        if (route == null || !RouteKind.servesPartner(routeId)) {
            throw ApiException.notFound("route");
        }
        return route;
    }

    /** What a route does: take records in ({@code intake-…}), deliver them ({@code deliver-…}), or keep the hub running. */
    public enum RouteKind {
        INTAKE,
        DELIVERY,
        SYSTEM;

        public static RouteKind of(String routeId) {
            if (routeId.startsWith(DeliveryRoutes.PREFIX)) {
                return DELIVERY;
            }
            return routeId.startsWith("intake-") ? INTAKE : SYSTEM;
        }

        /** A route of one partner's endpoint: a delivery route, a Kafka topic or a drop directory. */
        public static boolean servesPartner(String routeId) {
            return routeId.startsWith(DeliveryRoutes.PREFIX)
                    || routeId.startsWith(IntakeChannels.KAFKA_PREFIX)
                    || routeId.startsWith(IntakeChannels.FILE_PREFIX);
        }

        /** The routes that take records from partners' systems, which maintenance holds back. */
        public static boolean takesRecordsIn(String routeId) {
            return routeId.startsWith(IntakeChannels.KAFKA_PREFIX)
                    || routeId.startsWith(IntakeChannels.FILE_PREFIX)
                    || routeId.equals(PullIntake.ROUTE);
        }
    }
}
