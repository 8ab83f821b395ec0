package cn.tongban.catalog;

import cn.tongban.catalog.internal.AgreementRepository;
import cn.tongban.catalog.internal.NegativeListRepository;
import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 负面清单: what a provider never shares, with reason and legal basis. Listing a field also
 * withdraws it from every agreement that holds it, in the same transaction.
 */
@Service
public class NegativeList {

    private final NegativeListRepository entries;
    private final ResourceRepository resources;
    private final AgreementRepository agreements;
    private final ChangeLog changes;
    private final Clock clock;

    NegativeList(
            NegativeListRepository entries,
            ResourceRepository resources,
            AgreementRepository agreements,
            ChangeLog changes,
            Clock clock) {
        this.entries = entries;
        this.resources = resources;
        this.agreements = agreements;
        this.changes = changes;
        this.clock = clock;
    }

    /** An entry as submitted; no {@code field} lists the whole resource. */
    public record EntryRequest(
            @NotNull @Size(max = 64) String resourceCode,
            @Size(max = 100) String field,
            @NotBlank @Size(max = 2000) String reason,
            @NotBlank @Size(max = 2000) String legalBasis) {}

    public List<NegativeListEntry> list(String providerUscc, String resourceCode) {
        return entries.list(providerUscc, resourceCode);
    }

    /** The entries that withhold fields of one resource. */
    List<NegativeListEntry> of(String resourceCode) {
        return entries.list(null, resourceCode);
    }

    @Transactional
    public NegativeListEntry add(EntryRequest request, Actor actor) {
        Resource resource = resources
                .find(request.resourceCode())
                .orElseThrow(() -> ApiException.unknownReference("resourceCode", "resource"));
        if (!actor.mayManage(resource.providerUscc())) {
            throw ApiException.forbidden("only the provider lists its own data as not shared");
        }
        String field = request.field() == null || request.field().isBlank() ? null : request.field();
        if (field != null && resource.field(field).isEmpty()) {
            throw ApiException.unknownReference("field", "field of the resource");
        }
        if (entries.exists(resource.code(), field)) {
            throw ApiException.conflict("field", "unique", "already on the negative list");
        }
        Instant now = clock.instant();
        NegativeListEntry entry = new NegativeListEntry(
                UUID.randomUUID(),
                resource.providerUscc(),
                resource.code(),
                field,
                request.reason(),
                request.legalBasis(),
                now,
                actor.name());
        entries.insert(entry);
        changes.record(actor.name(), "negative-list", entry.id().toString(), "added", null, entry);
        withdrawFromAgreements(entry, actor, now);
        return entry;
    }

    @Transactional
    public void remove(UUID id, Actor actor) {
        NegativeListEntry entry = entries.find(id).orElseThrow(() -> ApiException.notFound("negative list entry"));
        if (!actor.mayManage(entry.providerUscc())) {
            throw ApiException.forbidden("only the provider changes its negative list");
        }
        entries.delete(id);
        changes.record(actor.name(), "negative-list", id.toString(), "removed", entry, null);
    }

    private void withdrawFromAgreements(NegativeListEntry entry, Actor actor, Instant now) {
        for (var agreement : agreements.holdingField(entry.resourceCode(), entry.field())) {
            for (Agreement.Field field : agreement.fields()) {
                if (field.state() != Agreement.FieldState.REFUSED && entry.covers(field.name())) {
                    Agreement.Field withdrawn = new Agreement.Field(
                            field.name(),
                            field.sharingType(),
                            Agreement.FieldState.REFUSED,
                            field.masking(),
                            "负面清单: " + entry.reason(),
                            entry.legalBasis(),
                            now,
                            actor.name());
                    agreements.updateField(agreement.id(), withdrawn);
                    changes.record(
                            actor.name(),
                            "agreement",
                            agreement.id().toString(),
                            "field-withdrawn",
                            Map.of("field", field.name(), "state", field.state()),
                            Map.of("field", field.name(), "state", withdrawn.state(), "negativeListEntry", entry.id()));
                }
            }
            agreements.touch(agreement.id(), now, null);
        }
    }
}
