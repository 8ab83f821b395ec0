package cn.tongban.disputes;

import cn.tongban.security.CurrentActor;
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

/**
 * 数据异议: opened by the demander's administrators and systems, answered (corrected or rejected) by
 * the supplier's, read by both parties, platform administrators and auditors.
 */
@RestController
@RequestMapping("/api/disputes")
class DisputeController {

    private final Disputes disputes;

    DisputeController(Disputes disputes) {
        this.disputes = disputes;
    }

    @PostMapping
    ResponseEntity<Dispute> open(@Valid @RequestBody Disputes.OpenRequest request) {
        Dispute opened = DisputeProblems.answer(() -> disputes.open(request, CurrentActor.get()));
        return ResponseEntity.created(URI.create("/api/disputes/" + opened.id()))
                .body(opened);
    }

    @GetMapping
    List<Dispute> list(
            @RequestParam(required = false) String role,
            @RequestParam(required = false) DisputeStatus status,
            @RequestParam(defaultValue = "100") int limit) {
        return DisputeProblems.answer(() -> disputes.list(Disputes.Party.of(role), status, limit, CurrentActor.get()));
    }

    @GetMapping("/{id}")
    Dispute get(@PathVariable UUID id) {
        return DisputeProblems.answer(() -> disputes.get(id, CurrentActor.get()));
    }

    @PostMapping("/{id}/correct")
    Dispute correct(@PathVariable UUID id, @Valid @RequestBody Disputes.CorrectRequest request) {
        return DisputeProblems.answer(() -> disputes.correct(id, request, CurrentActor.get()));
    }

    @PostMapping("/{id}/reject")
    Dispute reject(@PathVariable UUID id, @Valid @RequestBody Disputes.RejectRequest request) {
        return DisputeProblems.answer(() -> disputes.reject(id, request, CurrentActor.get()));
    }
}
