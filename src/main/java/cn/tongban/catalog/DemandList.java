package cn.tongban.catalog;

import cn.tongban.catalog.internal.DemandRepository;
import cn.tongban.catalog.internal.ParticipantRepository;
import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.history.ChangeLog;
import cn.tongban.identifier.CodeKind;
import cn.tongban.identifier.ValidCode;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 需求清单: demands filed by participants. A demand for a resource is matched at once and becomes
 * an agreement; a free-text need is matched against the whole supply list, and what nothing
 * supplies lands in the gap report.
 */
@Service
public class DemandList {

    /** The longest validity a demand may ask for. */
    static final int MAX_VALIDITY_YEARS = 5;

    private final DemandRepository demands;
    private final ResourceRepository resources;
    private final ParticipantRepository participants;
    private final NegativeList negativeList;
    private final AgreementRegistry agreements;
    private final ChangeLog changes;
    private final Clock clock;
    private final org.springframework.beans.factory.ObjectProvider<RemoteSupply> remote;

    DemandList(
            DemandRepository demands,
            ResourceRepository resources,
            ParticipantRepository participants,
            NegativeList negativeList,
            AgreementRegistry agreements,
            ChangeLog changes,
            Clock clock,
            org.springframework.beans.factory.ObjectProvider<RemoteSupply> remote) {
        this.demands = demands;
        this.resources = resources;
        this.participants = participants;
        this.negativeList = negativeList;
        this.agreements = agreements;
        this.changes = changes;
        this.clock = clock;
        this.remote = remote;
    }

    /** A demand as submitted: a resource and its fields, or a free-text need and the 信息项 it wants. */
    public record DemandRequest(
            @NotNull @ValidCode(CodeKind.USCC) String requesterUscc,
            @Size(max = 64) String resourceCode,
            @Size(max = 4000) String need,
            @NotEmpty @Size(max = 200) List<@NotBlank @Size(max = 100) String> fields,

            @NotNull @Pattern(regexp = "^[0-9A-Za-z-]{4,64}$", message = "must be a service item code (事项编码)")
            String serviceItemCode,

            @Size(max = 200) String serviceItemName,
            @NotBlank @Size(max = 2000) String purpose,
            @NotBlank @Size(max = 2000) String legalBasis,
            @NotNull Demand.Mode mode,
            @NotNull LocalDate validFrom,
            @NotNull LocalDate validUntil) {}

    /** What a demand led to: the demand and, for a resource demand, its agreement. */
    public record Filed(Demand demand, Agreement agreement) {}

    /** A resource that supplies some of a free-text need's fields. */
    public record Candidate(
            String resourceCode,
            String resourceName,
            String providerUscc,
            List<String> supplied,
            List<String> missing) {}

    @Transactional
    public Filed file(DemandRequest request, Actor actor) {
        if (!participants.exists(request.requesterUscc())) {
            throw ApiException.unknownReference("requesterUscc", "participant");
        }
        if (!actor.mayManage(request.requesterUscc())) {
            throw ApiException.forbidden("a participant files demands only for itself");
        }
        checkShape(request);
        Resource resource = null;
        if (request.resourceCode() != null && !request.resourceCode().isBlank()) {
            resource = resources
                    .find(request.resourceCode())
                    .orElseThrow(() -> ApiException.unknownReference("resourceCode", "resource"));
            checkFields(resource, request.fields());
            if (resource.providerUscc().equals(request.requesterUscc())) {
                throw ApiException.invalid(
                        "resourceCode", "not-own-resource", "a provider needs no agreement for its own data");
            }
        }
        UUID id = UUID.randomUUID();
        Demand demand = demand(id, request, Demand.Status.OPEN, actor);
        RemoteSupply peers = remote.getIfAvailable();
        if (resource != null && peers != null && peers.homeOf(resource.code()).isPresent()) {
            demand = demand(id, request, Demand.Status.FORWARDED, actor);
            demands.insert(demand);
            changes.record(actor.name(), "demand", id.toString(), "forwarded", null, demand);
            peers.forward(demand, resource);
            return new Filed(demand, null);
        }
        if (resource == null) {
            Demand.Status status = candidates(demand).isEmpty() ? Demand.Status.UNMATCHED : Demand.Status.OPEN;
            demand = demand(id, request, status, actor);
            demands.insert(demand);
            changes.record(actor.name(), "demand", id.toString(), "filed", null, demand);
            return new Filed(demand, null);
        }
        List<FieldMatcher.Outcome> outcomes =
                FieldMatcher.match(resource, negativeList.of(resource.code()), request.fields());
        long refused = outcomes.stream()
                .filter(o -> o.state() == Agreement.FieldState.REFUSED)
                .count();
        Demand.Status status = refused == 0
                ? Demand.Status.MATCHED
                : refused == outcomes.size() ? Demand.Status.REFUSED : Demand.Status.PARTIALLY_MATCHED;
        demand = demand(id, request, status, actor);
        demands.insert(demand);
        changes.record(actor.name(), "demand", id.toString(), "filed", null, demand);
        Agreement agreement = agreements.create(demand, resource, outcomes, actor);
        return new Filed(demand, agreement);
    }

