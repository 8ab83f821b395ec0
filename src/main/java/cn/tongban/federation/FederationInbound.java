package cn.tongban.federation;

import cn.tongban.federation.FederationWire.WireError;
import cn.tongban.federation.FederationWire.WireMessage;
import cn.tongban.federation.FederationWire.WireReceipt;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.MessageRow;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.ApiException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * 来文受理: a peer's message, checked in this order — readable, for this platform, from a
 * registered peer that is not revoked, signed by its anchor (valid today), within the time window,
 * not a repeat (a repeat gets the original receipt), nonce unused — then acted on by its module's
 * handler in the transaction that stores it and its signed receipt. Any refusal is a signed error
 * saying whose fault it is, audited, with nothing else stored.
 */
@Service
class FederationInbound {

    private static final Logger log = LoggerFactory.getLogger(FederationInbound.class);
    static final String IN = "IN";
    private static final java.util.regex.Pattern NONCE = java.util.regex.Pattern.compile("^[A-Za-z0-9_-]{16,128}$");
    private static final java.util.regex.Pattern CANONICAL_UUID =
            java.util.regex.Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    /** What goes back on the wire: status, JSON body and its signature header. */
    record Answer(int status, byte[] body, String signature, boolean duplicate) {}

    private final FederationStore store;
    private final HubKeys keys;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final FederationProperties properties;
    private final PeerPlatforms platforms;
    private final Map<MessageType, MessageHandler> handlers = new EnumMap<>(MessageType.class);

    FederationInbound(
            FederationStore store,
            HubKeys keys,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            TransactionTemplate transaction,
            FederationProperties properties,
            PeerPlatforms platforms,
            List<MessageHandler> handlers) {
        this.store = store;
        this.keys = keys;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.transaction = transaction;
        this.properties = properties;
        this.platforms = platforms;
        for (MessageHandler handler : handlers) {
            for (MessageType type : handler.types()) {
                if (this.handlers.put(type, handler) != null) {
                    throw new IllegalStateException("two handlers for federation messages of type " + type);
                }
            }
        }
    }

    Answer receive(byte[] body, String signature) {
        String digest = FederationWire.digest(body);
        WireMessage message = null;
        try {
            message = read(body);
            Peer peer = trustedSender(message, body, signature);
            String contentDigest = FederationWire.contentDigest(message);
            Optional<MessageRow> before = store.message(UUID.fromString(message.messageId()), IN);
            if (before.isPresent()) {
                return repeat(before.get(), contentDigest);
            }
            checkTime(message);
            return accept(peer, message, body, signature, digest, contentDigest);
        } catch (PeerFault fault) {
            return refuse(message, digest, fault);
        } catch (ApiException e) {
            return refuse(message, digest, faultOf(e));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            // A payload its handler could not read: the sender's message, not this platform.
            return refuse(message, digest, sender("malformed", "the message's payload cannot be read for its type"));
        } catch (DuplicateKeyException e) {
            // The same message arrived twice at once: the first one's receipt answers both.
            return store.message(UUID.fromString(message.messageId()), IN)
                    .map(r -> new Answer(
                            200, StoredBodies.open(cipher, r.bodyKeyId(), r.receipt()), r.receiptSignature(), true))
                    .orElseGet(() -> refuse(null, digest, new PeerFault(PeerFault.Fault.PLATFORM, "busy", "retry")));
        } catch (RuntimeException e) {
            log.warn("federation message could not be handled: {}", e.getClass().getName());
            return refuse(
                    message,
                    digest,
                    new PeerFault(
                            PeerFault.Fault.PLATFORM, "internal", "the platform could not handle it; retry later"));
        }
    }

