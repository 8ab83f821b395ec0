package cn.tongban.catalog;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.catalog.internal.AgreementRepository;
import cn.tongban.catalog.internal.AgreementRepository.StoredAgreement;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 共享协议登记: turns matches into agreements and records the provider's decisions. Conditional
 * fields must be decided within 10 working days (approval deadline) and, once consented, data is
 * due within 20 working days (delivery deadline); a refusal always carries a reason.
 */
@Service
public class AgreementRegistry {

    /** 有条件共享: the provider replies within 10 working days (国发〔2016〕51号). */
    public static final int APPROVAL_WORKING_DAYS = 10;
    /** After consent, data is delivered within 20 working days. */
    public static final int DELIVERY_WORKING_DAYS = 20;

    private final AgreementRepository agreements;
    private final WorkingDayCalendar calendar;
    private final ChangeLog changes;
    private final Clock clock;

    AgreementRegistry(AgreementRepository agreements, WorkingDayCalendar calendar, ChangeLog changes, Clock clock) {
        this.agreements = agreements;
        this.calendar = calendar;
        this.changes = changes;
        this.clock = clock;
    }

    /** The provider's decisions on pending fields. */
    public record DecisionRequest(@NotEmpty @Size(max = 500) List<@Valid @NotNull FieldDecision> decisions) {}

    /** One decision: approve (optionally with stricter masking) or refuse with a reason. */
    public record FieldDecision(
            @NotBlank String field,
            @NotNull Outcome outcome,
            @Size(max = 2000) String reason,
            MaskingRule masking) {}

    /** 同意 or 拒绝. */
    public enum Outcome {
        APPROVE,
        REFUSE
    }

    /** A revocation, by the provider, the demander or the platform. */
    public record RevokeRequest(@NotBlank @Size(max = 2000) String reason) {}

    /**
     * What a route may send: the granted fields of an active agreement, with their masking. Ask
     * {@link #grantsFor} again rather than keeping it: agreements are revoked and expire.
     */
    public record Grant(
            UUID agreementId,
            String resourceCode,
            String demanderUscc,
            String serviceItemCode,
            String purpose,
            LocalDate expiresOn,
            Map<String, MaskingRule> fields) {}

