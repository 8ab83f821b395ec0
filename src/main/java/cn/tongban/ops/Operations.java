package cn.tongban.ops;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.Deliveries;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.exchange.RouteControls;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 运维操作: what an operator does to routes and endpoints, for the API ({@code /api/ops}) and the
 * console alike — who may (operators and platform administrators), and the ledger entry each
 * action leaves with who and why.
 */
@Service
public class Operations {

    /** Why an operator acts: kept in the ledger beside who did it. */
    public record Reason(@NotBlank @Size(max = 500) String reason) {}

    private final RouteOverview overview;
    private final RouteControls controls;
    private final Deliveries deliveries;
    private final ParticipantRegistry participants;
    private final EndpointProbe probe;
    private final OutboxWatch outbox;
    private final ChangeLog changes;

    Operations(
            RouteOverview overview,
            RouteControls controls,
            Deliveries deliveries,
            ParticipantRegistry participants,
            EndpointProbe probe,
            OutboxWatch outbox,
            ChangeLog changes) {
        this.overview = overview;
        this.controls = controls;
        this.deliveries = deliveries;
        this.participants = participants;
        this.probe = probe;
        this.outbox = outbox;
        this.changes = changes;
    }

    public List<RouteOverview.RouteView> routes(Actor actor) {
        operator(actor);
        return overview.routes();
    }

    public RouteOverview.RouteView route(String id, Actor actor) {
        operator(actor);
        return overview.route(id).orElseThrow(() -> ApiException.notFound("route"));
    }

    public RouteOverview.RouteView suspend(String id, String reason, Actor actor) throws Exception {
        controls.suspend(id, operator(actor), reason);
        return route(id, actor);
    }

    public RouteOverview.RouteView resume(String id, String reason, Actor actor) throws Exception {
        controls.resume(id, operator(actor), reason);
        return route(id, actor);
    }

    /** A connection test of one endpoint, recorded (reachable, latency, what it answered) in the ledger. */
    @Transactional
    public EndpointProbe.Result test(UUID endpointId, Actor actor) {
        operator(actor);
        Endpoint endpoint = participants.endpoint(endpointId).orElseThrow(() -> ApiException.notFound("endpoint"));
        EndpointProbe.Result result = probe.test(endpoint);
        changes.record(
                actor.name(),
                "endpoint",
                endpointId.toString(),
                "connection-tested",
                null,
                Map.of("reachable", result.reachable(), "latencyMs", result.latencyMs()),
                result.detail());
        return result;
    }

    /** Every dead letter of one endpoint back in its outbox; returns how many. */
    public int replayDeadLetters(UUID endpointId, String reason, Actor actor) {
        operator(actor);
        participants.endpoint(endpointId).orElseThrow(() -> ApiException.notFound("endpoint"));
        int replayed = deliveries.replayEndpoint(actor, endpointId, reason);
        outbox.refresh();
        return replayed;
    }

    static Actor operator(Actor actor) {
        if (!actor.isPlatformAdmin() && !actor.has(Role.OPERATOR)) {
            throw ApiException.forbidden("the operations API is for operators and platform administrators");
        }
        return actor;
    }
}
