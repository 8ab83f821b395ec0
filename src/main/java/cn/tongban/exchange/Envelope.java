package cn.tongban.exchange;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * 信封: one record as delivered to one demander — the projected, masked record (as JSON and as its
 * canonical Avro bytes), what it is, for whom and why, and the hub's signature. What is signed is
 * {@link #canonicalBytes()}, never the JSON.
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
        String issuedAt,
        String schemaFingerprint,
        String schema,
        String recordAvro,
        JsonNode record,
        Signature signature) {

    public static final int VERSION = 1;

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
                Base64.getDecoder().decode(recordAvro));
    }

    /** The canonical bytes of an envelope with these fields; the record enters by its SM3 digest. */
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
            byte[] recordAvro) {
        return new CanonicalBytes()
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
                .bytes(Sm3.digest(recordAvro))
                .toByteArray();
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
                issuedAt,
                schemaFingerprint,
                schema,
                recordAvro,
                record,
                signature);
    }
}
