package cn.tongban.ledger;

import cn.tongban.security.CurrentActor;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The auditors' API over the ledger (审计接口). */
@RestController
@RequestMapping("/api/audit")
class AuditController {

    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping("/events")
    AuditTrail.Page events(@RequestParam Map<String, String> params) {
        return trail.search(CurrentActor.get(), params);
    }

    @GetMapping("/lineage")
    List<BundleFormat.EventLine> lineage(
            @RequestParam(required = false) String resource, @RequestParam(required = false) String sourceRecordId) {
        return trail.lineage(CurrentActor.get(), resource, sourceRecordId);
    }

    @GetMapping("/summary")
    List<Map<String, Object>> summary(@RequestParam Map<String, String> params) {
        return trail.summary(CurrentActor.get(), params);
    }

    /** Months moved out of the database to signed archive files (without the boundary hashes). */
    @GetMapping("/archives")
    List<AuditTrail.ArchiveView> archives() {
        return trail.archives(CurrentActor.get());
    }

    @GetMapping("/verify")
    Ledger.ChainCheck verify(@RequestParam(defaultValue = "1") long fromSeq) {
        return trail.verify(CurrentActor.get(), fromSeq);
    }

    @GetMapping("/bundle")
    ResponseEntity<StreamingResponseBody> bundle(@RequestParam Map<String, String> params) {
        var actor = CurrentActor.get();
        AuditTrail.requireAuditor(actor);
        trail.filter(params); // refuse a bad query before the download starts
        StreamingResponseBody body = out -> trail.bundle(actor, params, out);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"tongban-evidence.zip\"")
                .body(body);
    }
}
