package cn.tongban.exchange;

import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Checks an envelope as a demander, a notary or an auditor would: the record JSON is what the
 * signed Avro bytes say, the schema is the one fingerprinted, and the SM2 signature — over the
 * envelope, or over the batch seal with the leaf's inclusion proof — verifies with the hub's key.
 * Both envelope versions are accepted; a correction's dispute id is covered like every other field.
 */
public final class EnvelopeVerifier {

    private EnvelopeVerifier() {}

    /**
     * Null when the envelope verifies with the hub certificate it names by keyId (current or
     * retired by a rotation); otherwise what is wrong with it.
     */
    public static String problem(Envelope envelope, HubKeys keys) {
        String keyId =
                envelope.signature() == null ? null : envelope.signature().keyId();
        // Not Optional.map: a verified envelope's problem is null, which map would turn into "absent".
        java.util.Optional<java.security.cert.X509Certificate> certificate = keys.certificate(keyId);
        if (certificate.isEmpty()) {
            return "the envelope names hub key " + keyId + ", which the hub has not published";
        }
        return problem(envelope, certificate.get().getPublicKey());
    }

    /** Null when the envelope verifies with this key; otherwise what is wrong with it. */
    public static String problem(Envelope envelope, PublicKey hubKey) {
        return problem(envelope, hubKey, null, null);
    }

    /**
     * The same, for many envelopes of few batches (a peer's message): a batch seal already
     * verified (its text in {@code verifiedSeals}) is not verified again — each envelope still
     * proves its place under the sealed root. {@code schemas} keeps parsed schemas by fingerprint.
     */
    public static String problem(
            Envelope envelope,
            PublicKey hubKey,
            java.util.Set<String> verifiedSeals,
            java.util.Map<String, Schema> schemas) {
        try {
            // Version 1 has no dispute id and version 2 must have one (ADR 0019): checked before the
            // bytes, so an envelope claiming the other version is refused by name, not as a bad signature.
            if (envelope.version() != Envelope.versionFor(envelope.disputeId())) {
                return "the envelope's version does not match its dispute id";
            }
            if (!Sm3.hex(envelope.schema()).equals(envelope.schemaFingerprint())) {
                return "the schema does not match its fingerprint";
            }
            Schema schema = schemas == null
                    ? new Schema.Parser().parse(envelope.schema())
                    : schemas.computeIfAbsent(
                            envelope.schemaFingerprint(), k -> new Schema.Parser().parse(envelope.schema()));
            byte[] avro = Base64.getDecoder().decode(envelope.recordAvro());
            GenericRecord decoded = new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
            if (envelope.record() != null && !JsonRecords.write(decoded).equals(envelope.record())) {
                return "the record differs from its signed Avro bytes";
            }
            Envelope.Signature signature = envelope.signature();
            byte[] value = Base64.getDecoder().decode(signature.value());
            byte[] canonical = envelope.canonicalBytes();
            if ("RECORD".equals(signature.mode())) {
                return Sm2Signer.verify(hubKey, canonical, value) ? null : "the record signature does not verify";
            }
            Envelope.Batch batch = signature.batch();
            HexFormat hex = HexFormat.of();
            byte[] root = hex.parseHex(batch.root());
            List<byte[]> path = batch.auditPath().stream().map(hex::parseHex).toList();
            if (!MerkleTree.verifyInclusion(
                    MerkleTree.leafHash(canonical), batch.leafIndex(), batch.treeSize(), path, root)) {
                return "the inclusion proof does not lead to the sealed root";
            }
            String sealText = signature.keyId() + "|" + batch.batchId() + "|" + batch.treeSize() + "|" + batch.root()
                    + "|" + batch.sealedAt() + "|" + signature.value();
            if (verifiedSeals != null && verifiedSeals.contains(sealText)) {
                return null;
            }
            byte[] seal = Envelope.sealBytes(batch.batchId(), batch.treeSize(), root, batch.sealedAt());
            if (!Sm2Signer.verify(hubKey, seal, value)) {
                return "the batch seal signature does not verify";
            }
            if (verifiedSeals != null) {
                verifiedSeals.add(sealText);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "the envelope is malformed";
        }
    }
}
