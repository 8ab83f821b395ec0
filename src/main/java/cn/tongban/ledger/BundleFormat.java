package cn.tongban.ledger;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * 证据包格式: the lines of an evidence bundle's files, shared by the writer and the offline
 * verifier. Hashes are hex, signatures base64 (DER), times as the ledger hashes them.
 */
final class BundleFormat {

    static final String FORMAT = "tongban-evidence-v1";
    static final String EVENTS = "events.jsonl";
    static final String SEALS = "seals.jsonl";
    static final String PROOFS = "proofs.jsonl";
    static final String CERTIFICATE = "hub-certificate.pem";
    static final String MANIFEST = "manifest.json";
    static final String MANIFEST_SIGNATURE = "manifest.sig";
    static final String README = "README.txt";
    /** The zip comment: this prefix and the hub's SM2 signature (r||s, hex) over every byte before it. */
    static final String SIGNATURE_PREFIX = "tongban-bundle-sig:";

    static final int COMMENT_LENGTH = SIGNATURE_PREFIX.length() + 128;

    private static final HexFormat HEX = HexFormat.of();

    private BundleFormat() {}

    record EventLine(
            long seq,
            String occurredAt,
            String type,
            String actor,
            String participantUscc,
            String resourceCode,
            String agreementId,
            String purpose,
            String serviceItemCode,
            String outcome,
            String sourceRecordId,
            String deliveryKey,
            String personRef,
            String payloadDigest,
            String details,
            String prevHash,
            String hash) {

        static EventLine of(LedgerEvent e) {
            LedgerEntry x = e.entry();
            return new EventLine(
                    e.seq(),
                    LedgerEvent.instant(x.at()),
                    x.type(),
                    x.actor(),
                    x.participantUscc(),
                    x.resourceCode(),
                    x.agreementId() == null ? null : x.agreementId().toString(),
                    x.purpose(),
                    x.serviceItemCode(),
                    x.outcome(),
                    x.sourceRecordId(),
                    x.deliveryKey(),
                    x.personRef(),
                    x.payloadDigest(),
                    x.details(),
                    HEX.formatHex(e.prevHash()),
                    HEX.formatHex(e.hash()));
        }

        LedgerEvent toEvent() {
            return new LedgerEvent(
                    seq,
                    new LedgerEntry(
                            java.time.Instant.parse(occurredAt),
                            type,
                            actor,
                            participantUscc,
                            resourceCode,
                            agreementId == null ? null : UUID.fromString(agreementId),
                            purpose,
                            serviceItemCode,
                            outcome,
                            sourceRecordId,
                            deliveryKey,
                            personRef,
                            payloadDigest,
                            details),
                    HEX.parseHex(prevHash),
                    HEX.parseHex(hash));
        }
    }

    record SealLine(
            long id,
            long fromSeq,
            long toSeq,
            int treeSize,
            String root,
            String prevSealHash,
            String sealedAt,
            String keyId,
            String signature,
            String sealHash) {

        static SealLine of(LedgerSeal s) {
            return new SealLine(
                    s.id(),
                    s.fromSeq(),
                    s.toSeq(),
                    s.treeSize(),
                    HEX.formatHex(s.root()),
                    HEX.formatHex(s.prevSealHash()),
                    s.sealedAt(),
                    s.keyId(),
                    java.util.Base64.getEncoder().encodeToString(s.signature()),
                    HEX.formatHex(s.sealHash()));
        }

        LedgerSeal toSeal() {
            return new LedgerSeal(
                    id,
                    fromSeq,
                    toSeq,
                    treeSize,
                    HEX.parseHex(root),
                    HEX.parseHex(prevSealHash),
                    sealedAt,
                    keyId,
                    java.util.Base64.getDecoder().decode(signature),
                    HEX.parseHex(sealHash));
        }
    }

    /** An event's RFC 6962 inclusion proof in its seal's tree (for seals the bundle holds only part of). */
    record ProofLine(long seq, long sealId, long leafIndex, List<String> path) {}
}
