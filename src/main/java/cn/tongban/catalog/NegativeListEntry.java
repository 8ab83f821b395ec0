package cn.tongban.catalog;

import java.time.Instant;
import java.util.UUID;

/** 负面清单条目: a resource, or one of its fields, that is never shared — with reason and legal basis. */
public record NegativeListEntry(
        UUID id,
        String providerUscc,
        String resourceCode,
        String field,
        String reason,
        String legalBasis,
        Instant createdAt,
        String createdBy) {

    public boolean covers(String fieldName) {
        return field == null || field.equals(fieldName);
    }
}
