package cn.tongban.consent;

import cn.tongban.catalog.ParticipantKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.consent.Refused.Rule;
import cn.tongban.consent.internal.ConsentRepository;
import cn.tongban.consent.internal.ConsentRepository.StoredConsent;
import cn.tongban.identifier.CodeKind;
import cn.tongban.identifier.ValidCode;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * 授权同意登记: records the consents applicants give notary offices, and their revocation. A consent
 * is recorded by the grantee's own staff or systems (never by the platform for it), names the
 * person by HMAC only, and every recording and revocation is in the ledger with its commit.
 */
@Service
public class ConsentRegistry {

    private final ConsentRepository consents;
    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final PersonRefs personRefs;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;

    ConsentRegistry(
            ConsentRepository consents,
            ParticipantRegistry participants,
            SupplyList supplyList,
            PersonRefs personRefs,
            ApplicationEventPublisher events,
            JsonMapper json,
            Clock clock) {
        this.consents = consents;
        this.participants = participants;
        this.supplyList = supplyList;
        this.personRefs = personRefs;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** The person a consent or a verification is about. */
    public record Subject(
            @NotNull @ValidCode(CodeKind.ID_NUMBER) String idNumber) {}

    /** A consent as the notary records it from the signed form; validFrom defaults to today. */
    public record ConsentRequest(
            @NotNull @Valid Subject subject,
            @NotNull @ValidCode(CodeKind.USCC) String granteeUscc,
            @NotBlank @Size(max = 64) String resourceCode,
            @NotEmpty @Size(max = 200) List<@NotBlank @Size(max = 128) String> fields,
            @NotBlank @Size(max = 2000) String purpose,
            @NotBlank @Size(max = 128) String serviceItemCode,
            @Size(max = 128) String caseNumber,

            @NotNull @Pattern(regexp = "^[0-9a-fA-F]{64}$", message = "must be an SM3 digest (64 hex digits)")
            String evidenceDigest,

            LocalDate validFrom,
            @NotNull LocalDate validUntil,
            @NotNull @PastOrPresent Instant givenAt) {}

    /** A revocation: why (e.g. the applicant withdrew it in writing). */
    public record RevokeRequest(@NotBlank @Size(max = 2000) String reason) {}

    @Transactional
    public Consent record(ConsentRequest request, Actor actor) {
        requireGranteesOwn(request.granteeUscc(), actor);
        if (participants.get(request.granteeUscc()).kind() != ParticipantKind.NOTARY_OFFICE) {
            throw new Refused(Rule.GRANTEE_NOTARY_OFFICE);
        }
        checkFields(resource(request.resourceCode()), request.fields());
        LocalDate today = LocalDate.now(clock);
        LocalDate validFrom = request.validFrom() == null ? today : request.validFrom();
        if (request.validUntil().isBefore(validFrom)) {
            throw new Refused(Rule.VALIDITY_ORDER);
        }
        if (request.validUntil().isBefore(today)) {
            throw new Refused(Rule.VALIDITY_PAST);
        }
        StoredConsent stored = new StoredConsent(
                UUID.randomUUID(),
                personRefs.of(request.subject().idNumber()),
                request.granteeUscc(),
                request.resourceCode(),
                List.copyOf(new LinkedHashSet<>(request.fields())),
                request.purpose(),
                request.serviceItemCode(),
                blankToNull(request.caseNumber()),
                request.evidenceDigest().toLowerCase(Locale.ROOT),
                validFrom,
                request.validUntil(),
                request.givenAt(),
                clock.instant(),
                actor.name(),
                null,
                null,
                null);
        consents.insert(stored);
        audit(stored, "CONSENT_GIVEN", actor, "GIVEN", stored.evidenceDigest(), given(stored));
        return view(stored);
    }

    /** A consent, to its grantee's people and systems, platform administrators and auditors; to anyone else, none. */
    public Consent get(UUID id, Actor actor) {
        return view(visible(id, actor));
    }

    @Transactional
    public Consent revoke(UUID id, RevokeRequest request, Actor actor) {
        StoredConsent stored = visible(id, actor);
        if (!(actor.isPlatformAdmin() || recordsFor(actor, stored.granteeUscc()))) {
            throw new Refused(Rule.REVOKER);
        }
        Instant at = clock.instant();
        if (!consents.revoke(id, at, actor.name(), request.reason())) {
            throw new Refused(Rule.ALREADY_REVOKED);
        }
        StoredConsent revoked = consents.find(id).orElseThrow();
        // The reason is free text and may name the applicant: it stays on the consent; the ledger
        // holds the SM3 of the revocation, so that the recorded reason cannot change unnoticed.
        byte[] revocation = new CanonicalBytes()
                .text(id.toString())
                .text(at.toString())
                .text(actor.name())
                .text(request.reason())
                .toByteArray();
        audit(
                revoked,
                "CONSENT_REVOKED",
                actor,
                "REVOKED",
                HexFormat.of().formatHex(Sm3.digest(revocation)),
                details("consent", id.toString()));
        return view(revoked);
    }

    /** The consent behind a verification, whoever asks; the verification checks whose it is. */
    Optional<Consent> find(UUID id) {
        return consents.find(id).map(this::view);
    }

    /** A grantee's own staff and systems, the same who may exchange data for it; not the platform. */
    static boolean recordsFor(Actor actor, String granteeUscc) {
        return actor.belongsTo(granteeUscc) && actor.mayExchangeFor(granteeUscc);
    }

    private static void requireGranteesOwn(String granteeUscc, Actor actor) {
        if (!recordsFor(actor, granteeUscc)) {
            throw new Refused(Rule.GRANTEE_OWN);
        }
    }

    private StoredConsent visible(UUID id, Actor actor) {
        return consents.find(id)
                .filter(c -> actor.isPlatformAdmin() || actor.has(Role.AUDITOR) || actor.belongsTo(c.granteeUscc()))
                .orElseThrow(() -> new Refused(Rule.CONSENT_UNKNOWN));
    }

    private Resource resource(String code) {
        try {
            return supplyList.get(code);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw new Refused(Rule.RESOURCE_UNKNOWN);
            }
            throw e;
        }
    }

