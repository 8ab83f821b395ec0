package cn.tongban.catalog.internal;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.MaskingRule;
import cn.tongban.catalog.SharingType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores agreements as rows of facts; their status is derived by {@code AgreementRegistry} from
 * those facts and the date, never stored.
 */
@Repository
public class AgreementRepository {

    private final JdbcClient jdbc;

    AgreementRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What is stored of an agreement: the facts from which its status is derived. */
    public record StoredAgreement(
            UUID id,
            UUID demandId,
            String resourceCode,
            String providerUscc,
            String demanderUscc,
            String serviceItemCode,
            String purpose,
            String legalBasis,
            LocalDate validFrom,
            LocalDate expiresOn,
            LocalDate filedOn,
            LocalDate approvalDeadline,
            LocalDate deliveryDeadline,
            List<Agreement.Field> fields,
            Instant revokedAt,
            String revokedBy,
            String revokeReason,
            Instant createdAt,
            Instant updatedAt) {

        StoredAgreement withFields(List<Agreement.Field> fields) {
            return new StoredAgreement(
                    id,
                    demandId,
                    resourceCode,
                    providerUscc,
                    demanderUscc,
                    serviceItemCode,
                    purpose,
                    legalBasis,
                    validFrom,
                    expiresOn,
                    filedOn,
                    approvalDeadline,
                    deliveryDeadline,
                    List.copyOf(fields),
                    revokedAt,
                    revokedBy,
                    revokeReason,
                    createdAt,
                    updatedAt);
        }
    }

    /** Filters of the agreement list; null means any. */
    public record Filter(String providerUscc, String demanderUscc, String resourceCode, String partyUscc) {}

    public Optional<StoredAgreement> find(UUID id) {
        return list("where id = ?", id).stream().findFirst();
    }

    public List<StoredAgreement> list(Filter f) {
        return list(
                """
                where (cast(? as text) is null or provider_uscc = ?)
                  and (cast(? as text) is null or demander_uscc = ?)
                  and (cast(? as text) is null or resource_code = ?)
                  and (cast(? as text) is null or provider_uscc = ? or demander_uscc = ?)""",
                f.providerUscc(),
                f.providerUscc(),
                f.demanderUscc(),
                f.demanderUscc(),
                f.resourceCode(),
                f.resourceCode(),
                f.partyUscc(),
                f.partyUscc(),
                f.partyUscc());
    }

    /** Agreements with fields still awaiting the provider's decision. */
    public List<StoredAgreement> awaitingApproval(String providerUscc) {
        return list("""
                where revoked_at is null and (cast(? as text) is null or provider_uscc = ?)
                  and exists (select 1 from agreement_field f where f.agreement_id = agreement.id and f.state = 'PENDING')""", providerUscc, providerUscc);
    }

