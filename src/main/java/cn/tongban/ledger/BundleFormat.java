package cn.tongban.ledger;

import java.util.HexFormat;
import java.util.List;

/**
 * 证据包格式: the lines of an evidence bundle's files, shared by the writer and the offline
 * verifier. Hashes are hex, signatures base64 (DER), times as the ledger hashes them.
 */
public final class BundleFormat {

    static final String FORMAT = "tongban-evidence-v1";
    /** Events are stored in entries of {@link #EVENTS_PER_ENTRY}, so a verifier can inflate them on every core. */
    static final String EVENTS = "events/";

    static final int EVENTS_PER_ENTRY = 50_000;

    static String eventsEntry(long index) {
        return EVENTS + String.format("%05d.jsonl", index);
    }

    /** The leaves of the events of events entry n, when any of them names deliveries as leaves (ADR 0012). */
    static final String LEAVES = "leaves/";

    static String leavesEntry(long index) {
        return LEAVES + String.format("%05d.jsonl", index);
    }

    /** One leaf: the event it belongs to, its place there, and what it names. */
    record LeafLine(long seq, int index, String deliveryKey, String sourceRecordId, String personRef, String digest) {

        static LeafLine of(long seq, int index, LedgerLeaf leaf) {
            return new LeafLine(seq, index, leaf.deliveryKey(), leaf.sourceRecordId(), leaf.personRef(), leaf.digest());
        }

        LedgerLeaf leaf() {
            return new LedgerLeaf(deliveryKey, sourceRecordId, personRef, digest);
        }
    }

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

    /** An event as the auditors' API, the console and evidence bundles show it (the ledger holds no personal data). */
    public record EventLine(
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

        /**
         * Reads one line with the streaming parser: a million lines are read in a verification,
         * and binding them field by field is several times faster than data binding.
         */
        static EventLine parse(tools.jackson.databind.ObjectMapper json, byte[] bytes, int offset, int length) {
            long seq = -1;
            String[] text = new String[16];
            try (tools.jackson.core.JsonParser parser = json.createParser(bytes, offset, length)) {
                if (parser.nextToken() != tools.jackson.core.JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("not an object");
                }
                while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    tools.jackson.core.JsonToken value = parser.nextToken();
                    if (name.equals("seq")) {
                        seq = parser.getLongValue();
                        continue;
                    }
                    int slot = slot(name);
                    if (slot < 0
                            || (value != tools.jackson.core.JsonToken.VALUE_STRING
                                    && value != tools.jackson.core.JsonToken.VALUE_NULL)) {
                        throw new IllegalArgumentException("unexpected field " + name);
                    }
                    text[slot] = value == tools.jackson.core.JsonToken.VALUE_NULL ? null : parser.getString();
                }
            }
            if (seq < 1 || text[0] == null || text[14] == null || text[15] == null) {
                throw new IllegalArgumentException("an event line lacks its seq, time or hashes");
            }
            return new EventLine(
                    seq, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8], text[9],
                    text[10], text[11], text[12], text[13], text[14], text[15]);
        }

        private static int slot(String name) {
            return switch (name) {
                case "occurredAt" -> 0;
                case "type" -> 1;
                case "actor" -> 2;
                case "participantUscc" -> 3;
                case "resourceCode" -> 4;
                case "agreementId" -> 5;
                case "purpose" -> 6;
                case "serviceItemCode" -> 7;
                case "outcome" -> 8;
                case "sourceRecordId" -> 9;
                case "deliveryKey" -> 10;
                case "personRef" -> 11;
                case "payloadDigest" -> 12;
                case "details" -> 13;
                case "prevHash" -> 14;
                case "hash" -> 15;
                default -> -1;
            };
        }

        /** The hash recomputed from the line's own text, as the ledger computed it. */
        byte[] recomputedHash() {
            return LedgerEvent.hash(
                    seq,
                    new String[] {
                        occurredAt,
                        type,
                        actor,
                        participantUscc,
                        resourceCode,
                        agreementId,
                        purpose,
                        serviceItemCode,
                        outcome,
                        sourceRecordId,
                        deliveryKey,
                        personRef,
                        payloadDigest,
                        details
                    },
                    HEX.parseHex(prevHash));
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
