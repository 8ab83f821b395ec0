package cn.tongban.exchange;

import java.util.List;

/**
 * 对端传输: what a {@code peer-delivery} route needs of federation — the signed RECORDS message
 * carrying a pass's envelopes to another province's platform, and the check of its answer.
 * Implemented by the federation module (the exchange does not depend on it).
 */
public interface PeerTransport {

    /** One envelope for the peer, with the lane that keeps a person's records in order. */
    record PeerRecord(Envelope envelope, String orderKey) {}

    /** A signed call: where to, its exact body and signature header, and the message it carries. */
    record PeerCall(String url, byte[] body, String signature, String messageId, Object message) {}

    /** The signed message for these envelopes to {@code province}'s platform. */
    PeerCall records(String province, List<PeerRecord> records);

    /**
     * Checks the answer to {@code call}: returns when it is the peer's signed receipt for exactly
     * these bytes (and records it); otherwise throws, naming whose fault it is.
     */
    void receipt(PeerCall call, int status, byte[] body, String signature);

    /** The response header that carries the peer's signature. */
    String signatureHeader();

    /** The peer did not take the message: whose fault and which rule, safe to show operators. */
    final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
