package cn.tongban.console;

import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.supervision.IntakeTimeliness;
import cn.tongban.supervision.ReportCsv;
import cn.tongban.supervision.SupervisionReport;
import cn.tongban.supervision.SupervisionReport.DepartmentLine;
import cn.tongban.supervision.SupervisionReport.ResourceLine;
import cn.tongban.supervision.SupervisionReports;
import cn.tongban.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * 监督考核: the report for a period (the current month unless chosen) as a table and charts, its CSV,
 * and the monthly reports kept for the record. Every figure comes from {@link SupervisionReports}, as
 * the API's do; it decides who sees all departments and who only their own.
 */
@Controller
@RequestMapping("/console/supervision")
class SupervisionPageController {

    /** A department's line as the table shows it: the figures summed over its resources. */
    record Line(
            DepartmentLine department,
            long received,
            long accepted,
            Double validRatio,
            long onTime,
            long late,
            long noIntake,
            long refusals) {

        static Line of(DepartmentLine d) {
            long received = d.resources().stream()
                    .mapToLong(r -> r.quality().received())
                    .sum();
            long accepted = d.resources().stream()
                    .mapToLong(r -> r.quality().accepted())
                    .sum();
            return new Line(
                    d,
                    received,
                    accepted,
                    received == 0 ? null : (double) accepted / received,
                    timeliness(d, IntakeTimeliness.ON_TIME),
                    timeliness(d, IntakeTimeliness.LATE),
                    timeliness(d, IntakeTimeliness.NO_INTAKE),
                    d.refusals().stream().mapToLong(r -> r.count()).sum());
        }

        /** Whether the period has anything of the department to chart. */
        boolean active() {
            return department.demands().received() > 0
                    || department.disputes().opened() > 0
                    || department.disputes().overdue() > 0
                    || received > 0;
        }

        private static long timeliness(DepartmentLine d, IntakeTimeliness status) {
            return d.resources().stream()
                    .map(ResourceLine::timeliness)
                    .filter(t -> t.status() == status)
                    .count();
        }
    }

    private final SupervisionReports reports;
    private final JsonMapper json;
    private final Clock clock;

    SupervisionPageController(SupervisionReports reports, JsonMapper json, Clock clock) {
        this.reports = reports;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping
    String page(@RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        YearMonth month = YearMonth.from(LocalDate.now(clock));
        String start = from == null ? month.atDay(1).toString() : from.strip();
        String end = to == null ? month.atEndOfMonth().toString() : to.strip();
        Actor actor = CurrentActor.get();
        model.addAttribute("from", start);
        model.addAttribute("to", end);
        model.addAttribute("errors", Map.of());
        model.addAttribute("issued", issued(actor));
        try {
            SupervisionReport report = reports.report(start, end, null, actor);
            List<Line> lines = report.departments().stream().map(Line::of).toList();
            model.addAttribute("report", report);
            model.addAttribute("lines", lines);
            // Inside a <script> element: no "<" may end it early.
            model.addAttribute("charts", json.writeValueAsString(charts(lines)).replace("<", "\\u003c"));
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            model.addAttribute("errors", FormProblems.byField(e));
        }
        return "console/supervision";
    }

    /** The same CSV as GET /api/supervision/report with Accept: text/csv. */
    @GetMapping("/report.csv")
    ResponseEntity<byte[]> csv(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        SupervisionReport report = reports.report(from, to, null, CurrentActor.get());
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"supervision-" + report.from() + "-" + report.to() + ".csv\"")
                .body(ReportCsv.write(report));
    }

    /** A kept month's JSON exactly as digested, as GET /api/supervision/reports/{period} answers it. */
    @GetMapping("/reports/{period}")
    ResponseEntity<String> issuedReport(@PathVariable String period) {
        SupervisionReports.IssuedBody row = reports.issuedReport(period, CurrentActor.get());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Tongban-Digest-SM3", row.digest())
                .body(row.body());
    }

    /** The kept reports, for those SupervisionReports lets read them; null (no section) for a department. */
    private List<SupervisionReports.IssuedReport> issued(Actor actor) {
        try {
            return reports.issuedReports(actor);
        } catch (ApiException notAReader) {
            return null;
        }
    }

    /** The series supervision.js draws: one category per department with anything in the period. */
    private static Map<String, Object> charts(List<Line> lines) {
        List<Line> active = lines.stream().filter(Line::active).toList();
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put(
                "departments", active.stream().map(l -> l.department().name()).toList());
        charts.put("inTime", series(active, l -> l.department().demands().answeredInTime()));
        charts.put("late", series(active, l -> l.department().demands().answeredLate()));
        charts.put("openOverdue", series(active, l -> l.department().demands().openOverdue()));
        charts.put("median", series(active, l -> l.department().demands().medianApprovalWorkingDays()));
        charts.put("p90", series(active, l -> l.department().demands().p90ApprovalWorkingDays()));
        charts.put(
                "validRatio",
                series(active, l -> l.validRatio() == null ? null : Math.round(l.validRatio() * 1000) / 10.0));
        charts.put(
                "disputesOpened", series(active, l -> l.department().disputes().opened()));
        charts.put(
                "disputesClosed", series(active, l -> l.department().disputes().closed()));
        charts.put(
                "disputesOverdue", series(active, l -> l.department().disputes().overdue()));
        return charts;
    }

    private static List<Object> series(List<Line> lines, java.util.function.Function<Line, Object> value) {
        List<Object> values = new ArrayList<>();
        lines.forEach(l -> values.add(value.apply(l)));
        return values;
    }
}
