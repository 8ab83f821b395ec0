package cn.tongban.catalog.internal;

import cn.tongban.catalog.Demand;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class DemandRepository {

    private final JdbcClient jdbc;

    DemandRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Demand> find(UUID id) {
        return list("where id = ?", id).stream().findFirst();
    }

    /** Demands filed by a requester (null: all), newest first. */
    public List<Demand> list(String requesterUscc, Demand.Status status) {
        return list(
                "where (cast(? as text) is null or requester_uscc = ?) and (cast(? as text) is null or status = ?)",
                requesterUscc,
                requesterUscc,
                status == null ? null : status.name(),
                status == null ? null : status.name());
    }

    public void insert(Demand d) {
        jdbc.sql("""
                        insert into demand (id, requester_uscc, resource_code, need, service_item_code, service_item_name, purpose,
                                            legal_basis, mode, valid_from, valid_until, status, filed_at, filed_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        d.id(),
                        d.requesterUscc(),
                        d.resourceCode(),
                        d.need(),
                        d.serviceItemCode(),
                        d.serviceItemName(),
                        d.purpose(),
                        d.legalBasis(),
                        d.mode().name(),
                        Sql.date(d.validFrom()),
                        Sql.date(d.validUntil()),
                        d.status().name(),
                        Sql.ts(d.filedAt()),
                        d.filedBy())
                .update();
        int position = 0;
        for (String field : d.fields()) {
            jdbc.sql("insert into demand_field (demand_id, position, name) values (?, ?, ?)")
                    .params(d.id(), position++, field)
                    .update();
        }
    }

    public void updateStatus(UUID id, Demand.Status status) {
        jdbc.sql("update demand set status = ? where id = ?")
                .params(status.name(), id)
                .update();
    }

    private List<Demand> list(String where, Object... params) {
        List<Demand> demands = jdbc.sql("select * from demand " + where + " order by filed_at desc, id")
                .params(params)
                .query(DemandRepository::demand)
                .list();
        if (demands.isEmpty()) {
            return demands;
        }
        Map<UUID, List<String>> fields = new HashMap<>();
        jdbc.sql("select demand_id, name from demand_field where demand_id = any(?) order by demand_id, position")
                .param(demands.stream().map(Demand::id).toArray(UUID[]::new))
                .query(rs -> {
                    fields.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(rs.getString(2));
                });
        return demands.stream()
                .map(d -> d.withFields(fields.getOrDefault(d.id(), List.of())))
                .toList();
    }

    private static Demand demand(ResultSet rs, int row) throws SQLException {
        return new Demand(
                rs.getObject("id", UUID.class),
                rs.getString("requester_uscc"),
                rs.getString("resource_code"),
                rs.getString("need"),
                List.of(),
                rs.getString("service_item_code"),
                rs.getString("service_item_name"),
                rs.getString("purpose"),
                rs.getString("legal_basis"),
                Demand.Mode.valueOf(rs.getString("mode")),
                Sql.date(rs, "valid_from"),
                Sql.date(rs, "valid_until"),
                Demand.Status.valueOf(rs.getString("status")),
                Sql.instant(rs, "filed_at"),
                rs.getString("filed_by"));
    }
}
