package cn.tongban.schema.internal;

import cn.tongban.schema.StoredSchema;
import cn.tongban.schema.SubjectVersion;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class RegistryRepository {

    private final JdbcClient jdbc;

    RegistryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Serialises registrations on one subject, so versions are assigned without gaps or clashes. */
    public void lockSubject(String subject) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('registry:' || ?))")
                .param(subject)
                .query(rs -> {});
    }

    public Optional<StoredSchema> schema(int id) {
        return jdbc.sql("select id, schema_type, canonical from registry_schema where id = ?")
                .param(id)
                .query((rs, n) -> new StoredSchema(rs.getInt(1), rs.getString(2), rs.getString(3)))
                .optional();
    }

    /** The id of the schema with this fingerprint, inserting it first if it is new. */
    public int schemaId(String canonical, String fingerprint, Instant at, String by) {
        jdbc.sql("""
                        insert into registry_schema (canonical, fingerprint, created_at, created_by) values (?, ?, ?, ?)
                        on conflict (fingerprint) do nothing""").params(canonical, fingerprint, Timestamp.from(at), by).update();
        return jdbc.sql("select id from registry_schema where fingerprint = ?")
                .param(fingerprint)
                .query(Integer.class)
                .single();
    }

    public Optional<Integer> existingSchemaId(String fingerprint) {
        return jdbc.sql("select id from registry_schema where fingerprint = ?")
                .param(fingerprint)
                .query(Integer.class)
                .optional();
    }

    public List<SubjectVersion> versions(String subject) {
        return jdbc.sql(
                        "select subject, version, schema_id, deleted from registry_subject_version where subject = ? order by version")
                .param(subject)
                .query(RegistryRepository::subjectVersion)
                .list();
    }

    public List<SubjectVersion> usages(int schemaId) {
        return jdbc.sql("""
                        select subject, version, schema_id, deleted from registry_subject_version
                        where schema_id = ? order by subject, version""")
                .param(schemaId)
                .query(RegistryRepository::subjectVersion)
                .list();
    }

    public List<String> subjects(boolean includeDeleted, String prefix) {
        return jdbc.sql("""
                        select subject from registry_subject_version
                        where subject like ? escape '\\'
                        group by subject having ? or bool_or(not deleted) order by subject""")
                .params(prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", includeDeleted)
                .query(String.class)
                .list();
    }

    public void insertVersion(String subject, int version, int schemaId, Instant at, String by) {
        jdbc.sql("""
                        insert into registry_subject_version (subject, version, schema_id, created_at, created_by)
                        values (?, ?, ?, ?, ?)""").params(subject, version, schemaId, Timestamp.from(at), by).update();
    }

    public void softDelete(String subject, int version) {
        jdbc.sql("update registry_subject_version set deleted = true where subject = ? and version = ?")
                .params(subject, version)
                .update();
    }

    public void hardDelete(String subject, int version) {
        jdbc.sql("delete from registry_subject_version where subject = ? and version = ?")
                .params(subject, version)
                .update();
    }

    public Optional<String> compatibility(String subject) {
        return jdbc.sql("select compatibility from registry_config where subject = ?")
                .param(subject)
                .query(String.class)
                .optional();
    }

    public void putCompatibility(String subject, String level) {
        jdbc.sql("""
                        insert into registry_config (subject, compatibility) values (?, ?)
                        on conflict (subject) do update set compatibility = excluded.compatibility""").params(subject, level).update();
    }

    public void deleteCompatibility(String subject) {
        jdbc.sql("delete from registry_config where subject = ?").param(subject).update();
    }

    public Optional<String> mode(String subject) {
        return jdbc.sql("select mode from registry_mode where subject = ?")
                .param(subject)
                .query(String.class)
                .optional();
    }

    public void putMode(String subject, String mode) {
        jdbc.sql("""
                        insert into registry_mode (subject, mode) values (?, ?)
                        on conflict (subject) do update set mode = excluded.mode""").params(subject, mode).update();
    }

    private static SubjectVersion subjectVersion(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new SubjectVersion(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4));
    }
}
