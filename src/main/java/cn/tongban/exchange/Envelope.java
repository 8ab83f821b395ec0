package cn.tongban.exchange;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * 信封: one record as delivered to one demander — the projected, masked record (as JSON and as its
 * canonical Avro bytes), what it is, for whom and why, and the hub's signature. What is signed is
 * {@link #canonicalBytes()}, never the JSON. A record corrected in answer to a 数据异议 names the
 * dispute ({@code disputeId}) and is version 2; every other envelope is version 1 (ADR 0019).
 */
public record Envelope(
        int version,
        String deliveryId,
        String resourceCode,
        String agreementId,
        String demanderUscc,
        String serviceItemCode,
        String purpose,
        String sourceRecordId,
        String disputeId,
        String issuedAt,
        String schemaFingerprint,
        String schema,
        String recordAvro,
        JsonNode record,
        Signature signature) {

    /** An ordinary envelope: eleven canonical fields. */
    public static final int VERSION = 1;

    /** A correction's envelope: the eleven and, twelfth, the dispute it answers. */
    public static final int CORRECTION_VERSION = 2;

    /** The version an envelope with this dispute id (null: none) has; a verifier refuses any other. */
    public static int versionFor(String disputeId) {
        return disputeId == null ? VERSION : CORRECTION_VERSION;
    }

    /** How the envelope is signed: alone (RECORD) or as a leaf of a signed Merkle batch (BATCH). */
    public record Signature(String mode, String algorithm, String signerId, String keyId, String value, Batch batch) {}

    /**
     * The batch an envelope belongs to: the seal's tree size and root, this leaf's index and its
     * RFC 6962 audit path (hex, from the leaf upward). {@code value} signs the seal bytes.
     */
    public record Batch(
            String batchId, long treeSize, long leafIndex, String root, List<String> auditPath, String sealedAt) {}

    /** Fixed field order, each length-prefixed: what the record signature and the Merkle leaf cover. */
    public byte[] canonicalBytes() {
        return canonicalBytes(
                version,
                deliveryId,
                resourceCode,
                agreementId,
                demanderUscc,
                serviceItemCode,
                purpose,
                sourceRecordId,
                issuedAt,
                schemaFingerprint,
                Base64.getDecoder().decode(recordAvro),
                disputeId);
    }

    /**
     * The canonical bytes of an envelope: version 1 exactly as before, version 2 the same eleven
     * fields and the dispute id as a twelfth text. A version that does not match the dispute id is
     * refused rather than encoded, so a dispute id can never be added to, or dropped from, a signed
     * envelope unnoticed.
     */
    public static byte[] canonicalBytes(
            int version,
            String deliveryId,
            String resourceCode,
            String agreementId,
            String demanderUscc,
            String serviceItemCode,
            String purpose,
            String sourceRecordId,
            String issuedAt,
            String schemaFingerprint,
            byte[] recordAvro,
            String disputeId) {
        if (version != versionFor(disputeId) || (disputeId != null && disputeId.isBlank())) {
            throw new IllegalArgumentException("envelope version " + version + " does not match its dispute id");
        }
        CanonicalBytes bytes = new CanonicalBytes()
                .text(String.valueOf(version))
                .text(deliveryId)
                .text(resourceCode)
                .text(agreementId)
                .text(demanderUscc)
                .text(serviceItemCode)
                .text(purpose)
                .text(sourceRecordId)
                .text(issuedAt)
                .text(schemaFingerprint)
                .bytes(Sm3.digest(recordAvro));
        return version == VERSION ? bytes.toByteArray() : bytes.text(disputeId).toByteArray();
    }

    /** The bytes a batch seal signature covers. */
    public static byte[] sealBytes(String batchId, long treeSize, byte[] root, String sealedAt) {
        return new CanonicalBytes()
                .text("tongban-batch-seal-v1")
                .text(batchId)
                .number(treeSize)
                .bytes(root)
                .text(sealedAt)
                .toByteArray();
    }

    /** The envelope without its JSON record: the signed Avro bytes still say everything. */
    public Envelope withoutRecordJson() {
        return copy(null, signature);
    }

    public Envelope withSignature(Signature signature) {
        return copy(record, signature);
    }

    private Envelope copy(JsonNode record, Signature signature) {
        return new Envelope(
                version,
                deliveryId,
                resourceCode,
                agreementId,
                demanderUscc,
                serviceItemCode,
                purpose,
                sourceRecordId,
                disputeId,
                issuedAt,
                schemaFingerprint,
                schema,
                recordAvro,
                record,
                signature);
    }
}
