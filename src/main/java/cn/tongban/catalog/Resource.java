package cn.tongban.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * 信息资源 (供给清单条目): a data resource a provider offers, described by the catalog fields of
 * 发改高技〔2017〕1272号; its 信息项 are the fields of its Avro schema.
 */
public record Resource(
        String code,
        String name,
        String providerUscc,
        String summary,
        ResourceCategory category,
        String format,
        String avroSchema,
        List<ResourceField> fields,
        Set<SharingMode> sharingModes,
        String sharingCondition,
        UpdateCycle updateCycle,
        boolean openToPublic,
        LocalDate publishedOn,
        Instant createdAt,
        Instant updatedAt) {

    public Resource withFields(List<ResourceField> fields) {
        return new Resource(
                code,
                name,
                providerUscc,
                summary,
                category,
                format,
                avroSchema,
                List.copyOf(fields),
                sharingModes,
                sharingCondition,
                updateCycle,
                openToPublic,
                publishedOn,
                createdAt,
                updatedAt);
    }

    public Optional<ResourceField> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
