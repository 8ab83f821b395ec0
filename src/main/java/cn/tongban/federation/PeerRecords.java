package cn.tongban.federation;

import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.exchange.PeerIntake;
import cn.tongban.exchange.PeerTransport;
import cn.tongban.federation.FederationWire.WireMessage;
import cn.tongban.federation.FederationWire.WireReceipt;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.MessageRow;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.ledger.LedgerLeaf;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * 跨省数据: records in both directions. Out: a peer-delivery route's pass becomes one signed
 * RECORDS message to the demander's province, delivered only on the peer's signed receipt for it.
 * In: each envelope is checked against the sending peer's anchor and the agreement both sides
 * hold, then becomes this hub's own delivery to the demander ({@link PeerIntake}) in the
 * transaction that stores the message and its receipt.
 */
@Service
class PeerRecords implements PeerTransport, MessageHandler {

    /** What a RECORDS message carries. */
    record RecordsPayload(List<PeerRecord> records) {}

    private final FederationStore store;
    private final PeerPlatforms platforms;
    private final PeerIntake intake;
    private final HubKeys keys;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final FederationProperties properties;
    private final org.springframework.context.ApplicationEventPublisher events;

    PeerRecords(
            FederationStore store,
            PeerPlatforms platforms,
            PeerIntake intake,
            HubKeys keys,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            FederationProperties properties,
            org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.platforms = platforms;
        this.intake = intake;
        this.keys = keys;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
    }

    // --- out

    @Override
    public PeerCall records(String province, List<PeerRecord> records) {
        Peer peer = store.peer(province)
                .filter(p -> p.status() == PeerStatus.ACTIVE)
                .orElseThrow(() -> new Refused("PLATFORM:peer — no active peer platform for " + province));
        Envelope first = records.get(0).envelope();
        boolean oneResource =
                records.stream().allMatch(r -> r.envelope().resourceCode().equals(first.resourceCode()));
        boolean oneAgreement =
                records.stream().allMatch(r -> r.envelope().agreementId().equals(first.agreementId()));
        OutboundMessage message = new OutboundMessage(
                province,
                MessageType.RECORDS,
                oneAgreement ? first.agreementId() : null,
                oneResource ? first.resourceCode() : null,
                oneAgreement ? UUID.fromString(first.agreementId()) : null,
                oneAgreement ? first.serviceItemCode() : null,
                oneAgreement ? first.purpose() : null,
                OutboundMessage.JSON,
                json.writeValueAsBytes(new RecordsPayload(records)));
        WireMessage wire = platforms.stamped(platforms.wire(message, peer));
        byte[] body = json.writeValueAsBytes(wire);
        return new PeerCall(
                peer.messagesUrl(), body, FederationWire.sign(keys.current(), body), wire.messageId(), wire);
    }

    @Override
    public void receipt(PeerCall call, int status, byte[] body, String signature) {
        WireMessage wire = (WireMessage) call.message();
        Peer peer = store.peer(wire.receiver()).orElseThrow();
        String digest = FederationWire.digest(call.body());
        WireReceipt receipt;
        try {
            receipt = platforms.receiptOf(peer, wire, digest, new PeerClient.Answer(status, body, signature));
        } catch (PeerFault f) {
            throw new Refused(f.fault() + ":" + f.code());
        }
        Instant now = clock.instant();
        String receiptDigest = FederationWire.digest(body);
        // Kept with the deliveries' own mark: the route's next step marks them in its transaction.
        store.insertMessage(new MessageRow(
                UUID.fromString(wire.messageId()),
                PeerPlatforms.OUT,
                peer.province(),
                MessageType.RECORDS,
                wire.conversationId(),
                receipt.contentDigest(),
                digest,
                StoredBodies.seal(cipher, call.body()),
                cipher.keyId(),
                call.signature(),
                "RECEIPTED",
                1,
                null,
                null,
                StoredBodies.seal(cipher, body),
                receiptDigest,
                signature,
                now,
                now,
                now));
        platforms.audit("FEDERATION_SENT", wire, peer.province(), receipt.status(), digest, receiptDigest, null);
        RecordsPayload sent = json.readValue(wire.payloadBytes(), RecordsPayload.class);
        events.publishEvent(new AuditFact(
                crossing("SENT", peer.province(), wire.messageId(), wire.resource(), sent.records(), null)));
    }