    public Demand get(UUID id, Actor actor) {
        Demand demand = demands.find(id).orElseThrow(() -> ApiException.notFound("demand"));
        if (!(actor.isPlatformAdmin() || actor.has(Role.AUDITOR) || actor.belongsTo(demand.requesterUscc()))) {
            throw ApiException.notFound("demand");
        }
        return demand;
    }

    /**
     * Demands in the demand list. The list is published within the province (it tells providers
     * what is wanted), so every participant reads it; it names organisations and purposes, never persons.
     */
    public List<Demand> list(String requesterUscc, Demand.Status status) {
        return demands.list(requesterUscc, status);
    }

    /** For a free-text need: the resources that supply its fields, best first. */
    public List<Candidate> matches(UUID id, Actor actor) {
        return candidates(get(id, actor));
    }

    @Transactional
    public Demand withdraw(UUID id, Actor actor) {
        Demand before = get(id, actor);
        if (!actor.mayManage(before.requesterUscc())) {
            throw ApiException.forbidden("only the requester's administrator withdraws its demand");
        }
        if (before.status() == Demand.Status.WITHDRAWN) {
            return before;
        }
        demands.updateStatus(id, Demand.Status.WITHDRAWN);
        Demand after = demands.find(id).orElseThrow();
        changes.record(actor.name(), "demand", id.toString(), "withdrawn", before, after);
        return after;
    }

    List<Candidate> candidates(Demand demand) {
        List<Candidate> candidates = new ArrayList<>();
        for (Resource resource : resources.all()) {
            if (resource.providerUscc().equals(demand.requesterUscc())) {
                continue;
            }
            List<String> supplied = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String wanted : demand.fields()) {
                resource.fields().stream()
                        .filter(f -> f.sharingType() != SharingType.NOT_SHARED && FieldMatcher.answers(f, wanted))
                        .findFirst()
                        .ifPresentOrElse(f -> supplied.add(f.name()), () -> missing.add(wanted));
            }
            if (!supplied.isEmpty()) {
                candidates.add(
                        new Candidate(resource.code(), resource.name(), resource.providerUscc(), supplied, missing));
            }
        }
        candidates.sort(
                (a, b) -> Integer.compare(b.supplied().size(), a.supplied().size()));
        return candidates;
    }

    private void checkShape(DemandRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        boolean hasResource =
                request.resourceCode() != null && !request.resourceCode().isBlank();
        boolean hasNeed = request.need() != null && !request.need().isBlank();
        if (!hasResource && !hasNeed) {
            problems.add(new FieldProblem("resourceCode", "resource-or-need", "name a resource, or describe the need"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.fields().size(); i++) {
            if (!seen.add(request.fields().get(i))) {
                problems.add(new FieldProblem("fields[" + i + "]", "unique", "is requested twice"));
            }
        }
        LocalDate today = LocalDate.now(clock);
        if (request.validUntil().isBefore(request.validFrom())) {
            problems.add(new FieldProblem("validUntil", "after-valid-from", "must not be before validFrom"));
        } else if (request.validUntil().isAfter(request.validFrom().plusYears(MAX_VALIDITY_YEARS))) {
            problems.add(new FieldProblem(
                    "validUntil", "max-validity", "a demand is valid for at most " + MAX_VALIDITY_YEARS + " years"));
        }
        if (request.validUntil().isBefore(today)) {
            problems.add(new FieldProblem("validUntil", "not-past", "must not be in the past"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    private static void checkFields(Resource resource, List<String> fields) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            if (resource.field(fields.get(i)).isEmpty()) {
                problems.add(new FieldProblem("fields[" + i + "]", "must-exist", "is not a field of the resource"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(
                    org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT,
                    problems.get(0).field() + ": " + problems.get(0).message(),
                    problems);
        }
    }

    private Demand demand(UUID id, DemandRequest r, Demand.Status status, Actor actor) {
        return new Demand(
                id,
                r.requesterUscc(),
                r.resourceCode() == null || r.resourceCode().isBlank() ? null : r.resourceCode(),
                r.need() == null || r.need().isBlank() ? null : r.need(),
                List.copyOf(r.fields()),
                r.serviceItemCode(),
                r.serviceItemName(),
                r.purpose(),
                r.legalBasis(),
                r.mode(),
                r.validFrom(),
                r.validUntil(),
                status,
                clock.instant(),
                actor.name());
    }
}
