package cn.tongban.ops;

import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
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
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * 运维接口: for operators and platform administrators only. Routes with their health, backlog
 * and lag, and their history over the last hours; suspend and resume a partner's route; test an
 * endpoint's connection; replay an endpoint's dead letters; maintenance mode. Operators never see record content, and every
 * action lands in the ledger with who and why.
 */
@RestController
@RequestMapping("/api/ops")
class OpsController {

    private final Operations operations;
    private final Maintenance maintenance;
    private final HubKeyRotation rotation;
    private final RouteHistory history;

    OpsController(Operations operations, Maintenance maintenance, HubKeyRotation rotation, RouteHistory history) {
        this.operations = operations;
        this.maintenance = maintenance;
        this.rotation = rotation;
        this.history = history;
    }

    /** Maintenance on or off, why, and what suppliers are told to wait. */
    record MaintenanceRequest(
            @NotNull Boolean on,
            @NotBlank @Size(max = 500) String reason,
            @Min(1) @Max(86_400) Integer retryAfterSeconds) {}

    record Replayed(String endpointId, int replayed) {}

    @GetMapping("/routes")
    List<RouteOverview.RouteView> routes() {
        return operations.routes(CurrentActor.get());
    }

    @GetMapping("/routes/{id}")
    RouteOverview.RouteView route(@PathVariable String id) {
        return operations.route(id, CurrentActor.get());
    }

    /** Throughput, failures, latency and backlog over the last {@code hours} (1–24): one route's, or all routes'. */
    @GetMapping("/metrics/history")
    RouteHistory.History history(
            @RequestParam(required = false) String route, @RequestParam(required = false) String hours) {
        return history.history(CurrentActor.get(), route, hours);
    }

    @PostMapping("/routes/{id}/suspend")
    RouteOverview.RouteView suspend(@PathVariable String id, @Valid @RequestBody Operations.Reason request)
            throws Exception {
        return operations.suspend(id, request.reason(), CurrentActor.get());
    }

    @PostMapping("/routes/{id}/resume")
    RouteOverview.RouteView resume(@PathVariable String id, @Valid @RequestBody Operations.Reason request)
            throws Exception {
        return operations.resume(id, request.reason(), CurrentActor.get());
    }

    @PostMapping("/endpoints/{id}/test")
    EndpointProbe.Result test(@PathVariable UUID id) {
        return operations.test(id, CurrentActor.get());
    }

    @PostMapping("/endpoints/{id}/dead-letters/replay")
    Replayed replayDeadLetters(@PathVariable UUID id, @Valid @RequestBody Operations.Reason request) {
        return new Replayed(id.toString(), operations.replayDeadLetters(id, request.reason(), CurrentActor.get()));
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
    Rotated rotateHubKey(@Valid @RequestBody Operations.Reason request) {
        Actor actor = platformAdmin("rotating the hub's signing key");
        HubKeys.Rotation rotated = rotation.rotate(actor.name(), request.reason());
        return new Rotated(rotated.previousKeyId(), rotated.keyId());
    }

    /** A new SM4 data key for data at rest from now on; platform administrators only. */
    @PostMapping("/data-keys/rotate")
    HubKeyRotation.DataKeyRotation rotateDataKey(@Valid @RequestBody Operations.Reason request) {
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
        return Operations.operator(CurrentActor.get());
    }
}
