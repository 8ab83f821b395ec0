package cn.tongban.catalog.internal;

import cn.tongban.catalog.NegativeListEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class NegativeListRepository {

    private final JdbcClient jdbc;

    NegativeListRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<NegativeListEntry> list(String providerUscc, String resourceCode) {
        return jdbc.sql("""
                        select * from negative_list_entry
                        where (cast(? as text) is null or provider_uscc = ?) and (cast(? as text) is null or resource_code = ?)
                        order by resource_code, field_name nulls first""")
                .params(providerUscc, providerUscc, resourceCode, resourceCode)
                .query(NegativeListRepository::entry)
                .list();
    }

    public Optional<NegativeListEntry> find(UUID id) {
        return jdbc.sql("select * from negative_list_entry where id = ?")
                .param(id)
                .query(NegativeListRepository::entry)
                .optional();
    }

    public boolean exists(String resourceCode, String field) {
        return jdbc.sql(
                                "select count(*) from negative_list_entry where resource_code = ? and coalesce(field_name, '') = ?")
                        .params(resourceCode, field == null ? "" : field)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public void insert(NegativeListEntry e) {
        jdbc.sql("""
                        insert into negative_list_entry (id, provider_uscc, resource_code, field_name, reason, legal_basis, created_at, created_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        e.id(),
                        e.providerUscc(),
                        e.resourceCode(),
                        e.field(),
                        e.reason(),
                        e.legalBasis(),
                        Sql.ts(e.createdAt()),
                        e.createdBy())
                .update();
    }

    public void delete(UUID id) {
        jdbc.sql("delete from negative_list_entry where id = ?").param(id).update();
    }

    private static NegativeListEntry entry(ResultSet rs, int row) throws SQLException {
        return new NegativeListEntry(
                rs.getObject("id", UUID.class),
                rs.getString("provider_uscc"),
                rs.getString("resource_code"),
                rs.getString("field_name"),
                rs.getString("reason"),
                rs.getString("legal_basis"),
                Sql.instant(rs, "created_at"),
                rs.getString("created_by"));
    }
}
