package cn.tongban.consent;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.MaskingRule;
import cn.tongban.catalog.ParticipantKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.consent.Refused.Rule;
import cn.tongban.consent.Verification.Outcome;
import cn.tongban.exchange.QueryService;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.security.Actor;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 核验: a notary office asks whether a record holds the values it claims, under its agreement and
 * the applicant's consent. Every rule of {@link Rule} that is {@code audited} is checked, in order,
 * before the supplier is asked; a refusal is recorded as VERIFICATION_REFUSED, an answer as
 * VERIFICATION, and neither carries the ID number or any claimed or recorded value.
 */
@Service
public class VerificationService {

    private final AgreementRegistry agreements;
    private final ParticipantRegistry participants;
    private final ConsentRegistry consents;
    private final QueryService queries;
    private final PersonRefs personRefs;
    private final HubKeys keys;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;

    VerificationService(
            AgreementRegistry agreements,
            ParticipantRegistry participants,
            ConsentRegistry consents,
            QueryService queries,
            PersonRefs personRefs,
            HubKeys keys,
            ApplicationEventPublisher events,
            JsonMapper json,
            Clock clock) {
        this.agreements = agreements;
        this.participants = participants;
        this.consents = consents;
        this.queries = queries;
        this.personRefs = personRefs;
        this.keys = keys;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** A request that passed every rule, with what its answer needs: what {@link #check} hands to {@link #answer}. */
    record Checked(
            VerificationRequest request,
            Actor caller,
            String notaryUscc,
            Agreement agreement,
            Consent consent,
            String personRef) {}

    public Verification verify(VerificationRequest request, Actor actor) {
        Checked checked;
        try {
            checked = check(request, actor);
        } catch (Refused refused) {
            auditRefusal(request, actor, refused);
            throw refused;
        }
        return answer(checked);
    }

    Checked check(VerificationRequest request, Actor actor) {
        String notary = notaryOf(actor);
        Agreement agreement = agreementOf(request, notary, actor);
        String personRef = personRefs.of(request.subject().idNumber());
        Consent consent = consentOf(request, notary, agreement, personRef);
        requireGranted(request, agreement);
        return new Checked(request, actor, notary, agreement, consent, personRef);
    }

    /**
     * Answers a checked request from this province's supplier, through the synchronous query path
     * (so the supplier's answer is validated, projected and masked under the agreement as any
     * query's is). The seam for federation: a resource of another province would be answered
     * here through a cross-province query (QueryService asks the resource's platform under the same agreement)
     * and relaying its signed answer; the checks above stay this hub's.
     */
    Verification answer(Checked checked) {
        Optional<JsonNode> record;
        try {
            record = record(checked);
        } catch (ApiException failed) {
            audit(checked, "FAILED_" + failed.status().value(), null, null);
            throw failed;
        }
        Outcome outcome;
        SortedMap<String, Boolean> claims = new TreeMap<>();
        SortedMap<String, String> disclosed = new TreeMap<>();
        if (record.isEmpty()) {
            outcome = Outcome.NOT_FOUND;
            checked.request().claims().keySet().forEach(field -> claims.put(field, false));
        } else {
            checked.request()
                    .claims()
                    .forEach((field, expected) -> claims.put(field, holds(record.get(), field, expected)));
            for (String field : checked.request().disclose()) {
                text(record.get().get(field)).ifPresent(value -> disclosed.put(field, value));
            }
            outcome = claims.containsValue(false) ? Outcome.NO_MATCH : Outcome.MATCH;
        }
        return signed(checked, outcome, claims, disclosed);
    }

    /** The record as the agreement lets the notary see it, or none when the supplier has none. */
    private Optional<JsonNode> record(Checked checked) {
        VerificationRequest request = checked.request();
        try {
            return Optional.of(queries.query(
                            request.resourceCode(),
                            new QueryService.QueryRequest(
                                    request.subject().idNumber(), request.agreementId(), request.purpose()),
                            checked.caller())
                    .envelope()
                    .record());
        } catch (ApiException e) {
            // The agreement was read for this caller a moment ago, so a 404 is the supplier's: no record.
            if (e.status() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Verification signed(
            Checked checked, Outcome outcome, SortedMap<String, Boolean> claims, SortedMap<String, String> disclosed) {
        String id = UUID.randomUUID().toString();
        String answeredAt = clock.instant().toString();
        byte[] canonical = Verification.canonicalBytes(
                id, checked.request(), checked.notaryUscc(), outcome, claims, disclosed, answeredAt);
        HubKeys.Signer signer = keys.current();
        byte[] signature = Sm2Signer.sign(signer.key(), canonical);
        // The ledger names the answer by the SM3 of its signature: the canonical bytes hold the ID
        // number and the claimed values, which a digest of them would let anyone with a guess confirm.
        audit(checked, outcome.name(), id, HexFormat.of().formatHex(Sm3.digest(signature)));
        return new Verification(
                id,
                outcome,
                claims,
                disclosed,
                answeredAt,
                new Verification.Signature(
                        "SM3withSM2", signer.keyId(), Base64.getEncoder().encodeToString(signature)));
    }

    private String notaryOf(Actor actor) {
        String uscc = actor.participantUscc();
        if (uscc == null
                || !actor.mayExchangeFor(uscc)
                || participants.get(uscc).kind() != ParticipantKind.NOTARY_OFFICE) {
            throw new Refused(Rule.CALLER_NOTARY_OFFICE);
        }
        return uscc;
    }

    private Agreement agreementOf(VerificationRequest request, String notary, Actor actor) {
        Agreement agreement;
        try {
            agreement = agreements.get(request.agreementId(), actor);
        } catch (ApiException hidden) {
            throw new Refused(Rule.AGREEMENT_DEMANDER);
        }
        if (!agreement.demanderUscc().equals(notary)) {
            throw new Refused(Rule.AGREEMENT_DEMANDER);
        }
        if (agreement.status() != Agreement.Status.ACTIVE) {
            throw new Refused(Rule.AGREEMENT_ACTIVE);
        }
        if (!agreement.resourceCode().equals(request.resourceCode())) {
            throw new Refused(Rule.AGREEMENT_RESOURCE);
        }
        if (!agreement.purpose().equals(request.purpose())) {
            throw new Refused(Rule.AGREEMENT_PURPOSE);
        }
        return agreement;
    }

    private Consent consentOf(VerificationRequest request, String notary, Agreement agreement, String personRef) {
        Consent consent = consents.find(request.consentId()).orElseThrow(() -> new Refused(Rule.CONSENT_MISSING));
        requireThat(consent.granteeUscc().equals(notary), Rule.CONSENT_GRANTEE);
        requireThat(consent.personRef().equals(personRef), Rule.CONSENT_PERSON);
        requireThat(consent.resourceCode().equals(request.resourceCode()), Rule.CONSENT_RESOURCE);
        requireThat(consent.purpose().equals(request.purpose()), Rule.CONSENT_PURPOSE);
        requireThat(consent.serviceItemCode().equals(agreement.serviceItemCode()), Rule.CONSENT_SERVICE_ITEM);
        requireThat(
                consent.caseNumber() == null
                        || consent.caseNumber().equals(request.caseNumber().strip()),
                Rule.CONSENT_CASE);
        for (Map.Entry<String, String> field : fieldsOf(request).entrySet()) {
            if (!consent.covers(field.getValue())) {
                throw new Refused(Rule.CONSENT_FIELDS, field.getKey());
            }
        }
        switch (consent.status()) {
            case REVOKED -> throw new Refused(Rule.CONSENT_REVOKED);
            case NOT_YET_VALID -> throw new Refused(Rule.CONSENT_NOT_YET_VALID);
            case EXPIRED -> throw new Refused(Rule.CONSENT_EXPIRED);
            case VALID -> {}
        }
        return consent;
    }

    /**
     * Every field must be granted; a claimed one granted unmasked too. The record is the masked
     * one the agreement allows, so a claim on a masked field would compare with {@code 张*丰}:
     * never equal to the truth, and masking the claim instead would let {@code 张四丰} match.
     */
    private static void requireGranted(VerificationRequest request, Agreement agreement) {
        Map<String, MaskingRule> granted =
                AgreementRegistry.grantOf(agreement).orElseThrow().fields();
        for (Map.Entry<String, String> field : fieldsOf(request).entrySet()) {
            if (!granted.containsKey(field.getValue())) {
                throw new Refused(Rule.AGREEMENT_FIELDS, field.getKey());
            }
        }
        for (String claimed : request.claims().keySet()) {
            if (granted.get(claimed) != MaskingRule.NONE) {
                throw new Refused(Rule.CLAIM_MASKED, "claims." + claimed);
            }
        }
    }

    /** The claimed and disclosed fields, each by where the request names it. */
    private static Map<String, String> fieldsOf(VerificationRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        new TreeMap<>(request.claims()).keySet().forEach(field -> fields.put("claims." + field, field));
        for (int i = 0; i < request.disclose().size(); i++) {
            fields.put("disclose[" + i + "]", request.disclose().get(i));
        }
        return fields;
    }

    private static void requireThat(boolean holds, Rule rule) {
        if (!holds) {
            throw new Refused(rule);
        }
    }

    private static boolean holds(JsonNode record, String field, String expected) {
        return text(record.get(field))
                .map(actual -> actual.strip().equals(expected.strip()))
                .orElse(false);
    }

    /** A record value as text: strings as they are, numbers and booleans as JSON writes them. */
    private static Optional<String> text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(value.isString() ? value.asString() : value.toString());
    }

    private void auditRefusal(VerificationRequest request, Actor actor, Refused refused) {
        if (!refused.rule().audited()) {
            return;
        }
        events.publishEvent(new AuditFact(new LedgerEntry(
                clock.instant(),
                "VERIFICATION_REFUSED",
                actor.name(),
                actor.participantUscc(),
                request.resourceCode(),
                request.agreementId(),
                null,
                null,
                refused.rule().name(),
                null,
                null,
                personRefs.of(request.subject().idNumber()),
                null,
                details(
                        "rule",
                        refused.rule().code(),
                        "field",
                        refused.field(),
                        "consent",
                        request.consentId().toString(),
                        "caseNumber",
                        request.caseNumber()))));
    }

    private void audit(Checked checked, String outcome, String verificationId, String signatureDigest) {
        VerificationRequest request = checked.request();
        events.publishEvent(new AuditFact(new LedgerEntry(
                clock.instant(),
                "VERIFICATION",
                checked.caller().name(),
                checked.notaryUscc(),
                request.resourceCode(),
                checked.agreement().id(),
                checked.agreement().purpose(),
                checked.agreement().serviceItemCode(),
                outcome,
                null,
                null,
                checked.personRef(),
                signatureDigest,
                details(
                        "verification",
                        verificationId,
                        "consent",
                        checked.consent().id().toString(),
                        "caseNumber",
                        request.caseNumber(),
                        "claimed",
                        new ArrayList<>(new TreeMap<>(request.claims()).keySet()),
                        "disclosed",
                        List.copyOf(request.disclose())))));
    }

    private String details(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null && !(pairs[i + 1] instanceof List<?> list && list.isEmpty())) {
                map.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return json.writeValueAsString(map);
    }
}
