package cn.tongban.supervision;

import cn.tongban.security.CurrentActor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The supervision API (监督考核接口): the report on demand, and the monthly reports issued for the record. */
@RestController
@RequestMapping("/api/supervision")
class SupervisionController {

    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final SupervisionReports reports;

    SupervisionController(SupervisionReports reports) {
        this.reports = reports;
    }

    /** JSON by default; {@code Accept: text/csv} answers the same lines as CSV. */
    @GetMapping("/report")
    ResponseEntity<?> report(
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String department,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        SupervisionReport report = reports.report(from, to, department, CurrentActor.get());
        if (wantsCsv(accept)) {
            return ResponseEntity.ok()
                    .contentType(CSV)
                    .header(
                            HttpHeaders.CONTENT_DISPOSITION,
                            "attachment; filename=\"supervision-" + report.from() + "-" + report.to() + ".csv\"")
                    .body(ReportCsv.write(report));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    }

    @GetMapping("/reports")
    List<SupervisionReports.IssuedReport> issued() {
        return reports.issuedReports(CurrentActor.get());
    }

    /** The report's JSON exactly as issued (its SM3 is in {@code X-Tongban-Digest-SM3}). */
    @GetMapping("/reports/{period}")
    ResponseEntity<String> issued(@PathVariable String period) {
        SupervisionReports.IssuedBody row = reports.issuedReport(period, CurrentActor.get());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Tongban-Digest-SM3", row.digest())
                .body(row.body());
    }

    @PostMapping("/reports/{period}")
    ResponseEntity<SupervisionReports.IssuedReport> issue(@PathVariable String period) {
        SupervisionReports.IssuedReport issued = reports.issue(period, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/supervision/reports/" + issued.period()))
                .body(issued);
    }

    /** CSV only when it is the first concrete type asked for: {@code *}{@code /*} and JSON get JSON. */
    private static boolean wantsCsv(String accept) {
        if (accept == null) {
            return false;
        }
        return MediaType.parseMediaTypes(accept).stream()
                .filter(t -> !t.isWildcardType() && t.getQualityValue() > 0)
                .findFirst()
                .map(t -> t.isCompatibleWith(CSV))
                .orElse(false);
    }
}
