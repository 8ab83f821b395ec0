package cn.tongban.disputes;

import java.util.Locale;

/**
 * A dispute call refused by one of this module's rules, naming the rule and the request field; the
 * controller renders it as problem+json (DisputeProblems). Messages never carry submitted values.
 */
public class DisputeRefused extends RuntimeException {

    /** What kind of refusal a rule is, whatever the transport. */
    public enum Kind {
        NOT_ALLOWED,
        NOT_FOUND,
        INVALID,
        CONFLICT
    }

    public enum Rule {
        DEMANDERS_OWN(Kind.NOT_ALLOWED, "caller", "a dispute is opened by the demander's administrators or systems"),
        DELIVERY_RECEIVED(Kind.NOT_FOUND, "deliveryId", "the caller received no such delivery"),
        DELIVERY_NOT_YET_RECEIVED(Kind.CONFLICT, "deliveryId", "the delivery has not reached the demander yet"),
        FIELD_NOT_DELIVERED(Kind.INVALID, "fields", "names a field the delivered record does not carry"),
        ALREADY_DISPUTED(Kind.CONFLICT, "deliveryId", "a dispute about this delivery already awaits its answer"),
        DISPUTE_UNKNOWN(Kind.NOT_FOUND, "id", "no such dispute"),
        SUPPLIERS_OWN(Kind.NOT_ALLOWED, "caller", "a dispute is answered by the supplier's administrators or systems"),
        ANSWERED(Kind.CONFLICT, "id", "the dispute is already answered"),
        CORRECTION_QUEUED_NOTHING(
                Kind.CONFLICT,
                "record",
                "the corrected record reached no demander: it is the record already delivered, or no agreement is in force"),
        LIST_READER(
                Kind.NOT_ALLOWED,
                "caller",
                "disputes are listed for their parties, platform administrators and auditors");

        private final Kind kind;
        private final String field;
        private final String message;

        Rule(Kind kind, String field, String message) {
            this.kind = kind;
            this.field = field;
            this.message = message;
        }

        public Kind kind() {
            return kind;
        }

        public String message() {
            return message;
        }

        /** The rule as problem+json names it: {@code delivery-received}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Rule rule;
    private final String field;

    public DisputeRefused(Rule rule) {
        this(rule, rule.field);
    }

    /** A refusal about one precise request field, e.g. {@code fields[1]}. */
    public DisputeRefused(Rule rule, String field) {
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
