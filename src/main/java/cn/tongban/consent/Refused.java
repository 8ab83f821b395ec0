package cn.tongban.consent;

import java.util.Locale;

/**
 * A consent or verification refused by one of this module's rules, naming the rule and the request
 * field it concerns; the controllers render it as problem+json (ConsentProblems). Messages never
 * carry submitted values.
 */
public class Refused extends RuntimeException {

    /** What kind of refusal a rule is, whatever the transport. */
    public enum Kind {
        NOT_ALLOWED,
        NOT_FOUND,
        INVALID,
        UNKNOWN_REFERENCE,
        CONFLICT
    }

    /**
     * The rules. Those marked {@code audited} are a verification's, checked in declaration order
     * (VerificationService) and each refusal recorded as {@code VERIFICATION_REFUSED} with the
     * rule's name as its outcome.
     */
    public enum Rule {
        GRANTEE_OWN(Kind.NOT_ALLOWED, "granteeUscc", "a consent is recorded by the grantee's own staff or systems"),
        GRANTEE_NOTARY_OFFICE(Kind.NOT_ALLOWED, "granteeUscc", "the grantee is not a notary office"),
        RESOURCE_UNKNOWN(Kind.UNKNOWN_REFERENCE, "resourceCode", "no such resource"),
        FIELD_UNKNOWN(Kind.INVALID, "fields", "names a field the resource does not have"),
        VALIDITY_ORDER(Kind.INVALID, "validUntil", "must not be before validFrom"),
        VALIDITY_PAST(Kind.INVALID, "validUntil", "must not be in the past"),
        CONSENT_UNKNOWN(Kind.NOT_FOUND, "id", "no such consent"),
        REVOKER(
                Kind.NOT_ALLOWED,
                "id",
                "a consent is revoked by the grantee's staff or systems, or by a platform administrator"),
        ALREADY_REVOKED(Kind.CONFLICT, "id", "the consent is already revoked"),

        CALLER_NOTARY_OFFICE("caller", "verifications are asked by a notary office's staff or systems"),
        AGREEMENT_DEMANDER("agreementId", "is not an agreement of the caller's"),
        AGREEMENT_ACTIVE("agreementId", "the agreement is not active"),
        AGREEMENT_RESOURCE("resourceCode", "is not the agreement's resource"),
        AGREEMENT_PURPOSE("purpose", "is not the purpose the agreement covers"),
        CONSENT_MISSING("consentId", "no consent with this id"),
        CONSENT_GRANTEE("consentId", "the consent was not given to the caller"),
        CONSENT_PERSON("subject.idNumber", "the consent was not given by this person"),
        CONSENT_RESOURCE("resourceCode", "the consent does not cover this resource"),
        CONSENT_PURPOSE("purpose", "the consent was not given for this purpose"),
        CONSENT_SERVICE_ITEM("consentId", "the consent was given for another service item than the agreement's"),
        CONSENT_CASE("caseNumber", "the consent was given for another case"),
        CONSENT_FIELDS("claims", "the consent does not cover this field"),
        CONSENT_REVOKED("consentId", "the consent is revoked"),
        CONSENT_NOT_YET_VALID("consentId", "the consent is not valid yet"),
        CONSENT_EXPIRED("consentId", "the consent has expired"),
        AGREEMENT_FIELDS("claims", "the agreement does not grant this field"),
        CLAIM_MASKED(
                "claims", "the agreement masks this field, so its exact value cannot be compared: disclose it instead");

        private final Kind kind;
        private final String field;
        private final String message;
        private final boolean audited;

        Rule(Kind kind, String field, String message) {
            this(kind, field, message, false);
        }

        /** A verification rule: not allowed, and audited. */
        Rule(String field, String message) {
            this(Kind.NOT_ALLOWED, field, message, true);
        }

        Rule(Kind kind, String field, String message, boolean audited) {
            this.kind = kind;
            this.field = field;
            this.message = message;
            this.audited = audited;
        }

        public Kind kind() {
            return kind;
        }

        public String message() {
            return message;
        }

        public boolean audited() {
            return audited;
        }

        /** The rule as problem+json names it: {@code consent-revoked}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Rule rule;
    private final String field;

    public Refused(Rule rule) {
        this(rule, rule.field);
    }

    /** A refusal about one precise request field, e.g. {@code claims.school} or {@code disclose[1]}. */
    public Refused(Rule rule, String field) {
        super(field + ": " + rule.message);
        this.rule = rule;
        this.field = field;
    }

    public Rule rule() {
        return rule;
    }

    public String field() {
        return field;
    }
}
