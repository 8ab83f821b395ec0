package cn.tongban.catalog;

import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The demand list, agreements and approvals, the gap report and the change history. */
@RestController
@RequestMapping("/api/catalog")
class DemandController {

    static final int MAX_HISTORY_PAGE = 500;

    private final DemandList demands;
    private final AgreementRegistry agreements;
    private final GapReport gapReport;
    private final ChangeLog changes;

    DemandController(DemandList demands, AgreementRegistry agreements, GapReport gapReport, ChangeLog changes) {
        this.demands = demands;
        this.agreements = agreements;
        this.gapReport = gapReport;
        this.changes = changes;
    }

    @GetMapping("/demands")
    List<Demand> demands(
            @RequestParam(required = false) String requester, @RequestParam(required = false) Demand.Status status) {
        CurrentActor.get();
        return demands.list(requester, status);
    }

    @PostMapping("/demands")
    ResponseEntity<DemandList.Filed> file(@Valid @RequestBody DemandList.DemandRequest request) {
        DemandList.Filed filed = demands.file(request, CurrentActor.get());
        return ResponseEntity.created(
                        URI.create("/api/catalog/demands/" + filed.demand().id()))
                .body(filed);
    }

    @GetMapping("/demands/{id}")
    Demand demand(@PathVariable UUID id) {
        return demands.get(id, CurrentActor.get());
    }

    @GetMapping("/demands/{id}/matches")
    List<DemandList.Candidate> matches(@PathVariable UUID id) {
        return demands.matches(id, CurrentActor.get());
    }

    @PostMapping("/demands/{id}/withdraw")
    Demand withdraw(@PathVariable UUID id) {
        return demands.withdraw(id, CurrentActor.get());
    }

    @GetMapping("/agreements")
    List<Agreement> agreements(
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String demander,
            @RequestParam(required = false) String resource) {
        return agreements.list(provider, demander, resource, CurrentActor.get());
    }

    @GetMapping("/agreements/{id}")
    Agreement agreement(@PathVariable UUID id) {
        return agreements.get(id, CurrentActor.get());
    }

    @PostMapping("/agreements/{id}/decisions")
    Agreement decide(@PathVariable UUID id, @Valid @RequestBody AgreementRegistry.DecisionRequest request) {
        return agreements.decide(id, request, CurrentActor.get());
    }

    @PostMapping("/agreements/{id}/revoke")
    Agreement revoke(@PathVariable UUID id, @Valid @RequestBody AgreementRegistry.RevokeRequest request) {
        return agreements.revoke(id, request, CurrentActor.get());
    }

    /** 待审批: agreements with fields awaiting the caller's participant; {@code overdue=true} for those past the deadline. */
    @GetMapping("/approvals")
    List<Agreement> approvals(@RequestParam(defaultValue = "false") boolean overdue) {
        return agreements.awaitingApproval(overdue, CurrentActor.get());
    }

    @GetMapping("/gap-report")
    GapReport.Report gapReport() {
        CurrentActor.get();
        return gapReport.build();
    }

    @GetMapping("/history")
    List<ChangeLog.Change> history(
            @RequestParam(required = false) String entityType,
            @RequestParam(required = false) String entityId,
            @RequestParam(defaultValue = "100") int limit) {
        Actor actor = CurrentActor.get();
        if (!(actor.isPlatformAdmin() || actor.has(Role.AUDITOR))) {
            throw ApiException.forbidden("the change history is for platform administrators and auditors");
        }
        if (limit < 1 || limit > MAX_HISTORY_PAGE) {
            throw ApiException.invalid("limit", "range", "must be between 1 and " + MAX_HISTORY_PAGE);
        }
        return changes.changes(entityType, entityId, limit);
    }
}
