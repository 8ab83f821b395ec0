package cn.tongban.ops;

import cn.tongban.cluster.SingletonRoutes;
import cn.tongban.exchange.DeliveryLane;
import cn.tongban.exchange.DeliveryRoutes;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.exchange.RouteControls;
import cn.tongban.exchange.RouteControls.RouteKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.stereotype.Component;

/** 线路总览: every route as an operator sees it — what it serves, its state and health, its counts, backlog and lag. */
@Component
public class RouteOverview {

    private final CamelContext camel;
    private final DeliveryRoutes deliveries;
    private final OutboxWatch outbox;
    private final CamelRouteMetrics metrics;

    RouteOverview(CamelContext camel, DeliveryRoutes deliveries, OutboxWatch outbox, CamelRouteMetrics metrics) {
        this.camel = camel;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** One route; the endpoint fields are empty for the hub's own (system) routes. */
    public record RouteView(
            String id,
            RouteKind kind,
            String description,
            String endpointId,
            String endpointKind,
            String participant,
            String state,
            String health,
            String circuit,
            DeliveryLane.Outcome lastSuccess,
            DeliveryLane.Outcome lastFailure,
            long exchanges,
            long failedExchanges,
            Long delivered,
            Long failedDeliveries,
            Long backlog,
            Long lagSeconds,
            Long deadLetters) {}

    List<RouteView> routes() {
        List<RouteView> views = new ArrayList<>();
        for (DeliveryLane lane : deliveries.lanes()) {
            views.add(delivery(lane));
        }
        for (Route route : camel.getRoutes()) {
            if (RouteKind.of(route.getRouteId()) != RouteKind.DELIVERY) {
                views.add(other(route));
            }
        }
        views.sort(Comparator.comparing(RouteView::kind).thenComparing(RouteView::id));
        return views;
    }

    Optional<RouteView> route(String id) {
        return routes().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** A delivery route, or the lane of one that could not start (no Kafka brokers), with why. */
    private RouteView delivery(DeliveryLane lane) {
        boolean started = lane.notStarted() == null;
        OutboxWatch.Backlog backlog = outbox.of(lane);
        return new RouteView(
                lane.routeId(),
                RouteKind.DELIVERY,
                lane.description(),
                lane.endpoint().id().toString(),
                lane.endpoint().kind().name(),
                lane.endpoint().participantUscc(),
                started ? state(lane.routeId()) : "NotStarted",
                deliveries.health(lane).name(),
                lane.circuit().name(),
                lane.lastSuccess(),
                started ? lane.lastFailure() : new DeliveryLane.Outcome(null, lane.notStarted()),
                metrics.exchanges(lane.routeId()),
                metrics.failedExchanges(lane.routeId()),
                lane.deliveredCount(),
                lane.failedCount(),
                backlog.pending(),
                backlog.lag().toSeconds(),
                backlog.deadLetters());
    }

    private RouteView other(Route route) {
        String id = route.getRouteId();
        String state = state(id);
        String health = state.equals("Started")
                ? "UP"
                : state.equals("Suspended") ? "SUSPENDED" : SingletonRoutes.standsBy(route) ? "STANDBY" : "DOWN";
        DeliveryLane.Outcome failure = metrics.lastFailure(id)
                .map(f -> new DeliveryLane.Outcome(f.at(), f.exception()))
                .orElse(null);
        return new RouteView(
                id,
                RouteControls.RouteKind.of(id),
                route.getDescription(),
                endpointOf(id),
                null,
                null,
                state,
                health,
                null,
                null,
                failure,
                metrics.exchanges(id),
                metrics.failedExchanges(id),
                null,
                null,
                null,
                null,
                null);
    }

    private String state(String routeId) {
        var status = camel.getRouteController().getRouteStatus(routeId);
        return status == null ? "Removed" : status.name();
    }

    /** An intake route's id ends in its endpoint's id. */
    private static String endpointOf(String routeId) {
        if (!RouteKind.servesPartner(routeId)) {
            return null;
        }
        return routeId.length() > 36 ? routeId.substring(routeId.length() - 36) : null;
    }
}
