package cn.tongban.cases;

import cn.tongban.security.CurrentActor;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** 办件接口: register a case at the counter, read it with its timeline, record the owning office's decisions. */
@RestController
@RequestMapping("/api/cases")
class CaseController {

    private final CaseRegistry cases;

    CaseController(CaseRegistry cases) {
        this.cases = cases;
    }

    @PostMapping
    ResponseEntity<Case> register(@Valid @RequestBody CaseRequests.Registration request) {
        Case registered = cases.register(request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/cases/" + registered.serial()))
                .body(registered);
    }

    @GetMapping("/{serial}")
    Case get(@PathVariable String serial) {
        return cases.get(serial, CurrentActor.get());
    }

    @GetMapping
    List<CaseSummary> list(
            @RequestParam(required = false) String office,
            @RequestParam(required = false) CaseStatus status,
            @RequestParam(defaultValue = "100") int limit) {
        return cases.list(office, status, limit, CurrentActor.get());
    }

    @PostMapping("/{serial}/status")
    Case record(@PathVariable String serial, @Valid @RequestBody CaseRequests.StatusChange change) {
        return cases.record(serial, change, CurrentActor.get());
    }
}
