package cn.tongban.cases.internal;

import cn.tongban.cases.ApplicantType;
import cn.tongban.cases.CaseMode;
import cn.tongban.cases.CaseResult;
import cn.tongban.cases.CaseStatus;
import cn.tongban.cases.CaseStep;
import cn.tongban.cases.Material;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Cases, their materials and their append-only timelines, and the inbound messages acted on. */
@Repository
public class CaseRepository {

    private final JdbcClient jdbc;

    CaseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a list is narrowed to: an office on either side, a status, and the caller's participant (null: any). */
    public record Filter(String office, CaseStatus status, String party, int limit) {}

    public void insert(CaseRow c, List<Material> materials) {
        jdbc.sql("""
                        insert into case_file (serial, service_item_code, service_item_name, mode, applicant_type,
                                               applicant_ref, applicant_id_enc, applicant_name_enc, applicant_key_id,
                                               receiving_province, receiving_office, owning_province, owning_office,
                                               status, created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        c.serial(),
                        c.serviceItemCode(),
                        c.serviceItemName(),
                        c.mode().name(),
                        c.applicantType().name(),
                        c.applicantRef(),
                        c.applicantIdEnc(),
                        c.applicantNameEnc(),
                        c.keyId(),
                        c.receivingProvince(),
                        c.receivingOffice(),
                        c.owningProvince(),
                        c.owningOffice(),
                        c.status().name(),
                        Timestamp.from(c.createdAt()),
                        Timestamp.from(c.updatedAt()))
                .update();
        int position = 0;
        for (Material m : materials) {
            jdbc.sql(
                            "insert into case_material (serial, position, name, media_type, size, sm3) values (?, ?, ?, ?, ?, ?)")
                    .params(c.serial(), position++, m.name(), m.mediaType(), m.size(), m.sm3())
                    .update();
        }
    }

    public boolean exists(String serial) {
        return jdbc.sql("select count(*) from case_file where serial = ?")
                        .param(serial)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public Optional<CaseRow> find(String serial) {
        return jdbc.sql("select * from case_file where serial = ?")
                .param(serial)
                .query(CaseRepository::row)
                .optional();
    }

    /** The case, locked until the transaction ends: its status and timeline change one step at a time. */
    public Optional<CaseRow> lock(String serial) {
        return jdbc.sql("select * from case_file where serial = ? for update")
                .param(serial)
                .query(CaseRepository::row)
                .optional();
    }

    /** Newest first. */
    public List<CaseRow> list(Filter f) {
        return jdbc.sql("""
                        select * from case_file
                        where (cast(:office as text) is null or receiving_office = :office or owning_office = :office)
                          and (cast(:status as text) is null or status = :status)
                          and (cast(:party as text) is null or receiving_office = :party or owning_office = :party)
                        order by updated_at desc, serial
                        limit :limit""")
                .param("office", f.office())
                .param("status", f.status() == null ? null : f.status().name())
                .param("party", f.party())
                .param("limit", f.limit())
                .query(CaseRepository::row)
                .list();
    }

    public void updateStatus(String serial, CaseStep step) {
        jdbc.sql("""
                        update case_file
                        set status = ?, updated_at = ?,
                            reject_reason = coalesce(?, reject_reason),
                            result = coalesce(?, result),
                            result_note = coalesce(?, result_note)
                        where serial = ?""")
                .params(
                        step.status().name(),
                        Timestamp.from(step.at()),
                        step.status() == CaseStatus.REJECTED ? step.reason() : null,
                        step.result() == null ? null : step.result().name(),
                        step.status() == CaseStatus.COMPLETED ? step.note() : null,
                        serial)
                .update();
    }

    public List<Material> materials(String serial) {
        return jdbc.sql("select * from case_material where serial = ? order by position")
                .param(serial)
                .query((rs, n) -> new Material(
                        rs.getString("name"), rs.getString("media_type"), rs.getLong("size"), rs.getString("sm3")))
                .list();
    }

    public List<CaseStep> steps(String serial) {
        return jdbc.sql("select * from case_step where serial = ? order by seq")
                .param(serial)
                .query(CaseRepository::step)
                .list();
    }

    public void append(String serial, CaseStep s) {
        jdbc.sql("""
                        insert into case_step (serial, seq, at, status, by_actor, province, message_id, reason, result, note)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        serial,
                        s.seq(),
                        Timestamp.from(s.at()),
                        s.status().name(),
                        s.by(),
                        s.province(),
                        s.messageId(),
                        s.reason(),
                        s.result() == null ? null : s.result().name(),
                        s.note())
                .update();
    }

    /**
     * Notes that an inbound message is being acted on; false when it already was. The row is
     * written before the message's effects, so of two deliveries racing one waits on the other
     * and then finds the row.
     */
    public boolean markActedOn(String messageId, String type, String serial, Instant at) {
        return jdbc.sql("""
                                insert into case_inbound_message (message_id, type, serial, acted_at)
                                values (?, ?, ?, ?) on conflict (message_id) do nothing""").params(messageId, type, serial, Timestamp.from(at)).update() == 1;
    }

    private static CaseRow row(ResultSet rs, int n) throws SQLException {
        String result = rs.getString("result");
        return new CaseRow(
                rs.getString("serial"),
                rs.getString("service_item_code"),
                rs.getString("service_item_name"),
                CaseMode.valueOf(rs.getString("mode")),
                ApplicantType.valueOf(rs.getString("applicant_type")),
                rs.getString("applicant_ref"),
                rs.getBytes("applicant_id_enc"),
                rs.getBytes("applicant_name_enc"),
                rs.getString("applicant_key_id"),
                rs.getString("receiving_province"),
                rs.getString("receiving_office"),
                rs.getString("owning_province"),
                rs.getString("owning_office"),
                CaseStatus.valueOf(rs.getString("status")),
                rs.getString("reject_reason"),
                result == null ? null : CaseResult.valueOf(result),
                rs.getString("result_note"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static CaseStep step(ResultSet rs, int n) throws SQLException {
        String result = rs.getString("result");
        return new CaseStep(
                rs.getInt("seq"),
                rs.getTimestamp("at").toInstant(),
                CaseStatus.valueOf(rs.getString("status")),
                rs.getString("by_actor"),
                rs.getString("province"),
                rs.getString("message_id"),
                rs.getString("reason"),
                result == null ? null : CaseResult.valueOf(result),
                rs.getString("note"));
    }
}
