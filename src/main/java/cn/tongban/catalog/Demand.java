package cn.tongban.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * 需求 (需求清单条目): a participant's need for fields of a resource — or, when nothing is published
 * yet, a free-text need with the 信息项 it wants — for one service item, purpose and legal basis.
 */
public record Demand(
        UUID id,
        String requesterUscc,
        String resourceCode,
        String need,
        List<String> fields,
        String serviceItemCode,
        String serviceItemName,
        String purpose,
        String legalBasis,
        Mode mode,
        LocalDate validFrom,
        LocalDate validUntil,
        Status status,
        Instant filedAt,
        String filedBy) {

    public Demand withFields(List<String> fields) {
        return new Demand(
                id,
                requesterUscc,
                resourceCode,
                need,
                List.copyOf(fields),
                serviceItemCode,
                serviceItemName,
                purpose,
                legalBasis,
                mode,
                validFrom,
                validUntil,
                status,
                filedAt,
                filedBy);
    }

    /** 实时 or 批量. */
    public enum Mode {
        REALTIME,
        BATCH
    }

    /** The outcome of matching, set when the demand is filed. */
    public enum Status {
        /** every requested field is granted or awaits approval */
        MATCHED,
        /** some requested fields are withheld (negative list, 不予共享) */
        PARTIALLY_MATCHED,
        /** every requested field is withheld */
        REFUSED,
        /** free-text need: resources supply some of the fields (see its matches) */
        OPEN,
        /** free-text need that no resource supplies: part of the gap report */
        UNMATCHED,
        /** 已转发: for a peer platform's resource; its provider decides there and the agreement comes back */
        FORWARDED,
        WITHDRAWN
    }
}
