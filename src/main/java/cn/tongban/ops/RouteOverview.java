package cn.tongban.ops;

import cn.tongban.exchange.DeliveryLane;
import cn.tongban.exchange.DeliveryRoutes;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.exchange.RouteControls;
import cn.tongban.exchange.RouteControls.RouteKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.stereotype.Component;

/** 线路总览: every route as an operator sees it — what it serves, its state and health, its counts, backlog and lag. */
@Component
class RouteOverview {

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

    /** A last success or failure: when, and what (a status code or exception type, never record content). */
    record Outcome(Instant at, String detail) {}

    /** One route; the endpoint fields are empty for the hub's own (system) routes. */
    record RouteView(
            String id,
            RouteKind kind,
            String description,
            String endpointId,
            String endpointKind,
            String participant,
            String state,
            String health,
            String circuit,
            Outcome lastSuccess,
            Outcome lastFailure,
            long exchanges,
            long failedExchanges,
            Long delivered,
            Long failedDeliveries,
            Long backlog,
            Long lagSeconds,
            Long deadLetters) {}

    List<RouteView> routes() {
        List<RouteView> views = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            Optional<DeliveryLane> lane = deliveries.lane(route.getRouteId());
            views.add(lane.isPresent() ? delivery(route, lane.get()) : other(route));
        }
        for (DeliveryLane lane : deliveries.lanes()) {
            if (lane.notStarted() != null) {
                views.add(notStarted(lane));
            }
        }
        views.sort(Comparator.comparing(RouteView::kind).thenComparing(RouteView::id));
        return views;
    }

    Optional<RouteView> route(String id) {
        return routes().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private RouteView delivery(Route route, DeliveryLane lane) {
        String state = state(route.getRouteId());
        OutboxWatch.Backlog backlog = outbox.of(lane);
        String health = state.equals("Suspended") ? "SUSPENDED" : lane.healthy() ? "UP" : "DOWN";
        return new RouteView(
                route.getRouteId(),
                RouteKind.DELIVERY,
                lane.description(),
                lane.endpoint().id().toString(),
                lane.endpoint().kind().name(),
                lane.endpoint().participantUscc(),
                state,
                health,
                lane.circuit().name(),
                outcome(lane.lastSuccess()),
                outcome(lane.lastFailure()),
                metrics.exchanges(route.getRouteId()),
                metrics.failedExchanges(route.getRouteId()),
                lane.deliveredCount(),
                lane.failedCount(),
                backlog.pending(),
                backlog.lag().toSeconds(),
                backlog.deadLetters());
    }

    private RouteView notStarted(DeliveryLane lane) {
        OutboxWatch.Backlog backlog = outbox.of(lane);
        return new RouteView(
                lane.routeId(),
                RouteKind.DELIVERY,
                lane.description(),
                lane.endpoint().id().toString(),
                lane.endpoint().kind().name(),
                lane.endpoint().participantUscc(),
                "NotStarted",
                "DOWN",
                lane.circuit().name(),
                null,
                new Outcome(null, lane.notStarted()),
                0,
                0,
                0L,
                0L,
                backlog.pending(),
                backlog.lag().toSeconds(),
                backlog.deadLetters());
    }

    private RouteView other(Route route) {
        String id = route.getRouteId();
        String state = state(id);
        String health = state.equals("Started") ? "UP" : state.equals("Suspended") ? "SUSPENDED" : "DOWN";
        Outcome failure = metrics.lastFailure(id)
                .map(f -> new Outcome(f.at(), f.exception()))
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

    private static Outcome outcome(DeliveryLane.Outcome o) {
        return o == null ? null : new Outcome(o.at(), o.detail());
    }
}
