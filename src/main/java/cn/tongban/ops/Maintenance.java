package cn.tongban.ops;

import cn.tongban.exchange.IntakeGate;
import cn.tongban.exchange.RouteControls;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 维护模式: this hub instance stops taking records in — HTTP pushes answer 503 with Retry-After,
 * the Kafka, file-drop and pull intake routes are suspended (records wait at their source) — and
 * reports itself unready, so a load balancer sends suppliers elsewhere. Deliveries go on; nothing
 * queued is lost. Per instance, like readiness itself.
 */
@Service
public class Maintenance {

    private final IntakeGate gate;
    private final CamelContext camel;
    private final ApplicationEventPublisher events;
    private final ChangeLog changes;
    private final Clock clock;
    private final Set<String> suspendedByMaintenance = new LinkedHashSet<>();

    Maintenance(IntakeGate gate, CamelContext camel, ApplicationEventPublisher events, ChangeLog changes, Clock clock) {
        this.gate = gate;
        this.camel = camel;
        this.events = events;
        this.changes = changes;
        this.clock = clock;
    }

    /** Where maintenance stands: on (since, by whom, why) or off. */
    public record State(boolean on, IntakeGate.Closure closure) {}

    public State state() {
        IntakeGate.Closure closure = gate.closure();
        return new State(closure != null, closure);
    }

    @Transactional
    public synchronized State start(Actor actor, String reason, Duration retryAfter) throws Exception {
        changes.record(
                actor.name(), "hub", "maintenance", "maintenance-started", null, Map.of("maintenance", true), reason);
        gate.close(new IntakeGate.Closure(clock.instant(), actor.name(), reason, retryAfter));
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if (RouteControls.RouteKind.takesRecordsIn(id)
                    && camel.getRouteController().getRouteStatus(id).isStarted()) {
                camel.getRouteController().suspendRoute(id);
                suspendedByMaintenance.add(id);
            }
        }
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        return state();
    }

    @Transactional
    public synchronized State end(Actor actor, String reason) throws Exception {
        changes.record(
                actor.name(), "hub", "maintenance", "maintenance-ended", null, Map.of("maintenance", false), reason);
        for (String id : suspendedByMaintenance) {
            if (camel.getRoute(id) != null) {
                camel.getRouteController().resumeRoute(id);
            }
        }
        suspendedByMaintenance.clear();
        gate.open();
        AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        return state();
    }
}
