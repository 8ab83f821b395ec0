package cn.tongban.supervision.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * 监督考核查询: every figure of the report is aggregated in PostgreSQL, one statement per kind of
 * figure for all departments at once. Working days are counted in SQL from the calendar's listed
 * holidays and make-up working days, so that they agree with {@code WorkingDayCalendar}.
 */
@Repository
public class SupervisionQueries {

    private final JdbcClient jdbc;

    SupervisionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The window of one report. {@code department} null means every department; timestamps are
     * half-open [fromAt, toAt); {@code asOf}/{@code asOfDay} the moment facts are reckoned at.
     */
    public record Window(
            LocalDate from,
            LocalDate to,
            Instant fromAt,
            Instant toAt,
            Instant asOf,
            LocalDate asOfDay,
            ZoneId zone,
            String department,
            Collection<LocalDate> holidays,
            Collection<LocalDate> workdays) {}

    public record DepartmentRow(String uscc, String name) {}

    public record DemandRow(
            String uscc,
            long received,
            long inTime,
            long late,
            long open,
            long openOverdue,
            Double median,
            Double p90) {}

    public record ReasonRow(String uscc, String reason, long count) {}

    public record ResourceRow(
            String uscc,
            String code,
            String name,
            String updateCycle,
            long received,
            long accepted,
            long quarantined,
            Instant lastIntakeAt) {}

    public record RuleRow(String code, String rule, long count) {}

    public record DisputeRow(String uscc, long opened, long closed, long overdue, Double medianDays) {}

    /** Providers: participants that supply at least one resource (or the one department asked for). */
    public List<DepartmentRow> departments(Window w) {
        return jdbc.sql("""
                        select p.uscc, p.name from participant p
                         where (cast(:department as text) is null and exists
                                   (select 1 from resource r where r.provider_uscc = p.uscc))
                            or p.uscc = cast(:department as text)
                         order by p.uscc
                        """)
                .param("department", w.department())
                .query((rs, n) -> new DepartmentRow(rs.getString(1), rs.getString(2)))
                .list();
    }

    public boolean participantExists(String uscc) {
        return jdbc.sql("select exists (select 1 from participant where uscc = ?)")
                .param(uscc)
                .query(Boolean.class)
                .single();
    }

    /**
     * Agreements with fields to decide (an approval deadline), filed in the period. A request is
     * answered when no field is pending and its last conditional decision fell on or before the
     * report's day; it is late when that day is after the deadline.
     */
    public List<DemandRow> demands(Window w) {
        return jdbc.sql("""
                        with requests as (
                            select a.provider_uscc, a.filed_on, a.approval_deadline, a.revoked_at,
                                   case when bool_or(f.state = 'PENDING') then null
                                        else (max(f.decided_at) filter (where f.sharing_type = 'CONDITIONAL')
                                              at time zone :zone)::date end as decided_on
                              from agreement a join agreement_field f on f.agreement_id = a.id
                             where a.approval_deadline is not null
                               and a.filed_on between :from and :to
                               and (cast(:department as text) is null or a.provider_uscc = cast(:department as text))
                             group by a.id
                        ), judged as (
                            select r.*, r.decided_on is not null and r.decided_on <= :asOfDay as answered,
                                   (select count(*) from generate_series(r.filed_on + 1, r.decided_on, interval '1 day') g(day)
                                     where (extract(isodow from g.day) < 6 and g.day::date <> all(cast(:holidays as date[])))
                                        or g.day::date = any(cast(:workdays as date[]))) as working_days
                              from requests r
                        )
                        select provider_uscc,
                               count(*),
                               count(*) filter (where answered and decided_on <= approval_deadline),
                               count(*) filter (where answered and decided_on > approval_deadline),
                               count(*) filter (where not answered and revoked_at is null),
                               count(*) filter (where not answered and revoked_at is null and approval_deadline < :asOfDay),
                               percentile_cont(0.5) within group (order by working_days::float8) filter (where answered),
                               percentile_cont(0.9) within group (order by working_days::float8) filter (where answered)
                          from judged
                         group by provider_uscc
                        """)
                .param("zone", w.zone().getId())
                .param("from", w.from())
                .param("to", w.to())
                .param("department", w.department())
                .param("asOfDay", w.asOfDay())
                .param("holidays", dateArray(w.holidays()))
                .param("workdays", dateArray(w.workdays()))
                .query((rs, n) -> new DemandRow(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        (Double) rs.getObject(7),
                        (Double) rs.getObject(8)))
                .list();
    }