    Agreement create(Demand demand, Resource resource, List<FieldMatcher.Outcome> outcomes, Actor actor) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.now(clock);
        boolean pending = outcomes.stream().anyMatch(o -> o.state() == Agreement.FieldState.PENDING);
        List<Agreement.Field> fields = outcomes.stream()
                .map(o -> new Agreement.Field(
                        o.field(),
                        o.sharingType(),
                        o.state(),
                        o.masking(),
                        o.reason(),
                        o.legalBasis(),
                        o.state() == Agreement.FieldState.PENDING ? null : now,
                        o.state() == Agreement.FieldState.PENDING ? null : "system:matching"))
                .toList();
        StoredAgreement stored = new StoredAgreement(
                UUID.randomUUID(),
                demand.id(),
                resource.code(),
                resource.providerUscc(),
                demand.requesterUscc(),
                demand.serviceItemCode(),
                demand.purpose(),
                demand.legalBasis(),
                demand.validFrom(),
                demand.validUntil(),
                today,
                pending ? calendar.addWorkingDays(today, APPROVAL_WORKING_DAYS) : null,
                null,
                fields,
                null,
                null,
                null,
                now,
                now);
        agreements.insert(stored);
        Agreement agreement = view(stored, today);
        changes.record(actor.name(), "agreement", agreement.id().toString(), "created", null, agreement);
        return agreement;
    }

    /**
     * 对端协议: the agreement a peer platform's provider made on a demand forwarded from here — the
     * same id on both sides, each field as decided there. Recorded anew on each later decision.
     */
    @Transactional
    public Agreement recordFromPeer(Agreement decided, UUID localDemandId, Actor actor) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.now(clock);
        Optional<StoredAgreement> before = agreements.find(decided.id());
        if (before.isEmpty()) {
            agreements.insert(new StoredAgreement(
                    decided.id(),
                    localDemandId,
                    decided.resourceCode(),
                    decided.providerUscc(),
                    decided.demanderUscc(),
                    decided.serviceItemCode(),
                    decided.purpose(),
                    decided.legalBasis(),
                    decided.validFrom(),
                    decided.expiresOn(),
                    decided.filedOn(),
                    decided.approvalDeadline(),
                    decided.deliveryDeadline(),
                    decided.fields(),
                    null,
                    null,
                    null,
                    now,
                    now));
        } else {
            decided.fields().forEach(f -> agreements.updateField(decided.id(), f));
            agreements.touch(decided.id(), now, decided.deliveryDeadline());
            if (decided.revokedAt() != null && before.get().revokedAt() == null) {
                agreements.revoke(decided.id(), decided.revokedAt(), decided.revokedBy(), decided.revokeReason());
            }
        }
        StoredAgreement stored = agreements.find(decided.id()).orElseThrow();
        Agreement after = view(stored, today);
        changes.record(
                actor.name(),
                "agreement",
                decided.id().toString(),
                before.isEmpty() ? "recorded-from-peer" : "updated-from-peer",
                before.map(b -> view(b, today)).orElse(null),
                after);
        return after;
    }

    /** An agreement by id, for the platform's own use (no party check). */
    public Optional<Agreement> find(UUID id) {
        LocalDate today = LocalDate.now(clock);
        return agreements.find(id).map(a -> view(a, today));
    }

    public Agreement get(UUID id, Actor actor) {
        StoredAgreement stored = agreements.find(id).orElseThrow(() -> ApiException.notFound("agreement"));
        requireParty(stored, actor);
        return view(stored, LocalDate.now(clock));
    }

    /** Agreements the actor may see: its own as provider or demander, or all for administrators and auditors. */
    public List<Agreement> list(String providerUscc, String demanderUscc, String resourceCode, Actor actor) {
        String party = seesAll(actor) ? null : actor.participantUscc();
        if (party == null && !seesAll(actor)) {
            return List.of();
        }
        LocalDate today = LocalDate.now(clock);
        return agreements.list(new AgreementRepository.Filter(providerUscc, demanderUscc, resourceCode, party)).stream()
                .map(a -> view(a, today))
                .toList();
    }

    /** Agreements with fields awaiting the actor's participant (all of them for a platform administrator). */
    public List<Agreement> awaitingApproval(boolean overdueOnly, Actor actor) {
        String provider = seesAll(actor) ? null : actor.participantUscc();
        if (provider == null && !seesAll(actor)) {
            return List.of();
        }
        LocalDate today = LocalDate.now(clock);
        return agreements.awaitingApproval(provider).stream()
                .map(a -> view(a, today))
                .filter(a -> !overdueOnly || a.approvalOverdue())
                .toList();
    }

    @Transactional
    public Agreement decide(UUID id, DecisionRequest request, Actor actor) {
        StoredAgreement stored = agreements.find(id).orElseThrow(() -> ApiException.notFound("agreement"));
        // 谁提供谁审批: only the provider's approvers decide; neither its department administrator
        // (who maintains the catalog) nor a platform administrator may (CatalogApiIT s04).
        if (!actor.belongsTo(stored.providerUscc()) || !actor.has(Role.APPROVER)) {
            throw ApiException.forbidden("only the provider's approvers decide on its resources");
        }
        if (stored.revokedAt() != null) {
            throw ApiException.conflict("id", "not-revoked", "the agreement is revoked");
        }
        Map<String, Agreement.Field> byName = new LinkedHashMap<>();
        stored.fields().forEach(f -> byName.put(f.name(), f));
        List<FieldProblem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.decisions().size(); i++) {
            FieldDecision d = request.decisions().get(i);
            Agreement.Field field = byName.get(d.field());
            if (field == null) {
                problems.add(new FieldProblem(
                        "decisions[" + i + "].field", "must-exist", "is not a field of the agreement"));
            } else if (!seen.add(d.field())) {
                problems.add(new FieldProblem("decisions[" + i + "].field", "unique", "is decided twice"));
            } else if (field.state() != Agreement.FieldState.PENDING) {
                problems.add(new FieldProblem("decisions[" + i + "].field", "pending", "is not awaiting a decision"));
            }
            if (d.outcome() == Outcome.REFUSE
                    && (d.reason() == null || d.reason().isBlank())) {
                problems.add(new FieldProblem(
                        "decisions[" + i + "].reason", "required-for-refusal", "a refusal must give its reason"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        Instant now = clock.instant();
        boolean approved = false;
        for (FieldDecision d : request.decisions()) {
            Agreement.Field before = byName.get(d.field());
            Agreement.Field after = new Agreement.Field(
                    before.name(),
                    before.sharingType(),
                    d.outcome() == Outcome.APPROVE ? Agreement.FieldState.GRANTED : Agreement.FieldState.REFUSED,
                    d.masking() == null ? before.masking() : d.masking(),
                    d.outcome() == Outcome.REFUSE ? d.reason() : null,
                    null,
                    now,
                    actor.name());
            approved |= d.outcome() == Outcome.APPROVE;
            agreements.updateField(id, after);
        }
        LocalDate today = LocalDate.now(clock);
        agreements.touch(id, now, approved ? calendar.addWorkingDays(today, DELIVERY_WORKING_DAYS) : null);
        StoredAgreement updated = agreements.find(id).orElseThrow();
        changes.record(actor.name(), "agreement", id.toString(), "decided", view(stored, today), view(updated, today));
        return view(updated, today);
    }

    @Transactional
    public Agreement revoke(UUID id, RevokeRequest request, Actor actor) {
        StoredAgreement stored = agreements.find(id).orElseThrow(() -> ApiException.notFound("agreement"));
        boolean party = actor.belongsTo(stored.providerUscc()) || actor.belongsTo(stored.demanderUscc());
        if (!(actor.isPlatformAdmin() || (party && (actor.has(Role.DEPARTMENT_ADMIN) || actor.has(Role.APPROVER))))) {
            throw ApiException.forbidden(
                    "only a party's administrator or a platform administrator revokes an agreement");
        }
        if (stored.revokedAt() != null) {
            throw ApiException.conflict("id", "not-revoked", "the agreement is already revoked");
        }
        LocalDate today = LocalDate.now(clock);
        agreements.revoke(id, clock.instant(), actor.name(), request.reason());
        StoredAgreement updated = agreements.find(id).orElseThrow();
        changes.record(actor.name(), "agreement", id.toString(), "revoked", view(stored, today), view(updated, today));
        return view(updated, today);
    }

    /** The grants in force today on a resource: what the exchange routes may deliver, to whom, masked how. */
    public List<Grant> grantsFor(String resourceCode) {
        LocalDate today = LocalDate.now(clock);
        return agreements.list(new AgreementRepository.Filter(null, null, resourceCode, null)).stream()
                .map(a -> view(a, today))
                .map(AgreementRegistry::grant)
                .flatMap(Optional::stream)
                .toList();
    }

    /** What an agreement grants today: nothing unless it is active. */
    public static Optional<Grant> grantOf(Agreement a) {
        return grant(a);
    }

    private static Optional<Grant> grant(Agreement a) {
        if (a.status() != Agreement.Status.ACTIVE) {
            return Optional.empty();
        }
        Map<String, MaskingRule> fields = new LinkedHashMap<>();
        a.fields().stream()
                .filter(f -> f.state() == Agreement.FieldState.GRANTED)
                .forEach(f -> fields.put(f.name(), f.masking()));
        return Optional.of(new Grant(
                a.id(), a.resourceCode(), a.demanderUscc(), a.serviceItemCode(), a.purpose(), a.expiresOn(), fields));
    }

    private static void requireParty(StoredAgreement a, Actor actor) {
        if (!(seesAll(actor) || actor.belongsTo(a.providerUscc()) || actor.belongsTo(a.demanderUscc()))) {
            throw ApiException.notFound("agreement");
        }
    }

    private static boolean seesAll(Actor actor) {
        return actor.isPlatformAdmin() || actor.has(Role.AUDITOR);
    }

    static Agreement.Status status(StoredAgreement a, LocalDate today) {
        if (a.revokedAt() != null) {
            return Agreement.Status.REVOKED;
        }
        if (today.isAfter(a.expiresOn())) {
            return Agreement.Status.EXPIRED;
        }
        boolean granted = a.fields().stream().anyMatch(f -> f.state() == Agreement.FieldState.GRANTED);
        boolean pending = a.fields().stream().anyMatch(f -> f.state() == Agreement.FieldState.PENDING);
        if (!granted && !pending) {
            return Agreement.Status.REFUSED;
        }
        if (today.isBefore(a.validFrom())) {
            return Agreement.Status.NOT_YET_VALID;
        }
        return granted ? Agreement.Status.ACTIVE : Agreement.Status.PENDING;
    }

    private static Agreement view(StoredAgreement a, LocalDate today) {
        boolean pending = a.fields().stream().anyMatch(f -> f.state() == Agreement.FieldState.PENDING);
        boolean overdue =
                a.revokedAt() == null && pending && a.approvalDeadline() != null && today.isAfter(a.approvalDeadline());
        return new Agreement(
                a.id(),
                a.demandId(),
                a.resourceCode(),
                a.providerUscc(),
                a.demanderUscc(),
                a.serviceItemCode(),
                a.purpose(),
                a.legalBasis(),
                a.validFrom(),
                a.expiresOn(),
                a.filedOn(),
                a.approvalDeadline(),
                a.deliveryDeadline(),
                status(a, today),
                overdue,
                a.fields(),
                a.revokedAt(),
                a.revokedBy(),
                a.revokeReason(),
                a.createdAt(),
                a.updatedAt());
    }
}
