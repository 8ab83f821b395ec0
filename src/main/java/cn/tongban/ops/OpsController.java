package cn.tongban.ops;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.Deliveries;
import cn.tongban.exchange.OutboxWatch;
import cn.tongban.exchange.RouteControls;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.security.Role;
import cn.tongban.signing.HubKeyRotation;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * 运维接口: for operators and platform administrators only. Routes with their health, backlog
 * and lag; suspend and resume a partner's route; test an endpoint's connection; replay an
 * endpoint's dead letters; maintenance mode. Operators never see record content, and every
 * action lands in the ledger with who and why.
 */
@RestController
@RequestMapping("/api/ops")
class OpsController {

    private final RouteOverview overview;
    private final RouteControls controls;
    private final Deliveries deliveries;
    private final ParticipantRegistry participants;
    private final EndpointProbe probe;
    private final Maintenance maintenance;
    private final OutboxWatch outbox;
    private final ChangeLog changes;
    private final HubKeyRotation rotation;

    OpsController(
            RouteOverview overview,
            RouteControls controls,
            Deliveries deliveries,
            ParticipantRegistry participants,
            EndpointProbe probe,
            Maintenance maintenance,
            OutboxWatch outbox,
            ChangeLog changes,
            HubKeyRotation rotation) {
        this.rotation = rotation;
        this.overview = overview;
        this.controls = controls;
        this.deliveries = deliveries;
        this.participants = participants;
        this.probe = probe;
        this.maintenance = maintenance;
        this.outbox = outbox;
        this.changes = changes;
    }

    /** Why an operator acts: kept in the ledger beside who did it. */
    record Reason(@NotBlank @Size(max = 500) String reason) {}

    /** Maintenance on or off, why, and what suppliers are told to wait. */
    record MaintenanceRequest(
            @NotNull Boolean on,
            @NotBlank @Size(max = 500) String reason,
            @Min(1) @Max(86_400) Integer retryAfterSeconds) {}

    record Replayed(String endpointId, int replayed) {}

    @GetMapping("/routes")
    List<RouteOverview.RouteView> routes() {
        operator();
        return overview.routes();
    }

    @GetMapping("/routes/{id}")
    RouteOverview.RouteView route(@PathVariable String id) {
        operator();
        return overview.route(id).orElseThrow(() -> ApiException.notFound("route"));
    }

    @PostMapping("/routes/{id}/suspend")
    RouteOverview.RouteView suspend(@PathVariable String id, @Valid @RequestBody Reason request) throws Exception {
        controls.suspend(id, operator(), request.reason());
        return route(id);
    }

    @PostMapping("/routes/{id}/resume")
    RouteOverview.RouteView resume(@PathVariable String id, @Valid @RequestBody Reason request) throws Exception {
        controls.resume(id, operator(), request.reason());
        return route(id);
    }

    @PostMapping("/endpoints/{id}/test")
    @Transactional
    EndpointProbe.Result test(@PathVariable UUID id) {
        Actor actor = operator();
        Endpoint endpoint = participants.endpoint(id).orElseThrow(() -> ApiException.notFound("endpoint"));
        EndpointProbe.Result result = probe.test(endpoint);
        changes.record(
                actor.name(),
                "endpoint",
                id.toString(),
                "connection-tested",
                null,
                Map.of("reachable", result.reachable(), "latencyMs", result.latencyMs()),
                result.detail());
        return result;
    }

    @PostMapping("/endpoints/{id}/dead-letters/replay")
    Replayed replayDeadLetters(@PathVariable UUID id, @Valid @RequestBody Reason request) {
        Actor actor = operator();
        participants.endpoint(id).orElseThrow(() -> ApiException.notFound("endpoint"));
        int replayed = deliveries.replayEndpoint(actor, id, request.reason());
        outbox.refresh();
        return new Replayed(id.toString(), replayed);
    }

    @GetMapping("/maintenance")
    Maintenance.State maintenance() {
        operator();
        return maintenance.state();
    }

    @PostMapping("/maintenance")
    Maintenance.State maintenance(@Valid @RequestBody MaintenanceRequest request) throws Exception {
        Actor actor = operator();
        if (request.on()) {
            int seconds = request.retryAfterSeconds() == null ? 300 : request.retryAfterSeconds();
            return maintenance.start(actor, request.reason(), Duration.ofSeconds(seconds));
        }
        return maintenance.end(actor, request.reason());
    }

    record Rotated(String previousFingerprint, String fingerprint) {}

    /** 密钥轮换: a new hub signing key from now on; platform administrators only, with a reason for the ledger. */
    @PostMapping("/hub-keys/rotate")
    Rotated rotateHubKey(@Valid @RequestBody Reason request) {
        Actor actor = platformAdmin("rotating the hub's signing key");
        HubKeys.Rotation rotated = rotation.rotate(actor.name(), request.reason());
        return new Rotated(rotated.previousKeyId(), rotated.keyId());
    }

    /** A new SM4 data key for data at rest from now on; platform administrators only. */
    @PostMapping("/data-keys/rotate")
    HubKeyRotation.DataKeyRotation rotateDataKey(@Valid @RequestBody Reason request) {
        Actor actor = platformAdmin("rotating the hub's data key");
        return rotation.rotateDataKey(actor.name(), request.reason());
    }

    private static Actor platformAdmin(String what) {
        Actor actor = CurrentActor.get();
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden(what + " is for platform administrators");
        }
        return actor;
    }

    private static Actor operator() {
        Actor actor = CurrentActor.get();
        if (!actor.isPlatformAdmin() && !actor.has(Role.OPERATOR)) {
            throw ApiException.forbidden("the operations API is for operators and platform administrators");
        }
        return actor;
    }
}
