package cn.tongban.catalog.internal;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.Participant;
import cn.tongban.catalog.ParticipantKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ParticipantRepository {

    private final JdbcClient jdbc;

    ParticipantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Participant> find(String uscc) {
        return jdbc.sql("select * from participant where uscc = ?")
                .param(uscc)
                .query(ParticipantRepository::participant)
                .optional();
    }

    public boolean exists(String uscc) {
        return jdbc.sql("select count(*) from participant where uscc = ?")
                        .param(uscc)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public List<Participant> list(ParticipantKind kind) {
        return jdbc.sql(
                        "select * from participant where (cast(? as text) is null or kind = ?) order by kind, region_code, name")
                .params(kind == null ? null : kind.name(), kind == null ? null : kind.name())
                .query(ParticipantRepository::participant)
                .list();
    }

    public void insert(Participant p) {
        jdbc.sql("""
                        insert into participant (uscc, name, kind, region_code, contact_office, contact_phone,
                                                 contact_email, public_key_pem, created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        p.uscc(),
                        p.name(),
                        p.kind().name(),
                        p.regionCode(),
                        p.contactOffice(),
                        p.contactPhone(),
                        p.contactEmail(),
                        p.publicKeyPem(),
                        Sql.ts(p.createdAt()),
                        Sql.ts(p.updatedAt()))
                .update();
    }

    public void update(Participant p) {
        jdbc.sql("""
                        update participant set name = ?, kind = ?, region_code = ?, contact_office = ?, contact_phone = ?,
                               contact_email = ?, public_key_pem = ?, updated_at = ?
                        where uscc = ?""")
                .params(
                        p.name(),
                        p.kind().name(),
                        p.regionCode(),
                        p.contactOffice(),
                        p.contactPhone(),
                        p.contactEmail(),
                        p.publicKeyPem(),
                        Sql.ts(p.updatedAt()),
                        p.uscc())
                .update();
    }

    public List<Endpoint> endpoints(String uscc) {
        return jdbc.sql("select * from endpoint where participant_uscc = ? order by created_at, id")
                .param(uscc)
                .query(ParticipantRepository::endpoint)
                .list();
    }

    public List<Endpoint> endpointsOfKind(EndpointKind.Direction direction, EndpointKind kind) {
        return jdbc.sql("select * from endpoint where direction = ? and kind = ? order by created_at, id")
                .param(direction.name())
                .param(kind.name())
                .query(ParticipantRepository::endpoint)
                .list();
    }

    public Optional<Endpoint> endpoint(UUID id) {
        return jdbc.sql("select * from endpoint where id = ?")
                .param(id)
                .query(ParticipantRepository::endpoint)
                .optional();
    }

    public void insert(Endpoint e) {
        jdbc.sql("""
                        insert into endpoint (id, participant_uscc, direction, kind, address, resource_code,
                                              schema_version, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        e.id(),
                        e.participantUscc(),
                        e.direction().name(),
                        e.kind().name(),
                        e.address(),
                        e.resourceCode(),
                        e.schemaVersion(),
                        Sql.ts(e.createdAt()))
                .update();
    }

    public void deleteEndpoint(UUID id) {
        jdbc.sql("delete from endpoint where id = ?").param(id).update();
    }

    private static Participant participant(ResultSet rs, int row) throws SQLException {
        return new Participant(
                rs.getString("uscc"),
                rs.getString("name"),
                ParticipantKind.valueOf(rs.getString("kind")),
                rs.getString("region_code"),
                rs.getString("contact_office"),
                rs.getString("contact_phone"),
                rs.getString("contact_email"),
                rs.getString("public_key_pem"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    private static Endpoint endpoint(ResultSet rs, int row) throws SQLException {
        return new Endpoint(
                rs.getObject("id", UUID.class),
                rs.getString("participant_uscc"),
                EndpointKind.Direction.valueOf(rs.getString("direction")),
                EndpointKind.valueOf(rs.getString("kind")),
                rs.getString("address"),
                rs.getString("resource_code"),
                rs.getObject("schema_version", Integer.class),
                Sql.instant(rs, "created_at"));
    }
}
