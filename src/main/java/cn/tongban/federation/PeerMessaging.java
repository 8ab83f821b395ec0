package cn.tongban.federation;

import java.time.Duration;

/**
 * 平台间消息收发: how modules send to, and ask of, another province's platform. Every message is
 * signed by this hub, receipted by the peer and recorded in the ledger on both sides.
 */
public interface PeerMessaging {

    /** This hub's own province (6-digit 行政区划代码, e.g. 430000). */
    String ownProvince();

    /** Whether a peer platform is registered (and not revoked) for this province. */
    boolean knows(String province);

    /**
     * Queues a one-way message in the caller's transaction; once committed it is sent, retried
     * with backoff while the peer is down, and sent once. Returns its message id.
     *
     * @throws PeerFault (SENDER) when no active peer is registered for the receiver's province
     */
    String send(OutboundMessage message);

    /**
     * Asks the peer and waits for its signed response (checked against the peer's anchor and bound
     * to this request's digest); returns the response as an inbound message.
     *
     * @throws PeerFault when the peer refuses, does not answer in time, or answers badly
     */
    InboundMessage ask(OutboundMessage message, Duration timeout);
}
