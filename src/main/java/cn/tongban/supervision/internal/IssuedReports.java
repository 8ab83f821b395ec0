package cn.tongban.supervision.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The monthly reports issued for the record; a row is written once and never changed (trigger in V18). */
@Repository
public class IssuedReports {

    private final JdbcClient jdbc;

    IssuedReports(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An issued report: the body is the exact JSON text whose SM3 is {@code digest}. */
    public record IssuedRow(
            String period,
            LocalDate from,
            LocalDate to,
            Instant generatedAt,
            String generatedBy,
            String digest,
            String body) {}

    /** Stores the report unless the month has one; false when it had (a second hub or a second tick). */
    public boolean insertOnce(IssuedRow row) {
        return jdbc.sql("""
                        insert into supervision_report (period, period_from, period_to, generated_at, generated_by, digest, body)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (period) do nothing
                        """)
                        .params(
                                row.period(),
                                row.from(),
                                row.to(),
                                Timestamp.from(row.generatedAt()),
                                row.generatedBy(),
                                row.digest(),
                                row.body())
                        .update()
                == 1;
    }

    public boolean exists(String period) {
        return jdbc.sql("select exists (select 1 from supervision_report where period = ?)")
                .param(period)
                .query(Boolean.class)
                .single();
    }

    public Optional<IssuedRow> find(String period) {
        return jdbc.sql("select period, period_from, period_to, generated_at, generated_by, digest, body"
                        + " from supervision_report where period = ?")
                .param(period)
                .query((rs, n) -> new IssuedRow(
                        rs.getString(1),
                        rs.getObject(2, LocalDate.class),
                        rs.getObject(3, LocalDate.class),
                        rs.getTimestamp(4).toInstant(),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)))
                .optional();
    }

    /** Every issued report without its body, newest month first. */
    public List<IssuedRow> list() {
        return jdbc.sql("select period, period_from, period_to, generated_at, generated_by, digest"
                        + " from supervision_report order by period desc")
                .query((rs, n) -> new IssuedRow(
                        rs.getString(1),
                        rs.getObject(2, LocalDate.class),
                        rs.getObject(3, LocalDate.class),
                        rs.getTimestamp(4).toInstant(),
                        rs.getString(5),
                        rs.getString(6),
                        null))
                .list();
    }
}