    private WireMessage read(byte[] body) {
        WireMessage m;
        try {
            m = json.readValue(body, WireMessage.class);
        } catch (JacksonException e) {
            throw sender("malformed", "the message is not a federation message in JSON");
        }
        if (!FederationWire.PROTOCOL.equals(m.protocol())) {
            throw sender("protocol", "the protocol must be " + FederationWire.PROTOCOL);
        }
        if (m.messageId() == null
                || m.type() == null
                || m.sender() == null
                || m.timestamp() == null
                || m.nonce() == null) {
            throw sender("malformed", "messageId, type, sender, timestamp and nonce are required");
        }
        if (!NONCE.matcher(m.nonce()).matches()) {
            throw sender("malformed", "the nonce is 16 to 128 characters of A-Z a-z 0-9 - _");
        }
        if (m.type().needsResource() && m.resource() == null) {
            throw sender("malformed", "a " + m.type() + " message names its resource");
        }
        if (!CANONICAL_UUID.matcher(m.messageId()).matches()
                || (m.agreement() != null
                        && !CANONICAL_UUID.matcher(m.agreement()).matches())) {
            throw sender("malformed", "messageId and agreement are UUIDs in lower-case canonical form");
        }
        try {
            UUID.fromString(m.messageId());
            if (m.agreement() != null) {
                UUID.fromString(m.agreement());
            }
            if (m.payload() != null) {
                Base64.getDecoder().decode(m.payload());
            }
        } catch (IllegalArgumentException e) {
            throw sender("malformed", "messageId and agreement are UUIDs, payload is base64");
        }
        if (!properties.province().equals(m.receiver())) {
            throw sender("receiver", "this platform is " + properties.province());
        }
        return m;
    }