    private static void checkFields(Resource resource, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (resource.field(fields.get(i)).isEmpty()) {
                throw new Refused(Rule.FIELD_UNKNOWN, "fields[" + i + "]");
            }
        }
    }

    private String given(StoredConsent c) {
        return details(
                "consent",
                c.id().toString(),
                "fields",
                c.fields(),
                "caseNumber",
                c.caseNumber(),
                "validFrom",
                c.validFrom().toString(),
                "validUntil",
                c.validUntil().toString());
    }

    private void audit(StoredConsent c, String type, Actor actor, String outcome, String digest, String details) {
        events.publishEvent(new AuditFact(new LedgerEntry(
                clock.instant(),
                type,
                actor.name(),
                c.granteeUscc(),
                c.resourceCode(),
                null,
                c.purpose(),
                c.serviceItemCode(),
                outcome,
                null,
                null,
                c.personRef(),
                digest,
                details)));
    }

    /** Non-personal facts as compact JSON, keys in the order given, nulls left out. */
    private String details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return json.writeValueAsString(map);
    }

    private Consent view(StoredConsent c) {
        return new Consent(
                c.id(),
                c.personRef(),
                c.granteeUscc(),
                c.resourceCode(),
                c.fields(),
                c.purpose(),
                c.serviceItemCode(),
                c.caseNumber(),
                c.evidenceDigest(),
                c.validFrom(),
                c.validUntil(),
                c.givenAt(),
                c.recordedAt(),
                c.recordedBy(),
                c.revokedAt(),
                c.revokedBy(),
                c.revokeReason(),
                Consent.status(c.validFrom(), c.validUntil(), c.revokedAt(), LocalDate.now(clock)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
