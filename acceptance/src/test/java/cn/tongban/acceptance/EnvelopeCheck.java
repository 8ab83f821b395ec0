package cn.tongban.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Verifies a delivered envelope the way another province's tool would: from docs/signing
 * (shared/SIGNING.md) and Bouncy Castle alone, without the hub's classes — canonical bytes as
 * length-prefixed fields, SM3, RFC 6962 inclusion proofs, SM3withSM2 with the default signer id.
 */
final class EnvelopeCheck {

    static {
        Security.addProvider(new BouncyCastleProvider());
    }

    private EnvelopeCheck() {}

    static PublicKey hubKey(String certificatePem) {
        try {
            return CertificateFactory.getInstance("X.509", "BC")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)))
                    .getPublicKey();
        } catch (Exception e) {
            throw new IllegalStateException("not an X.509 certificate", e);
        }
    }

    /** Null when the envelope verifies, else what is wrong. */
    static String problem(JsonNode envelope, PublicKey hubKey) {
        // Version 1: eleven fields; version 2 (a correction, docs/signatures.md §2): a twelfth, disputeId.
        String version = envelope.get("version").asText();
        boolean names = envelope.hasNonNull("disputeId");
        if (!version.equals(names ? "2" : "1")) {
            return "the envelope's version does not match its dispute id";
        }
        byte[] avro = Base64.getDecoder().decode(envelope.get("recordAvro").asText());
        Canonical fields = new Canonical()
                .text(version)
                .text(envelope.get("deliveryId").asText())
                .text(envelope.get("resourceCode").asText())
                .text(envelope.get("agreementId").asText())
                .text(envelope.get("demanderUscc").asText())
                .text(envelope.get("serviceItemCode").asText())
                .text(envelope.get("purpose").asText())
                .text(envelope.get("sourceRecordId").asText())
                .text(envelope.get("issuedAt").asText())
                .text(envelope.get("schemaFingerprint").asText())
                .bytes(sm3(avro));
        byte[] canonical =
                names ? fields.text(envelope.get("disputeId").asText()).bytes() : fields.bytes();
        JsonNode signature = envelope.get("signature");
        if (!"SM3withSM2".equals(signature.get("algorithm").asText())
                || !"1234567812345678".equals(signature.get("signerId").asText())) {
            return "unexpected algorithm or signer id";
        }
        byte[] value = Base64.getDecoder().decode(signature.get("value").asText());
        if ("RECORD".equals(signature.get("mode").asText())) {
            return verify(hubKey, canonical, value) ? null : "the SM2 signature does not verify";
        }
        JsonNode batch = signature.get("batch");
        byte[] root = HexFormat.of().parseHex(batch.get("root").asText());
        List<byte[]> path = new ArrayList<>();
        batch.get("auditPath").forEach(h -> path.add(HexFormat.of().parseHex(h.asText())));
        byte[] leaf = sm3(concat(new byte[] {0}, canonical));
        if (!java.util.Arrays.equals(
                root, rootFromPath(leaf, batch.get("leafIndex").asLong(), batch.get("treeSize").asLong(), path))) {
            return "the inclusion proof does not lead to the root";
        }
        byte[] seal = new Canonical()
                .text("tongban-batch-seal-v1")
                .text(batch.get("batchId").asText())
                .number(batch.get("treeSize").asLong())
                .bytes(root)
                .text(batch.get("sealedAt").asText())
                .bytes();
        return verify(hubKey, seal, value) ? null : "the seal signature does not verify";
    }

    /** RFC 9162 §2.1.3.2. */
    private static byte[] rootFromPath(byte[] leafHash, long index, long size, List<byte[]> path) {
        if (index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sm3(concat(new byte[] {1}, concat(p, r)));
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = sm3(concat(new byte[] {1}, concat(r, p)));
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static boolean verify(PublicKey key, byte[] message, byte[] der) {
        try {
            Signature verifier = Signature.getInstance("SM3withSM2", "BC");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(der);
        } catch (Exception e) {
            return false;
        }
    }

    static byte[] sm3(byte[] data) {
        SM3Digest digest = new SM3Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Each field as a 4-byte big-endian length and its bytes; numbers as 8 bytes. */
    private static final class Canonical {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Canonical text(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Canonical bytes(byte[] value) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
            out.writeBytes(value);
            return this;
        }

        Canonical number(long value) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
