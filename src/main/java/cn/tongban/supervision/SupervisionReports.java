package cn.tongban.supervision;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.catalog.UpdateCycle;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.supervision.SupervisionReport.DemandFigures;
import cn.tongban.supervision.SupervisionReport.DepartmentLine;
import cn.tongban.supervision.SupervisionReport.DisputeFigures;
import cn.tongban.supervision.SupervisionReport.Quality;
import cn.tongban.supervision.SupervisionReport.ReasonCount;
import cn.tongban.supervision.SupervisionReport.ResourceLine;
import cn.tongban.supervision.SupervisionReport.RuleCount;
import cn.tongban.supervision.SupervisionReport.Timeliness;
import cn.tongban.supervision.internal.IssuedReports;
import cn.tongban.supervision.internal.IssuedReports.IssuedRow;
import cn.tongban.supervision.internal.SupervisionQueries;
import cn.tongban.supervision.internal.SupervisionQueries.DemandRow;
import cn.tongban.supervision.internal.SupervisionQueries.DisputeRow;
import cn.tongban.supervision.internal.SupervisionQueries.ResourceRow;
import cn.tongban.supervision.internal.SupervisionQueries.Window;
import cn.tongban.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * 监督考核: builds the supervision report and issues the monthly one for the record. Platform
 * administrators and auditors see every department; a department's people see their own line
 * only (SupervisionIT s05). An issued month is never issued again (SupervisionIT s07).
 */
@Service("supervisionReports")
public class SupervisionReports {

    static final String ISSUED = "SUPERVISION_REPORT_ISSUED";
    private static final int TOP_RULES = 3;

    private final SupervisionQueries queries;
    private final IssuedReports issued;
    private final WorkingDayCalendar calendar;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;

    SupervisionReports(
            SupervisionQueries queries,
            IssuedReports issued,
            WorkingDayCalendar calendar,
            ApplicationEventPublisher events,
            JsonMapper json,
            Clock clock) {
        this.queries = queries;
        this.issued = issued;
        this.calendar = calendar;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** An issued report as listed: without its body. */
    public record IssuedReport(String period, LocalDate from, LocalDate to, Instant generatedAt, String digest) {}

    /** An issued report's JSON text exactly as digested, and its SM3 digest (hex). */
    public record IssuedBody(String period, String digest, String body) {}

    /** The report for the query parameters, narrowed to the actor's own department unless it sees all. */
    @Transactional(readOnly = true)
    public SupervisionReport report(String from, String to, String department, Actor actor) {
        String scope = scope(actor, department == null || department.isBlank() ? null : department.strip());
        ReportPeriod period = ReportPeriod.of(from, to);
        if (scope != null && !queries.participantExists(scope)) {
            throw ApiException.invalid("department", "must-exist", "no such participant");
        }
        return build(period, scope);
    }

    @Transactional(readOnly = true)
    public List<IssuedReport> issuedReports(Actor actor) {
        requireReader(actor);
        return issued.list().stream().map(SupervisionReports::listed).toList();
    }

    /** The issued report's JSON exactly as digested, with its digest. */
    @Transactional(readOnly = true)
    public IssuedBody issuedReport(String period, Actor actor) {
        requireReader(actor);
        YearMonth month = ReportPeriod.month(period);
        return issued.find(month.toString())
                .map(row -> new IssuedBody(row.period(), row.digest(), row.body()))
                .orElseThrow(() -> ApiException.notFound("issued report"));
    }

    /** Issues a month's report on a platform administrator's demand; 409 if the month has one. */
    @Transactional
    public IssuedReport issue(String period, Actor actor) {
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden("reports are issued by platform administrators");
        }
        YearMonth month = ReportPeriod.month(period);
        if (!month.isBefore(YearMonth.now(clock))) {
            throw ApiException.invalid("period", "past-month", "only a month that has ended is issued");
        }
        return issueOnce(month, actor)
                .orElseThrow(() -> ApiException.conflict("period", "issued-once", "the month's report is issued"));
    }

    /**
     * The timer's task (route {@code supervision}): the previous month's report, if it is not
     * issued yet. Checking every tick rather than only on the 1st also issues a month the hub was
     * down for on that day; the table's key keeps it to once across ticks and hubs.
     */
    @Transactional
    public boolean issueDue() {
        YearMonth previous = YearMonth.now(clock).minusMonths(1);
        return !issued.exists(previous.toString())
                && issueOnce(previous, Actor.platform("supervision")).isPresent();
    }

    private Optional<IssuedReport> issueOnce(YearMonth month, Actor actor) {
        SupervisionReport report = build(ReportPeriod.of(month), null);
        String body = json.writeValueAsString(report);
        String digest = sm3Hex(body);
        IssuedRow row = new IssuedRow(
                month.toString(), report.from(), report.to(), report.generatedAt(), actor.name(), digest, body);
        if (!issued.insertOnce(row)) {
            return Optional.empty();
        }
        events.publishEvent(new AuditFact(new LedgerEntry(
                report.generatedAt(),
                ISSUED,
                actor.name(),
                null,
                null,
                null,
                null,
                null,
                "ISSUED",
                null,
                null,
                null,
                digest,
                json.writeValueAsString(Map.of(
                        "period",
                        month.toString(),
                        "departments",
                        report.departments().size())))));
        return Optional.of(listed(row));
    }

