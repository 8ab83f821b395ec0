package cn.tongban.federation;

import java.time.Instant;
import java.util.UUID;

/**
 * 来文: a message from a peer platform whose signature, anchor, time window, nonce and receiver
 * the platform has checked before any {@link MessageHandler} sees it. {@code digest} is the SM3
 * of its canonical bytes (hex), as its receipt names it.
 */
public record InboundMessage(
        String messageId,
        String conversationId,
        String senderProvince,
        String receiverProvince,
        Instant timestamp,
        MessageType type,
        String resourceCode,
        UUID agreementId,
        String serviceItemCode,
        String purpose,
        String contentType,
        byte[] payload,
        String digest) {}
