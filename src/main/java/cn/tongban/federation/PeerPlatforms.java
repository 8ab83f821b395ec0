package cn.tongban.federation;

import cn.tongban.federation.FederationWire.WireError;
import cn.tongban.federation.FederationWire.WireMessage;
import cn.tongban.federation.FederationWire.WireReceipt;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.MessageRow;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * 平台间消息收发: messages to peers. A one-way message waits in the federation outbox (in the
 * sender's transaction) and the peer's route sends it — signed anew, with a fresh timestamp and
 * nonce, at each attempt — until the peer's signed receipt names its digest; a peer that is down
 * is retried with backoff, never sent twice (the peer answers a repeat with its first receipt).
 * A question waits for the signed response bound to its digest.
 */
@Service
class PeerPlatforms implements PeerMessaging {

    private static final Logger log = LoggerFactory.getLogger(PeerPlatforms.class);
    static final String OUT = "OUT";
    private static final Duration LEASE = Duration.ofMinutes(1);
    /**
     * Refusals that an administrator's fix or a fresh attempt can cure — trust not yet set up or
     * re-pinned after an anchor change, a clock out of step, a nonce clash — so the message waits
     * and retries like one to a peer that is down; every other refusal of the sender's is final.
     */
    static final java.util.Set<String> RETRYABLE =
            java.util.Set.of("signature", "unknown-peer", "peer-revoked", "certificate-expired", "timestamp", "replay");

    private final FederationStore store;
    private final HubKeys keys;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final PeerClient client;
    private final FederationProperties properties;
    private final SecureRandom random = new SecureRandom();

    PeerPlatforms(
            FederationStore store,
            HubKeys keys,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            ApplicationEventPublisher events,
            TransactionTemplate transaction,
            PeerClient client,
            FederationProperties properties) {
        this.store = store;
        this.keys = keys;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.events = events;
        this.transaction = transaction;
        this.client = client;
        this.properties = properties;
    }

    @Override
    public String ownProvince() {
        return properties.province();
    }

    @Override
    public boolean knows(String province) {
        return store.peer(province)
                .filter(p -> p.status() != PeerStatus.REVOKED)
                .isPresent();
    }

    @Override
    public String send(OutboundMessage message) {
        Peer peer = usablePeer(message.receiverProvince());
        WireMessage wire = wire(message, peer, null);
        Instant now = clock.instant();
        store.insertMessage(new MessageRow(
                UUID.fromString(wire.messageId()),
                OUT,
                peer.province(),
                message.type(),
                message.conversationId(),
                FederationWire.contentDigest(wire),
                null,
                StoredBodies.seal(cipher, json.writeValueAsBytes(wire)),
                cipher.keyId(),
                null,
                "QUEUED",
                0,
                now,
                null,
                null,
                null,
                null,
                now,
                null,
                null));
        return wire.messageId();
    }

    @Override
    public InboundMessage ask(OutboundMessage message, Duration timeout) {
        Peer peer = usablePeer(message.receiverProvince());
        requireActive(peer);
        WireMessage wire = stamped(wire(message, peer, null));
        Sent sent = exchangeNow(peer, wire, timeout);
        WireMessage response = sent.receipt().response();
        if (response == null
                || !sent.digest().equals(response.inReplyTo())
                || !peer.province().equals(response.sender())) {
            throw new PeerFault(
                    PeerFault.Fault.PLATFORM, "response", "the peer's response is not bound to the question");
        }
        return inbound(response, FederationWire.digest(json.writeValueAsBytes(response)));
    }

    /** A test message, sent now: its receipt, or the fault. */
    void ping(Peer peer) {
        requireActive(peer);
        exchangeNow(
                peer,
                stamped(wire(OutboundMessage.json(peer.province(), MessageType.TEST, null, null), peer, null)),
                null);
    }

    private record Sent(String digest, WireReceipt receipt) {}

    private Sent exchangeNow(Peer peer, WireMessage wire, Duration timeout) {
        byte[] body = json.writeValueAsBytes(wire);
        String digest = FederationWire.digest(body);
        String signature = FederationWire.sign(keys.current(), body);
        PeerClient.Answer answer;
        try {
            answer = client.post(peer.messagesUrl(), body, signature, timeout);
        } catch (IOException e) {
            throw new PeerFault(PeerFault.Fault.PLATFORM, "unreachable", "the peer platform did not answer");
        }
        WireReceipt receipt = receiptOf(peer, wire, digest, answer);
        transaction.executeWithoutResult(s -> recordAsked(peer, wire, body, signature, digest, answer, receipt));
        return new Sent(digest, receipt);
    }

    private void recordAsked(
            Peer peer,
            WireMessage wire,
            byte[] body,
            String signature,
            String digest,
            PeerClient.Answer answer,
            WireReceipt receipt) {
        Instant now = clock.instant();
        String receiptDigest = FederationWire.digest(answer.body());
        store.insertMessage(new MessageRow(
                UUID.fromString(wire.messageId()),
                OUT,
                peer.province(),
                wire.type(),
                wire.conversationId(),
                FederationWire.contentDigest(wire),
                digest,
                StoredBodies.seal(cipher, body),
                cipher.keyId(),
                signature,
                "RECEIPTED",
                1,
                null,
                null,
                StoredBodies.seal(cipher, answer.body()),
                receiptDigest,
                answer.signature(),
                now,
                now,
                now));
        audit("FEDERATION_SENT", wire, peer.province(), "RECEIPTED", digest, receiptDigest, null);
    }

    /** One pass of a peer's route: its due messages, oldest first; stops at the first the peer does not take. */
    public int sendDue(String province) {
        Peer peer = store.peer(province).orElse(null);
        if (peer == null || peer.status() != PeerStatus.ACTIVE) {
            return 0;
        }
        Instant now = clock.instant();
        List<MessageRow> due = transaction.execute(s -> store.claimDue(province, now, 50, now.plus(LEASE)));
        int sent = 0;
        for (MessageRow row : due == null ? List.<MessageRow>of() : due) {
            if (!attempt(peer, row)) {
                break;
            }
            sent++;
        }
        return sent;
    }

    private boolean attempt(Peer peer, MessageRow row) {
        WireMessage wire =
                stamped(json.readValue(StoredBodies.open(cipher, row.bodyKeyId(), row.body()), WireMessage.class));
        byte[] body = json.writeValueAsBytes(wire);
        String digest = FederationWire.digest(body);
        String signature = FederationWire.sign(keys.current(), body);
        try {
            PeerClient.Answer answer = client.post(peer.messagesUrl(), body, signature, null);
            WireReceipt receipt = receiptOf(peer, wire, digest, answer);
            String receiptDigest = FederationWire.digest(answer.body());
            transaction.executeWithoutResult(s -> {
                store.markReceipted(
                        row.messageId(),
                        StoredBodies.seal(cipher, body),
                        signature,
                        digest,
                        StoredBodies.seal(cipher, answer.body()),
                        receiptDigest,
                        answer.signature(),
                        clock.instant());
                audit("FEDERATION_SENT", wire, peer.province(), receipt.status(), digest, receiptDigest, null);
            });
            return true;
        } catch (IOException e) {
            failed(
                    peer,
                    row,
                    wire,
                    new PeerFault(PeerFault.Fault.PLATFORM, "unreachable", "the peer platform did not answer"));
        } catch (PeerFault e) {
            failed(peer, row, wire, e);
        }
        return false;
    }

    /** A refusal by the sender's fault will not change on retry: it is dead at once; others back off. */
    private void failed(Peer peer, MessageRow row, WireMessage wire, PeerFault fault) {
        int attempts = row.attempts() + 1;
        boolean dead = (fault.fault() == PeerFault.Fault.SENDER && !RETRYABLE.contains(fault.code()))
                || attempts >= properties.maxAttempts();
        Instant now = clock.instant();
        long backoff = Math.min(
                properties.retryMax().toMillis(),
                properties.retryBase().toMillis() * (1L << Math.min(attempts - 1, 20)));
        String reason = fault.fault() + ":" + fault.code();
        transaction.executeWithoutResult(s -> {
            store.markFailed(
                    row.messageId(), dead ? "DEAD" : "FAILED", reason, dead ? null : now.plusMillis(backoff), now);
            if (dead) {
                audit("FEDERATION_FAILED", wire, peer.province(), "DEAD", null, null, reason);
            }
        });
        log.info(
                "message {} to peer {} not taken ({}), attempt {}", row.messageId(), peer.province(), reason, attempts);
    }

    /** The peer's answer as a verified receipt for exactly these bytes, or the fault its signed error names. */
    WireReceipt receiptOf(Peer peer, WireMessage wire, String digest, PeerClient.Answer answer) {
        X509Certificate anchor = HubKeys.readCertificate(peer.certificatePem());
        if (answer.signature() == null
                || !FederationWire.verifies(answer.signature(), answer.body(), anchor.getPublicKey())) {
            throw new PeerFault(
                    PeerFault.Fault.PLATFORM, "answer-signature", "the peer's answer is not signed by its anchor");
        }
        try {
            if (answer.status() != 200) {
                WireError error = json.readValue(answer.body(), WireError.class);
                // Only an error about these very bytes counts: a replayed old error is no answer.
                if (!digest.equals(error.messageDigest())
                        || (error.messageId() != null && !error.messageId().equals(wire.messageId()))
                        || !peer.province().equals(error.issuer())) {
                    throw new PeerFault(
                            PeerFault.Fault.PLATFORM, "answer", "the peer's error is not about this message");
                }
                throw new PeerFault(faultOf(error.fault()), error.code(), error.detail());
            }
            WireReceipt receipt = json.readValue(answer.body(), WireReceipt.class);
            // A repeat's receipt names the first attempt's bytes; its content must be this message's.
            if (!FederationWire.PROTOCOL.equals(receipt.protocol())
                    || !wire.messageId().equals(receipt.receiptFor())
                    || !peer.province().equals(receipt.issuer())
                    || !properties.province().equals(receipt.sender())
                    || !"ACCEPTED".equals(receipt.status())
                    || !FederationWire.contentDigest(wire).equals(receipt.contentDigest())) {
                throw new PeerFault(PeerFault.Fault.PLATFORM, "receipt", "the receipt is not for this message");
            }
            return receipt;
        } catch (JacksonException e) {
            throw new PeerFault(PeerFault.Fault.PLATFORM, "answer", "the peer's answer cannot be read");
        }
    }

    private static PeerFault.Fault faultOf(String name) {
        try {
            return PeerFault.Fault.valueOf(name);
        } catch (RuntimeException e) {
            return PeerFault.Fault.PLATFORM;
        }
    }

    /** A suspended peer gets nothing sent now: one-way messages wait for it; questions are refused. */
    private static void requireActive(Peer peer) {
        if (peer.status() != PeerStatus.ACTIVE) {
            throw new PeerFault(PeerFault.Fault.PLATFORM, "suspended", "the peer platform is " + peer.status());
        }
    }

    private Peer usablePeer(String province) {
        Peer peer = store.peer(province).orElse(null);
        if (peer == null || peer.status() == PeerStatus.REVOKED) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "peer", "no peer platform is registered for province " + province);
        }
        return peer;
    }

    WireMessage wire(OutboundMessage m, Peer peer) {
        return wire(m, peer, null);
    }

    private WireMessage wire(OutboundMessage m, Peer peer, String inReplyTo) {
        return new WireMessage(
                FederationWire.PROTOCOL,
                UUID.randomUUID().toString(),
                m.conversationId(),
                properties.province(),
                peer.province(),
                null,
                null,
                m.type(),
                m.resourceCode(),
                m.agreementId() == null ? null : m.agreementId().toString(),
                m.serviceItemCode(),
                m.purpose(),
                inReplyTo,
                m.contentType(),
                m.payload() == null ? null : Base64.getEncoder().encodeToString(m.payload()));
    }

    /** The message as this attempt sends it: now, and a nonce never used before. */
    WireMessage stamped(WireMessage m) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return new WireMessage(
                m.protocol(),
                m.messageId(),
                m.conversationId(),
                m.sender(),
                m.receiver(),
                FederationWire.WIRE_CLOCK.instant().toString(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
                m.type(),
                m.resource(),
                m.agreement(),
                m.serviceItem(),
                m.purpose(),
                m.inReplyTo(),
                m.contentType(),
                m.payload());
    }

    static InboundMessage inbound(WireMessage m, String digest) {
        return new InboundMessage(
                m.messageId(),
                m.conversationId(),
                m.sender(),
                m.receiver(),
                Instant.parse(m.timestamp()),
                m.type(),
                m.resource(),
                m.agreementId(),
                m.serviceItem(),
                m.purpose(),
                m.contentType(),
                m.payloadBytes(),
                digest);
    }

    void audit(
            String type,
            WireMessage m,
            String peer,
            String outcome,
            String digest,
            String receiptDigest,
            String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("peer", peer);
        details.put("messageId", m.messageId());
        details.put("messageType", m.type() == null ? null : m.type().name());
        details.put("conversationId", m.conversationId());
        details.put("receiptDigest", receiptDigest);
        details.put("reason", reason);
        details.values().removeIf(java.util.Objects::isNull);
        events.publishEvent(new AuditFact(new LedgerEntry(
                clock.instant(),
                type,
                "system:federation",
                null,
                m.resource(),
                m.agreementId(),
                m.purpose(),
                m.serviceItem(),
                outcome,
                null,
                null,
                null,
                digest,
                json.writeValueAsString(details))));
    }
}