    /** The department the actor may see: null for all (administrators, auditors), else its own. */
    private static String scope(Actor actor, String department) {
        if (actor.isPlatformAdmin() || actor.has(Role.AUDITOR)) {
            return department;
        }
        boolean departmentPerson = actor.has(Role.DEPARTMENT_ADMIN) || actor.has(Role.APPROVER);
        if (!departmentPerson || actor.participantUscc() == null) {
            throw ApiException.forbidden("the supervision report is for administrators, auditors and departments");
        }
        if (department != null && !actor.belongsTo(department)) {
            throw ApiException.forbidden("a department sees its own line only");
        }
        return actor.participantUscc();
    }

    private static void requireReader(Actor actor) {
        if (!actor.isPlatformAdmin() && !actor.has(Role.AUDITOR)) {
            throw ApiException.forbidden("issued reports are for platform administrators and auditors");
        }
    }

    private SupervisionReport build(ReportPeriod period, String department) {
        Window w = window(period, department);
        Map<String, DemandRow> demands = byKey(queries.demands(w), DemandRow::uscc);
        Map<String, List<ReasonCount>> refusals = queries.refusals(w).stream()
                .collect(Collectors.groupingBy(
                        SupervisionQueries.ReasonRow::uscc,
                        Collectors.mapping(r -> new ReasonCount(r.reason(), r.count()), Collectors.toList())));
        Map<String, List<RuleCount>> rules = queries.topRules(w, TOP_RULES).stream()
                .collect(Collectors.groupingBy(
                        SupervisionQueries.RuleRow::code,
                        Collectors.mapping(r -> new RuleCount(r.rule(), r.count()), Collectors.toList())));
        Map<String, List<ResourceLine>> resources = queries.resources(w).stream()
                .collect(Collectors.groupingBy(
                        ResourceRow::uscc, Collectors.mapping(r -> resourceLine(r, rules, w), Collectors.toList())));
        boolean disputesAvailable = queries.disputesAvailable();
        Map<String, DisputeRow> disputes = disputesAvailable ? byKey(queries.disputes(w), DisputeRow::uscc) : Map.of();
        List<DepartmentLine> lines = queries.departments(w).stream()
                .map(d -> new DepartmentLine(
                        d.uscc(),
                        d.name(),
                        demandFigures(demands.get(d.uscc())),
                        refusals.getOrDefault(d.uscc(), List.of()),
                        resources.getOrDefault(d.uscc(), List.of()),
                        disputeFigures(disputesAvailable, disputes.get(d.uscc()))))
                .toList();
        return new SupervisionReport(period.from(), period.to(), clock.instant(), w.asOf(), lines);
    }

    private Window window(ReportPeriod period, String department) {
        ZoneId zone = clock.getZone();
        Instant now = clock.instant();
        Instant fromAt = period.from().atStartOfDay(zone).toInstant();
        Instant toAt = period.to().plusDays(1).atStartOfDay(zone).toInstant();
        Instant asOf = now.isBefore(toAt) ? now : toAt;
        LocalDate today = LocalDate.now(clock);
        LocalDate asOfDay = today.isBefore(period.to()) ? today : period.to();
        return new Window(
                period.from(),
                period.to(),
                fromAt,
                toAt,
                asOf,
                asOfDay,
                zone,
                department,
                calendar.listed(WorkingDayCalendar.DayKind.HOLIDAY),
                calendar.listed(WorkingDayCalendar.DayKind.WORKDAY));
    }

    private static DemandFigures demandFigures(DemandRow row) {
        if (row == null) {
            return new DemandFigures(0, 0, 0, 0, 0, null, null);
        }
        return new DemandFigures(
                row.received(), row.inTime(), row.late(), row.open(), row.openOverdue(), row.median(), row.p90());
    }

    private static ResourceLine resourceLine(ResourceRow r, Map<String, List<RuleCount>> rules, Window w) {
        Double ratio = r.received() == 0 ? null : (double) r.accepted() / r.received();
        Quality quality = new Quality(
                r.received(), r.accepted(), r.quarantined(), ratio, rules.getOrDefault(r.code(), List.of()));
        UpdateCycle cycle = UpdateCycle.valueOf(r.updateCycle());
        Timeliness timeliness = new Timeliness(
                cycle.name(),
                IntakeTimeliness.expectedInterval(cycle).toString(),
                r.lastIntakeAt(),
                IntakeTimeliness.of(cycle, r.lastIntakeAt(), w.asOf()));
        return new ResourceLine(r.code(), r.name(), quality, timeliness);
    }

    private static DisputeFigures disputeFigures(boolean available, DisputeRow row) {
        if (!available) {
            return DisputeFigures.UNAVAILABLE;
        }
        return row == null
                ? DisputeFigures.NONE
                : new DisputeFigures(true, row.opened(), row.closed(), row.overdue(), row.medianDays());
    }

    private static IssuedReport listed(IssuedRow row) {
        return new IssuedReport(row.period(), row.from(), row.to(), row.generatedAt(), row.digest());
    }

    private static <T> Map<String, T> byKey(List<T> rows, Function<T, String> key) {
        return rows.stream().collect(Collectors.toMap(key, Function.identity()));
    }

    /**
     * SM3 (GB/T 32905) through Bouncy Castle directly: the supervision module depends on catalog,
     * exchange, ledger, calendar, security and web only, not on signing.
     */
    static String sm3Hex(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        SM3Digest digest = new SM3Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
