package cn.tongban.federation;

/**
 * 对端故障: a message could not be sent, or was refused, and whose fault it is — the sender's
 * (bad message: do not retry), the platform's (the peer hub: retry later) or the provider's (the
 * data supplier behind the peer: retry later or ask again).
 */
public class PeerFault extends RuntimeException {

    /** Whose fault a failure is, as the signed error says. */
    public enum Fault {
        SENDER,
        PLATFORM,
        PROVIDER
    }

    private final Fault fault;
    private final String code;

    public PeerFault(Fault fault, String code, String message) {
        super(message);
        this.fault = fault;
        this.code = code;
    }

    public Fault fault() {
        return fault;
    }

    /** A stable code for the rule that failed, e.g. {@code signature}, {@code replay}, {@code agreement}. */
    public String code() {
        return code;
    }
}
