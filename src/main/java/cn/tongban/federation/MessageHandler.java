package cn.tongban.federation;

import java.util.Optional;
import java.util.Set;

/**
 * 来文处理: a module's part in federation — it acts on verified inbound messages of its types,
 * inside the transaction that also stores the message and its receipt, so a message is acted on
 * once or not at all. A refusal is an {@link cn.tongban.web.ApiException} (the sender's fault) or
 * a {@link PeerFault}; either is answered with a signed error and audited.
 */
public interface MessageHandler {

    /** The message types this handler acts on; each type has one handler. */
    Set<MessageType> types();

    /**
     * Acts on one message; for a request type ({@link MessageType#isRequest()}) returns the JSON
     * payload of the signed response, otherwise empty.
     */
    Optional<byte[]> handle(InboundMessage message);
}