    public void insert(StoredAgreement a) {
        jdbc.sql("""
                        insert into agreement (id, demand_id, resource_code, provider_uscc, demander_uscc, service_item_code, purpose,
                                               legal_basis, valid_from, expires_on, filed_on, approval_deadline, delivery_deadline,
                                               created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        a.id(),
                        a.demandId(),
                        a.resourceCode(),
                        a.providerUscc(),
                        a.demanderUscc(),
                        a.serviceItemCode(),
                        a.purpose(),
                        a.legalBasis(),
                        Sql.date(a.validFrom()),
                        Sql.date(a.expiresOn()),
                        Sql.date(a.filedOn()),
                        Sql.date(a.approvalDeadline()),
                        Sql.date(a.deliveryDeadline()),
                        Sql.ts(a.createdAt()),
                        Sql.ts(a.updatedAt()))
                .update();
        int position = 0;
        for (Agreement.Field f : a.fields()) {
            jdbc.sql("""
                            insert into agreement_field (agreement_id, position, name, sharing_type, state, masking, reason, legal_basis,
                                                         decided_at, decided_by)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            a.id(),
                            position++,
                            f.name(),
                            f.sharingType().name(),
                            f.state().name(),
                            f.masking().name(),
                            f.reason(),
                            f.legalBasis(),
                            Sql.ts(f.decidedAt()),
                            f.decidedBy())
                    .update();
        }
    }

    public void updateField(UUID agreementId, Agreement.Field f) {
        jdbc.sql("""
                        update agreement_field set state = ?, masking = ?, reason = ?, legal_basis = ?, decided_at = ?, decided_by = ?
                        where agreement_id = ? and name = ?""")
                .params(
                        f.state().name(),
                        f.masking().name(),
                        f.reason(),
                        f.legalBasis(),
                        Sql.ts(f.decidedAt()),
                        f.decidedBy(),
                        agreementId,
                        f.name())
                .update();
    }

    public void touch(UUID id, Instant at, LocalDate deliveryDeadline) {
        jdbc.sql("update agreement set updated_at = ?, delivery_deadline = coalesce(delivery_deadline, ?) where id = ?")
                .params(Sql.ts(at), Sql.date(deliveryDeadline), id)
                .update();
    }

    public void revoke(UUID id, Instant at, String by, String reason) {
        jdbc.sql("update agreement set revoked_at = ?, revoked_by = ?, revoke_reason = ?, updated_at = ? where id = ?")
                .params(Sql.ts(at), by, reason, Sql.ts(at), id)
                .update();
    }

    /** Agreements on a resource whose field (null: any field) is granted or pending. */
    public List<StoredAgreement> holdingField(String resourceCode, String field) {
        return list("""
                where resource_code = ? and revoked_at is null
                  and exists (select 1 from agreement_field f where f.agreement_id = agreement.id
                              and f.state <> 'REFUSED' and (cast(? as text) is null or f.name = ?))""", resourceCode, field, field);
    }

    private List<StoredAgreement> list(String where, Object... params) {
        List<StoredAgreement> rows = jdbc.sql("select * from agreement " + where + " order by created_at desc, id")
                .params(params)
                .query(AgreementRepository::agreement)
                .list();
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, List<Agreement.Field>> fields = new HashMap<>();
        jdbc.sql("select * from agreement_field where agreement_id = any(?) order by agreement_id, position")
                .param(rows.stream().map(StoredAgreement::id).toArray(UUID[]::new))
                .query(rs -> {
                    fields.computeIfAbsent(rs.getObject("agreement_id", UUID.class), k -> new ArrayList<>())
                            .add(new Agreement.Field(
                                    rs.getString("name"),
                                    SharingType.valueOf(rs.getString("sharing_type")),
                                    Agreement.FieldState.valueOf(rs.getString("state")),
                                    MaskingRule.valueOf(rs.getString("masking")),
                                    rs.getString("reason"),
                                    rs.getString("legal_basis"),
                                    Sql.instant(rs, "decided_at"),
                                    rs.getString("decided_by")));
                });
        return rows.stream()
                .map(a -> a.withFields(fields.getOrDefault(a.id(), List.of())))
                .toList();
    }

    private static StoredAgreement agreement(ResultSet rs, int row) throws SQLException {
        return new StoredAgreement(
                rs.getObject("id", UUID.class),
                rs.getObject("demand_id", UUID.class),
                rs.getString("resource_code"),
                rs.getString("provider_uscc"),
                rs.getString("demander_uscc"),
                rs.getString("service_item_code"),
                rs.getString("purpose"),
                rs.getString("legal_basis"),
                Sql.date(rs, "valid_from"),
                Sql.date(rs, "expires_on"),
                Sql.date(rs, "filed_on"),
                Sql.date(rs, "approval_deadline"),
                Sql.date(rs, "delivery_deadline"),
                List.of(),
                Sql.instant(rs, "revoked_at"),
                rs.getString("revoked_by"),
                rs.getString("revoke_reason"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }
}
