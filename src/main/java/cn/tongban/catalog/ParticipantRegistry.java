package cn.tongban.catalog;

import cn.tongban.catalog.internal.ParticipantRepository;
import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.history.ChangeLog;
import cn.tongban.identifier.CodeKind;
import cn.tongban.identifier.ValidCode;
import cn.tongban.security.Actor;
import cn.tongban.signing.Sm2Keys;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 参与方登记: registers participants and their endpoints. Only a platform administrator
 * registers a participant; a participant then maintains its own entry and endpoints.
 */
@Service
public class ParticipantRegistry {

    private final ParticipantRepository participants;
    private final ResourceRepository resources;
    private final ResourceSchemas schemas;
    private final ChangeLog changes;
    private final Clock clock;

    ParticipantRegistry(
            ParticipantRepository participants,
            ResourceRepository resources,
            ResourceSchemas schemas,
            ChangeLog changes,
            Clock clock) {
        this.participants = participants;
        this.resources = resources;
        this.schemas = schemas;
        this.changes = changes;
        this.clock = clock;
    }

    /** A participant as submitted for registration or update. */
    public record ParticipantRequest(
            @NotNull @ValidCode(CodeKind.USCC) String uscc,
            @NotBlank @Size(max = 200) String name,
            @NotNull ParticipantKind kind,
            @NotNull @ValidCode(CodeKind.REGION) String regionCode,
            @Size(max = 200) String contactOffice,

            @Pattern(regexp = "^[0-9+() -]{5,30}$", message = "must be a telephone number")
            String contactPhone,

            @Email @Size(max = 200) String contactEmail,
            @Size(max = 20_000) String publicKeyPem) {}

    /** An endpoint as submitted. */
    public record EndpointRequest(
            @NotNull EndpointKind.Direction direction,
            @NotNull EndpointKind kind,
            @Size(max = 2000) String address,
            @Size(max = 64) String resourceCode,
            @jakarta.validation.constraints.Positive Integer schemaVersion) {}

    public List<Participant> list(ParticipantKind kind) {
        return participants.list(kind);
    }

    public Participant get(String uscc) {
        return participants.find(uscc).orElseThrow(() -> ApiException.notFound("participant"));
    }

    public boolean exists(String uscc) {
        return participants.exists(uscc);
    }

    @Transactional
    public Participant register(ParticipantRequest request, Actor actor) {
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden("only a platform administrator registers participants");
        }
        checkKey(request.publicKeyPem());
        if (participants.exists(request.uscc())) {
            throw ApiException.conflict("uscc", "unique", "a participant with this USCC is registered");
        }
        Instant now = clock.instant();
        Participant participant = participant(request, now, now);
        participants.insert(participant);
        changes.record(actor.name(), "participant", participant.uscc(), "registered", null, participant);
        return participant;
    }

    @Transactional
    public Participant update(String uscc, ParticipantRequest request, Actor actor) {
        Participant before = get(uscc);
        requireManager(uscc, actor);
        if (!uscc.equals(request.uscc())) {
            throw ApiException.invalid("uscc", "immutable", "the USCC identifies the participant and cannot change");
        }
        checkKey(request.publicKeyPem());
        Participant after = participant(request, before.createdAt(), clock.instant());
        participants.update(after);
        changes.record(actor.name(), "participant", uscc, "updated", before, after);
        return after;
    }

    public List<Endpoint> endpoints(String uscc) {
        get(uscc);
        return participants.endpoints(uscc);
    }

    public java.util.Optional<Endpoint> endpoint(UUID id) {
        return participants.endpoint(id);
    }

    /** Every endpoint of one kind on one side, across participants (intake channels watch these). */
    public List<Endpoint> endpoints(EndpointKind.Direction direction, EndpointKind kind) {
        return participants.endpointsOfKind(direction, kind);
    }

    @Transactional
    public Endpoint addEndpoint(String uscc, EndpointRequest request, Actor actor) {
        get(uscc);
        requireManager(uscc, actor);
        if (!request.kind().serves(request.direction())) {
            throw ApiException.invalid(
                    "kind",
                    "fits-direction",
                    "a " + request.kind() + " endpoint cannot serve the " + request.direction() + " side");
        }
        if (request.kind() == EndpointKind.PEER_PLATFORM && !actor.name().equals("system:federation")) {
            throw ApiException.invalid(
                    "kind", "federation-only", "a peer platform's endpoint is registered by federation itself");
        }
        String addressProblem = request.kind().addressProblem(request.address());
        if (addressProblem != null) {
            throw ApiException.invalid("address", "endpoint-address", addressProblem);
        }
        if ((request.kind() == EndpointKind.FILE_DROP
                        || (request.kind() == EndpointKind.KAFKA_TOPIC
                                && request.direction() == EndpointKind.Direction.SUPPLY))
                && request.resourceCode() == null) {
            throw ApiException.invalid(
                    "resourceCode", "required", "a supplier's topic or drop directory carries one resource's records");
        }
        if (request.resourceCode() != null) {
            var resource = resources
                    .find(request.resourceCode())
                    .orElseThrow(() -> ApiException.unknownReference("resourceCode", "resource"));
            if (request.direction() == EndpointKind.Direction.SUPPLY
                    && !resource.providerUscc().equals(uscc)) {
                throw ApiException.invalid(
                        "resourceCode", "own-resource", "a supply endpoint serves the participant's own resources");
            }
        }
        if (request.schemaVersion() != null) {
            if (request.direction() != EndpointKind.Direction.DEMAND || request.resourceCode() == null) {
                throw ApiException.invalid(
                        "schemaVersion",
                        "pin-scope",
                        "a schema version is pinned on a demand endpoint for one resource");
            }
            if (!schemas.hasVersion(request.resourceCode(), request.schemaVersion())) {
                throw ApiException.invalid(
                        "schemaVersion", "registered-version", "is not a registered version of the resource's schema");
            }
        }
        Endpoint endpoint = new Endpoint(
                UUID.randomUUID(),
                uscc,
                request.direction(),
                request.kind(),
                blankToNull(request.address()),
                request.resourceCode(),
                request.schemaVersion(),
                clock.instant());
        participants.insert(endpoint);
        changes.record(actor.name(), "endpoint", endpoint.id().toString(), "added", null, endpoint);
        return endpoint;
    }

    @Transactional
    public void removeEndpoint(String uscc, UUID id, Actor actor) {
        requireManager(uscc, actor);
        Endpoint endpoint = participants
                .endpoint(id)
                .filter(e -> e.participantUscc().equals(uscc))
                .orElseThrow(() -> ApiException.notFound("endpoint"));
        participants.deleteEndpoint(id);
        changes.record(actor.name(), "endpoint", id.toString(), "removed", endpoint, null);
    }

    static void requireManager(String uscc, Actor actor) {
        if (!actor.mayManage(uscc)) {
            throw ApiException.forbidden("a participant changes only its own entries");
        }
    }

    private static Participant participant(ParticipantRequest request, Instant createdAt, Instant updatedAt) {
        return new Participant(
                request.uscc(),
                request.name(),
                request.kind(),
                request.regionCode(),
                request.contactOffice(),
                request.contactPhone(),
                request.contactEmail(),
                blankToNull(request.publicKeyPem()),
                createdAt,
                updatedAt);
    }

    private static void checkKey(String pem) {
        if (pem != null && !pem.isBlank()) {
            String problem = Sm2Keys.problem(pem);
            if (problem != null) {
                throw ApiException.invalid("publicKeyPem", "sm2-public-key", problem);
            }
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