    /** Conditional fields refused by the provider on requests filed in the period, by reason. */
    public List<ReasonRow> refusals(Window w) {
        return jdbc.sql("""
                        select a.provider_uscc, coalesce(f.reason, ''), count(*)
                          from agreement a join agreement_field f on f.agreement_id = a.id
                         where a.approval_deadline is not null
                           and a.filed_on between :from and :to
                           and (cast(:department as text) is null or a.provider_uscc = cast(:department as text))
                           and f.sharing_type = 'CONDITIONAL' and f.state = 'REFUSED'
                           and f.decided_at < :asOf
                         group by 1, 2
                         order by 1, 3 desc, 2
                        """)
                .param("from", w.from())
                .param("to", w.to())
                .param("department", w.department())
                .param("asOf", Timestamp.from(w.asOf()))
                .query((rs, n) -> new ReasonRow(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    /** Each resource's intake in the period and its last intake up to the report's moment. */
    public List<ResourceRow> resources(Window w) {
        return jdbc.sql("""
                        select r.provider_uscc, r.code, r.name, r.update_cycle,
                               coalesce(b.received, 0), coalesce(b.accepted, 0), coalesce(b.quarantined, 0), l.last_at
                          from resource r
                          left join (select resource_code, sum(record_count) received, sum(accepted) accepted,
                                            sum(quarantined) quarantined
                                       from exchange_batch
                                      where received_at >= :fromAt and received_at < :toAt
                                      group by resource_code) b on b.resource_code = r.code
                          left join lateral (select max(received_at) last_at from exchange_batch e
                                              where e.resource_code = r.code and e.received_at < :asOf) l on true
                         where cast(:department as text) is null or r.provider_uscc = cast(:department as text)
                         order by r.provider_uscc, r.code
                        """)
                .param("fromAt", Timestamp.from(w.fromAt()))
                .param("toAt", Timestamp.from(w.toAt()))
                .param("asOf", Timestamp.from(w.asOf()))
                .param("department", w.department())
                .query((rs, n) -> new ResourceRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        Optional.ofNullable(rs.getTimestamp(8))
                                .map(Timestamp::toInstant)
                                .orElse(null)))
                .list();
    }

    /** The {@code limit} quarantine reasons ({@code field:rule}) most given per resource in the period. */
    public List<RuleRow> topRules(Window w, int limit) {
        return jdbc.sql("""
                        select code, rule, n from (
                            select q.resource_code code, concat(e ->> 'field', ':', e ->> 'rule') rule, count(*) n,
                                   row_number() over (partition by q.resource_code
                                                      order by count(*) desc, concat(e ->> 'field', ':', e ->> 'rule')) rank
                              from quarantine q
                              join resource r on r.code = q.resource_code
                             cross join lateral jsonb_array_elements(
                                   case when jsonb_typeof(q.reasons) = 'array' then q.reasons else '[]'::jsonb end) e
                             where q.received_at >= :fromAt and q.received_at < :toAt
                               and (cast(:department as text) is null or r.provider_uscc = cast(:department as text))
                             group by 1, 2) ranked
                         where rank <= :limit
                         order by code, n desc, rule
                        """)
                .param("fromAt", Timestamp.from(w.fromAt()))
                .param("toAt", Timestamp.from(w.toAt()))
                .param("department", w.department())
                .param("limit", limit)
                .query((rs, n) -> new RuleRow(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    /** Whether the disputes table exists: it arrives with the disputes module's migration. */
    public boolean disputesAvailable() {
        return jdbc.sql("select to_regclass('public.dispute') is not null")
                .query(Boolean.class)
                .single();
    }

    /** Disputes against each supplier: opened and closed in the period, overdue and unresolved at the report's moment. */
    public List<DisputeRow> disputes(Window w) {
        return jdbc.sql("""
                        select supplier_uscc,
                               count(*) filter (where opened_at >= :fromAt and opened_at < :toAt),
                               count(*) filter (where closed_at >= :fromAt and closed_at < :toAt),
                               count(*) filter (where opened_at < :asOf and (closed_at is null or closed_at >= :asOf)
                                                  and due_on < :asOfDay),
                               percentile_cont(0.5) within group (order by (extract(epoch from closed_at - opened_at) / 86400)::float8)
                                   filter (where closed_at >= :fromAt and closed_at < :toAt)
                          from dispute
                         where cast(:department as text) is null or supplier_uscc = cast(:department as text)
                         group by supplier_uscc
                        """)
                .param("fromAt", Timestamp.from(w.fromAt()))
                .param("toAt", Timestamp.from(w.toAt()))
                .param("asOf", Timestamp.from(w.asOf()))
                .param("asOfDay", w.asOfDay())
                .param("department", w.department())
                .query((rs, n) -> new DisputeRow(
                        rs.getString(1).strip(),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getObject(5) == null ? null : ((Number) rs.getObject(5)).doubleValue()))
                .list();
    }

    /** A PostgreSQL array literal of ISO dates (cast to date[] in the statement). */
    private static String dateArray(Collection<LocalDate> days) {
        return days.stream().map(LocalDate::toString).collect(Collectors.joining(",", "{", "}"));
    }
}
