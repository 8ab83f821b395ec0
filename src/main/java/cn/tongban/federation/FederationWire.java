package cn.tongban.federation;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * 报文格式: the bytes of the inter-platform protocol (docs/federation-protocol.md). Every body —
 * message, receipt, error, directory — is JSON signed as the exact bytes sent: SM2 (SM3withSM2,
 * signer id 1234567812345678, DER) in the {@value #SIGNATURE_HEADER} header. Signing the bytes,
 * not a re-serialised object, lets another province's platform verify with any SM2 library and no
 * JSON canonicalisation.
 */
public final class FederationWire {

    public static final String PROTOCOL = "TONGBAN-FED/1";
    public static final String SIGNATURE_HEADER = "Tongban-Federation-Signature";
    public static final String MESSAGES_PATH = "/federation/messages";
    public static final String DIRECTORY_PATH = "/federation/directory";
    public static final String AVRO = "application/vnd.tongban.avro";

    /**
     * The protocol's own time — timestamps, receipts, the replay window, certificate and
     * directory validity — is the real UTC time, never the business clock (which drills and
     * acceptance runs move): two platforms must agree on it within the window.
     */
    public static final java.time.Clock WIRE_CLOCK = java.time.Clock.systemUTC();

    private FederationWire() {}

    /** A message as it travels; {@code payload} is base64, {@code inReplyTo} a request's digest. */
    public record WireMessage(
            String protocol,
            String messageId,
            String conversationId,
            String sender,
            String receiver,
            String timestamp,
            String nonce,
            MessageType type,
            String resource,
            String agreement,
            String serviceItem,
            String purpose,
            String inReplyTo,
            String contentType,
            String payload) {

        public byte[] payloadBytes() {
            return payload == null ? new byte[0] : Base64.getDecoder().decode(payload);
        }

        public UUID agreementId() {
            return agreement == null ? null : UUID.fromString(agreement);
        }
    }

    /** What the receiver says it received: the digest of the exact bytes and of their content. */
    public record WireReceipt(
            String protocol,
            String receiptFor,
            String messageDigest,
            String contentDigest,
            String issuer,
            String sender,
            String receivedAt,
            String status,
            WireMessage response) {}

    /** A refusal: whose fault, which rule, about which message (when it could be read). */
    public record WireError(
            String type,
            String title,
            int status,
            String detail,
            String fault,
            String code,
            String issuer,
            String messageId,
            String messageDigest,
            String at) {}

    /**
     * The content of a message — everything but its timestamp and nonce, which change with each
     * attempt. A repeated message id with the same content digest is a duplicate (answered with
     * the original receipt); with another, a conflict.
     */
    public static String contentDigest(WireMessage m) {
        return hex(Sm3.digest(new CanonicalBytes()
                .text("tongban-federation-content-v1")
                .text(m.messageId())
                .text(m.conversationId())
                .text(m.sender())
                .text(m.receiver())
                .text(m.type() == null ? null : m.type().name())
                .text(m.resource())
                .text(m.agreement())
                .text(m.serviceItem())
                .text(m.purpose())
                .text(m.inReplyTo())
                .text(m.contentType())
                .bytes(Sm3.digest(m.payloadBytes()))
                .toByteArray()));
    }

    /** The signature header over {@code body}: {@code keyId=…;algorithm=SM3withSM2;value=<base64 DER>}. */
    public static String sign(HubKeys.Signer signer, byte[] body) {
        return "keyId=" + signer.keyId() + ";algorithm=SM3withSM2;value="
                + Base64.getEncoder().encodeToString(Sm2Signer.sign(signer.key(), body));
    }

    /** The key id a signature header names, or null when it is not one. */
    public static String keyIdOf(String header) {
        String value = part(header, "keyId");
        return value == null || value.isBlank() ? null : value;
    }

    /** Whether {@code header} is a valid SM3withSM2 signature of {@code body} by {@code key}. */
    public static boolean verifies(String header, byte[] body, PublicKey key) {
        String value = part(header, "value");
        if (value == null || !"SM3withSM2".equals(part(header, "algorithm"))) {
            return false;
        }
        try {
            return Sm2Signer.verify(key, body, Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String part(String header, String name) {
        if (header == null || header.length() > 1024) {
            return null;
        }
        for (String piece : header.split(";")) {
            int eq = piece.indexOf('=');
            if (eq > 0 && piece.substring(0, eq).trim().equals(name)) {
                return piece.substring(eq + 1).trim();
            }
        }
        return null;
    }

    public static String digest(byte[] body) {
        return hex(Sm3.digest(body));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] write(JsonMapper json, Object value) {
        return json.writeValueAsBytes(value);
    }
}
