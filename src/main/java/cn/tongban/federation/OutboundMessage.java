package cn.tongban.federation;

import java.util.UUID;

/**
 * 待发消息: what a module hands to {@link PeerMessaging}; the platform adds the sender, message
 * id, timestamp, nonce and signature. {@code payload} is JSON ({@code application/json}) for
 * control messages, or Avro in the Confluent wire format ({@code application/vnd.tongban.avro}).
 */
public record OutboundMessage(
        String receiverProvince,
        MessageType type,
        String conversationId,
        String resourceCode,
        UUID agreementId,
        String serviceItemCode,
        String purpose,
        String contentType,
        byte[] payload) {

    public static final String JSON = "application/json";

    /** A JSON control message with no resource or agreement. */
    public static OutboundMessage json(
            String receiverProvince, MessageType type, String conversationId, byte[] payload) {
        return new OutboundMessage(receiverProvince, type, conversationId, null, null, null, null, JSON, payload);
    }
}