    private Peer trustedSender(WireMessage m, byte[] body, String signature) {
        Peer peer = store.peer(m.sender())
                .orElseThrow(() -> sender("unknown-peer", "no peer platform is registered for " + m.sender()));
        if (peer.status() == PeerStatus.REVOKED) {
            throw sender("peer-revoked", "this platform no longer trusts the sender's anchor");
        }
        X509Certificate anchor = HubKeys.readCertificate(peer.certificatePem());
        if (!peer.fingerprint().equals(FederationWire.keyIdOf(signature))
                || !FederationWire.verifies(signature, body, anchor.getPublicKey())) {
            throw sender("signature", "the message is not signed by the sender's registered anchor");
        }
        try {
            anchor.checkValidity(Date.from(FederationWire.WIRE_CLOCK.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw sender("certificate-expired", "the sender's anchor certificate is not valid today");
        }
        if (peer.status() == PeerStatus.SUSPENDED) {
            throw new PeerFault(
                    PeerFault.Fault.PLATFORM, "suspended", "messages from the sender are paused; retry later");
        }
        return peer;
    }

    private void checkTime(WireMessage m) {
        Instant at;
        try {
            at = Instant.parse(m.timestamp());
        } catch (DateTimeParseException e) {
            throw sender("malformed", "timestamp must be an ISO-8601 instant");
        }
        Duration skew =
                Duration.between(at, FederationWire.WIRE_CLOCK.instant()).abs();
        if (skew.compareTo(properties.replayWindow()) > 0) {
            throw sender(
                    "timestamp",
                    "the timestamp is outside the " + properties.replayWindow().toMinutes() + "-minute window");
        }
    }

    /** A repeat of a message acted on before: the original receipt, nothing acted on again. */
    private Answer repeat(MessageRow before, String contentDigest) {
        if (!before.contentDigest().equals(contentDigest)) {
            throw sender("duplicate-id", "this message id was used for another message");
        }
        return new Answer(
                200, StoredBodies.open(cipher, before.bodyKeyId(), before.receipt()), before.receiptSignature(), true);
    }

    private Answer accept(
            Peer peer, WireMessage m, byte[] body, String signature, String digest, String contentDigest) {
        return transaction.execute(status -> {
            if (!store.spendNonce(peer.province(), m.nonce(), FederationWire.WIRE_CLOCK.instant())) {
                throw sender("replay", "the nonce was used before");
            }
            InboundMessage inbound = PeerPlatforms.inbound(m, digest);
            Optional<byte[]> response = handle(peer, inbound);
            WireReceipt receipt = new WireReceipt(
                    FederationWire.PROTOCOL,
                    m.messageId(),
                    digest,
                    contentDigest,
                    properties.province(),
                    m.sender(),
                    FederationWire.WIRE_CLOCK.instant().toString(),
                    "ACCEPTED",
                    response.map(r -> response(m, digest, r)).orElse(null));
            byte[] receiptBytes = json.writeValueAsBytes(receipt);
            String receiptSignature = FederationWire.sign(keys.current(), receiptBytes);
            String receiptDigest = FederationWire.digest(receiptBytes);
            Instant now = clock.instant();
            store.insertMessage(new MessageRow(
                    UUID.fromString(m.messageId()),
                    IN,
                    peer.province(),
                    m.type(),
                    m.conversationId(),
                    contentDigest,
                    digest,
                    StoredBodies.seal(cipher, body),
                    cipher.keyId(),
                    signature,
                    "RECEIVED",
                    1,
                    null,
                    null,
                    StoredBodies.seal(cipher, receiptBytes),
                    receiptDigest,
                    receiptSignature,
                    now,
                    null,
                    now));
            platforms.audit("FEDERATION_RECEIVED", m, peer.province(), "ACCEPTED", digest, receiptDigest, null);
            return new Answer(200, receiptBytes, receiptSignature, false);
        });
    }

    private Optional<byte[]> handle(Peer peer, InboundMessage m) {
        if (m.type() == MessageType.TEST) {
            return Optional.empty();
        }
        if (m.resourceCode() != null && !allowed(peer, m)) {
            throw sender("resource", "resource " + m.resourceCode() + " is not open to the sender in this direction");
        }
        MessageHandler handler = handlers.get(m.type());
        if (handler == null) {
            throw new PeerFault(
                    PeerFault.Fault.PLATFORM, "unsupported", "this platform does not take " + m.type() + " messages");
        }
        return handler.handle(m);
    }

    /**
     * A peer sends its own resources' records and decisions (what we take in), and asks about ours
     * (demands, queries, verifications: what we open to it) — never the other way round.
     */
    private static boolean allowed(Peer peer, InboundMessage m) {
        return switch (m.type()) {
            case RECORDS, DECISION -> peer.maySend(m.resourceCode());
            case DEMAND, QUERY, VERIFICATION -> peer.mayReceive(m.resourceCode());
            default -> true;
        };
    }

    private WireMessage response(WireMessage request, String requestDigest, byte[] payload) {
        return stampedResponse(new WireMessage(
                FederationWire.PROTOCOL,
                UUID.randomUUID().toString(),
                request.conversationId(),
                properties.province(),
                request.sender(),
                null,
                null,
                request.type(),
                request.resource(),
                request.agreement(),
                request.serviceItem(),
                request.purpose(),
                requestDigest,
                OutboundMessage.JSON,
                Base64.getEncoder().encodeToString(payload)));
    }

    private WireMessage stampedResponse(WireMessage m) {
        return platforms.stamped(m);
    }

    /** A signed error; audited (the sender as it claimed to be, when the message could be read). */
    private Answer refuse(WireMessage m, String digest, PeerFault fault) {
        int status = switch (fault.code()) {
            case "signature", "unknown-peer", "certificate-expired" -> 401;
            case "peer-revoked", "resource", "agreement", "purpose", "consent", "forbidden" -> 403;
            case "replay", "duplicate-id" -> 409;
            case "suspended", "internal", "unavailable", "busy" -> 503;
            default -> fault.fault() == PeerFault.Fault.SENDER ? 400 : 502;
        };
        String messageId = m == null ? null : m.messageId();
        WireError error = new WireError(
                "urn:tongban:federation:" + fault.code(),
                "消息被拒绝 Message refused",
                status,
                fault.getMessage(),
                fault.fault().name(),
                fault.code(),
                properties.province(),
                messageId,
                digest,
                FederationWire.WIRE_CLOCK.instant().toString());
        byte[] body = json.writeValueAsBytes(error);
        // Only what identifies the message: the rest of a refused message is unverified text.
        boolean wellFormedId = messageId != null && messageId.matches("^[0-9a-fA-F-]{36}$");
        WireMessage about = new WireMessage(
                null,
                wellFormedId ? messageId : null,
                null,
                null,
                null,
                null,
                null,
                m == null ? null : m.type(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        String claimed = m != null && m.sender() != null && m.sender().matches("^[0-9]{6}$") ? m.sender() : "unknown";
        platforms.audit(
                "FEDERATION_REFUSED", about, claimed, "REFUSED", digest, null, fault.fault() + ":" + fault.code());
        log.info("federation message refused: {} {}", fault.fault(), fault.code());
        return new Answer(status, body, FederationWire.sign(keys.current(), body), false);
    }

    /** A module's refusal: the sender's fault for a 4xx (never retried as is), this platform's otherwise. */
    private static PeerFault faultOf(ApiException e) {
        if (e.status().is5xxServerError()) {
            return new PeerFault(
                    PeerFault.Fault.PLATFORM, "unavailable", "the platform could not act on it; retry later");
        }
        String rule = e.status().value() == 403
                ? "forbidden"
                : e.problems().isEmpty()
                        ? "invalid"
                        : e.problems().get(0).field() + ":"
                                + e.problems().get(0).rule();
        return new PeerFault(PeerFault.Fault.SENDER, rule, e.getMessage());
    }

    private static PeerFault sender(String code, String message) {
        return new PeerFault(PeerFault.Fault.SENDER, code, message);
    }
}