    /**
     * 跨域血缘: each side's record of one RECORDS message — the message id and, as leaves, every
     * envelope it carried by the provider's delivery id and source record — so an auditor finds
     * it on both hubs by a record's lineage and joins the two by the message id.
     */
    private LedgerEntry crossing(
            String outcome, String peer, String messageId, String resource, List<PeerRecord> records, UUID batchId) {
        List<LedgerLeaf> leaves = new java.util.ArrayList<>(records.size());
        for (PeerRecord r : records) {
            Envelope e = r.envelope();
            leaves.add(new LedgerLeaf(
                    e.deliveryId(),
                    e.sourceRecordId(),
                    null,
                    java.util.HexFormat.of().formatHex(cn.tongban.signing.MerkleTree.leafHash(e.canonicalBytes()))));
        }
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("peer", peer);
        details.put("messageId", messageId);
        if (batchId != null) {
            details.put("batch", batchId.toString());
        }
        details.put("leaves", leaves.size());
        Envelope first = records.get(0).envelope();
        boolean alone = leaves.size() == 1;
        return new LedgerEntry(
                clock.instant(),
                "FEDERATION_RECORDS",
                "system:federation",
                first.demanderUscc(),
                resource,
                UUID.fromString(first.agreementId()),
                first.purpose(),
                first.serviceItemCode(),
                outcome,
                alone ? first.sourceRecordId() : null,
                alone ? first.deliveryId() : null,
                null,
                alone ? leaves.get(0).digest() : LedgerLeaf.root(leaves),
                json.writeValueAsString(details),
                alone ? List.of() : leaves);
    }

    @Override
    public String signatureHeader() {
        return FederationWire.SIGNATURE_HEADER;
    }

    // --- in

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.RECORDS);
    }

    @Override
    public Optional<byte[]> handle(InboundMessage message) {
        Peer peer = store.peer(message.senderProvince()).orElseThrow();
        RecordsPayload payload = json.readValue(message.payload(), RecordsPayload.class);
        if (payload.records() == null || payload.records().isEmpty()) {
            throw new PeerFault(PeerFault.Fault.SENDER, "malformed", "a RECORDS message carries at least one envelope");
        }
        PublicKey anchor = HubKeys.readCertificate(peer.certificatePem()).getPublicKey();
        // One resource per message (a peer endpoint serves one resource), the one the message names and the peer may
        // send.
        String resource = message.resourceCode();
        Checks checks = new Checks();
        for (int i = 0; i < payload.records().size(); i++) {
            check(peer, anchor, resource, i, payload.records().get(i).envelope(), checks);
        }
        var accepted = intake.accept(
                new PeerIntake.PeerBatch(peer.province(), message.messageId(), resource, payload.records()));
        events.publishEvent(new AuditFact(crossing(
                "RECEIVED", peer.province(), message.messageId(), resource, payload.records(), accepted.batchId())));
        return Optional.empty();
    }

    /**
     * What one message's envelopes share, checked once: a batch seal (a message holds a few
     * batches' envelopes, not one seal each), a parsed schema, an agreement with the sender.
     */
    private static final class Checks {
        final java.util.Set<String> seals = new java.util.HashSet<>();
        final java.util.Map<String, org.apache.avro.Schema> schemas = new java.util.HashMap<>();
        final java.util.Set<String> agreements = new java.util.HashSet<>();
    }

    private void check(Peer peer, PublicKey anchor, String resource, int i, Envelope envelope, Checks checks) {
        if (envelope == null || !resource.equals(envelope.resourceCode())) {
            throw new PeerFault(PeerFault.Fault.SENDER, "malformed", "records[" + i + "]: one resource per message");
        }
        if (!peer.maySend(resource)) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "resource", "resource " + resource + " is not taken from the sender");
        }
        if (envelope.signature() == null
                || !peer.fingerprint().equals(envelope.signature().keyId())) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "signature", "records[" + i + "] is not signed by the sender's anchor");
        }
        String problem = EnvelopeVerifier.problem(envelope, anchor, checks.seals, checks.schemas);
        if (problem != null) {
            throw new PeerFault(PeerFault.Fault.SENDER, "signature", "records[" + i + "]: " + problem);
        }
        boolean spans = checks.agreements.contains(envelope.agreementId())
                || store.spanning(UUID.fromString(envelope.agreementId()))
                        .filter(s ->
                                s.side().equals("DEMAND") && s.province().trim().equals(peer.province()))
                        .isPresent();
        if (!spans) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "agreement", "records[" + i + "]: no agreement with the sender covers it");
        }
        checks.agreements.add(envelope.agreementId());
    }
}
