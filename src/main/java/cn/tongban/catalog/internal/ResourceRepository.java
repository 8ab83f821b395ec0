package cn.tongban.catalog.internal;

import cn.tongban.catalog.MaskingRule;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.ResourceCategory;
import cn.tongban.catalog.ResourceField;
import cn.tongban.catalog.Sensitivity;
import cn.tongban.catalog.SharingMode;
import cn.tongban.catalog.SharingType;
import cn.tongban.catalog.UpdateCycle;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ResourceRepository {

    private final JdbcClient jdbc;

    ResourceRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Filters of the supply list; null means any. */
    public record Filter(String providerUscc, ResourceCategory category, String text) {}

    public Optional<Resource> find(String code) {
        return list("where code = ?", code).stream().findFirst();
    }

    public boolean exists(String code) {
        return jdbc.sql("select count(*) from resource where code = ?")
                        .param(code)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public List<Resource> list(Filter filter) {
        String like = filter.text() == null
                ? null
                : "%" + filter.text().replace("%", "\\%").replace("_", "\\_") + "%";
        return list(
                """
                where (cast(? as text) is null or provider_uscc = ?)
                  and (cast(? as text) is null or category = ?)
                  and (cast(? as text) is null or name like ? or summary like ? or code like ?)""",
                filter.providerUscc(),
                filter.providerUscc(),
                name(filter.category()),
                name(filter.category()),
                like,
                like,
                like,
                like);
    }

    /** Every resource with its fields, for matching free-text needs against the whole supply list. */
    public List<Resource> all() {
        return list("");
    }

    public void insert(Resource r) {
        jdbc.sql("""
                        insert into resource (code, name, provider_uscc, summary, category, format, avro_schema, sharing_modes,
                                              sharing_condition, update_cycle, open_to_public, published_on, created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        r.code(),
                        r.name(),
                        r.providerUscc(),
                        r.summary(),
                        r.category().name(),
                        r.format(),
                        r.avroSchema(),
                        Sql.names(r.sharingModes()),
                        r.sharingCondition(),
                        r.updateCycle().name(),
                        r.openToPublic(),
                        Sql.date(r.publishedOn()),
                        Sql.ts(r.createdAt()),
                        Sql.ts(r.updatedAt()))
                .update();
        insertFields(r);
    }

    public void update(Resource r) {
        jdbc.sql("""
                        update resource set name = ?, summary = ?, category = ?, format = ?, avro_schema = ?, sharing_modes = ?,
                               sharing_condition = ?, update_cycle = ?, open_to_public = ?, published_on = ?, updated_at = ?
                        where code = ?""")
                .params(
                        r.name(),
                        r.summary(),
                        r.category().name(),
                        r.format(),
                        r.avroSchema(),
                        Sql.names(r.sharingModes()),
                        r.sharingCondition(),
                        r.updateCycle().name(),
                        r.openToPublic(),
                        Sql.date(r.publishedOn()),
                        Sql.ts(r.updatedAt()),
                        r.code())
                .update();
        jdbc.sql("delete from resource_field where resource_code = ?")
                .param(r.code())
                .update();
        insertFields(r);
    }

    private void insertFields(Resource r) {
        int position = 0;
        for (ResourceField f : r.fields()) {
            jdbc.sql("""
                            insert into resource_field (resource_code, position, name, title, avro_type, sharing_type, sensitivity, masking)
                            values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            r.code(),
                            position++,
                            f.name(),
                            f.title(),
                            f.avroType(),
                            f.sharingType().name(),
                            f.sensitivity().name(),
                            f.masking().name())
                    .update();
        }
    }

    private List<Resource> list(String where, Object... params) {
        List<Resource> resources = jdbc.sql("select * from resource " + where + " order by code")
                .params(params)
                .query(ResourceRepository::resource)
                .list();
        if (resources.isEmpty()) {
            return resources;
        }
        Map<String, List<ResourceField>> fields = new LinkedHashMap<>();
        jdbc.sql("select * from resource_field where resource_code = any(?) order by resource_code, position")
                .param(resources.stream().map(Resource::code).toArray(String[]::new))
                .query(rs -> {
                    fields.computeIfAbsent(rs.getString("resource_code"), k -> new ArrayList<>())
                            .add(new ResourceField(
                                    rs.getString("name"),
                                    rs.getString("title"),
                                    rs.getString("avro_type"),
                                    SharingType.valueOf(rs.getString("sharing_type")),
                                    Sensitivity.valueOf(rs.getString("sensitivity")),
                                    MaskingRule.valueOf(rs.getString("masking"))));
                });
        return resources.stream()
                .map(r -> r.withFields(fields.getOrDefault(r.code(), List.of())))
                .toList();
    }

    private static Resource resource(ResultSet rs, int row) throws SQLException {
        return new Resource(
                rs.getString("code"),
                rs.getString("name"),
                rs.getString("provider_uscc"),
                rs.getString("summary"),
                ResourceCategory.valueOf(rs.getString("category")),
                rs.getString("format"),
                rs.getString("avro_schema"),
                List.of(),
                Sql.enums(rs, "sharing_modes", SharingMode.class),
                rs.getString("sharing_condition"),
                UpdateCycle.valueOf(rs.getString("update_cycle")),
                rs.getBoolean("open_to_public"),
                Sql.date(rs, "published_on"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    private static String name(Enum<?> e) {
        return e == null ? null : e.name();
    }
}
