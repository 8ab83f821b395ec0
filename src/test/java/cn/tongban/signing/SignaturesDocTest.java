package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.exchange.Envelope;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.ledger.LedgerEvent;
import cn.tongban.ledger.LedgerSeal;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/signatures.md is what outside verifiers go by: its worked example is read from the file and
 * checked against the code — canonical bytes, digests, Z_A and e recomputed, signatures verified
 * with the documented public key (SM2 is randomised, so they are verified, not reproduced).
 */
class SignaturesDocTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern BLOCK = Pattern.compile("```(hex|text) (\\S+)\\n(.*?)```", Pattern.DOTALL);

    static Map<String, byte[]> hex = new HashMap<>();
    static Map<String, Map<String, String>> fields = new HashMap<>();
    static PublicKey publicKey;

    @BeforeAll
    static void read() throws Exception {
        String doc = Files.readString(Path.of("docs", "signatures.md"));
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            if (m.group(1).equals("hex")) {
                hex.put(m.group(2), HEX.parseHex(m.group(3).replaceAll("\\s", "")));
            } else {
                Map<String, String> values = new LinkedHashMap<>();
                for (String line : m.group(3).split("\n")) {
                    int eq = line.indexOf(" =");
                    values.put(line.substring(0, eq), line.substring(eq + 2).strip());
                }
                fields.put(m.group(2), values);
            }
        }
        byte[] point = hex("public-key");
        var spec = ECNamedCurveTable.getParameterSpec("sm2p256v1");
        publicKey = KeyFactory.getInstance("EC", Sm2Signer.PROVIDER)
                .generatePublic(new ECPublicKeySpec(spec.getCurve().decodePoint(point), spec));
    }

    @Test
    void thePublicKeyIsTheDocumentedPrivateKeysAndZaIsComputedAsGbT32918Says() {
        X9ECParameters curve = CustomNamedCurves.getByName("sm2p256v1");
        BigInteger d = new BigInteger(field("example.key", "private"), 16);
        ECPoint q = curve.getG().multiply(d).normalize();
        assertThat(HEX.formatHex(q.getEncoded(false))).isEqualTo(HEX.formatHex(hex("public-key")));

        byte[] id = field("example.key", "signerId").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(id.length * 8 >> 8);
        z.write(id.length * 8);
        z.writeBytes(id);
        z.writeBytes(BigIntegers.asUnsignedByteArray(32, curve.getCurve().getA().toBigInteger()));
        z.writeBytes(BigIntegers.asUnsignedByteArray(32, curve.getCurve().getB().toBigInteger()));
        z.write(curve.getG().getEncoded(false), 1, 64);
        z.write(hex("public-key"), 1, 64);
        assertThat(HEX.formatHex(Sm3.digest(z.toByteArray()))).isEqualTo(HEX.formatHex(hex("za")));
    }

    @Test
    void theEnvelopeExample() {
        Map<String, String> f = fields.get("envelope.fields");
        assertThat(Sm3.hex(f.get("schema"))).isEqualTo(f.get("schemaFingerprint"));
        byte[] canonical = envelope(f, f.get("deliveryId"), f.get("sourceRecordId"));
        assertSame(canonical, "envelope.canonical");
        assertSame(Sm3.digest(canonical), "envelope.sm3");
        assertSignature(canonical, "envelope.e", "envelope.signature.der");
        assertSame(Sm2Signer.toRaw(hex("envelope.signature.der")), "envelope.signature.raw");
    }

    @Test
    void theCorrectionEnvelopeExample() {
        Map<String, String> f = fields.get("envelope.fields");
        Map<String, String> c = fields.get("envelope2.fields");
        byte[] canonical = Envelope.canonicalBytes(
                Integer.parseInt(c.get("version")),
                f.get("deliveryId"),
                f.get("resourceCode"),
                f.get("agreementId"),
                f.get("demanderUscc"),
                f.get("serviceItemCode"),
                f.get("purpose"),
                f.get("sourceRecordId"),
                f.get("issuedAt"),
                f.get("schemaFingerprint"),
                HEX.parseHex(f.get("recordAvro")),
                c.get("disputeId"));
        assertSame(canonical, "envelope2.canonical");
        // As documented: version 1's bytes with "2" for "1", then the dispute id as a twelfth text.
        byte[] v1 = hex("envelope.canonical").clone();
        v1[4] = '2';
        byte[] id = c.get("disputeId").getBytes(StandardCharsets.UTF_8);
        assertThat(HEX.formatHex(canonical))
                .isEqualTo(HEX.formatHex(concat(v1, new byte[] {0, 0, 0, (byte) id.length}, id)));
        assertSignature(canonical, "envelope2.e", "envelope2.signature.der");
    }

    @Test
    void theBatchSealExample() {
        Map<String, String> f = fields.get("envelope.fields");
        Map<String, String> b = fields.get("batch.fields");
        byte[] leaf0 = envelope(f, f.get("deliveryId"), f.get("sourceRecordId"));
        byte[] leaf1 = envelope(f, b.get("deliveryId1"), b.get("sourceRecordId1"));
        MerkleTree tree = MerkleTree.of(List.of(leaf0, leaf1));
        assertSame(tree.leafHashAt(0), "batch.leaf0");
        assertSame(tree.leafHashAt(1), "batch.leaf1");
        assertSame(tree.root(), "batch.root");
        // The same by the documented formula, without the tree code.
        assertSame(Sm3.digest(concat(new byte[] {1}, sm3(0, leaf0), sm3(0, leaf1))), "batch.root");

        byte[] seal =
                Envelope.sealBytes(b.get("batchId"), Long.parseLong(b.get("treeSize")), tree.root(), b.get("sealedAt"));
        assertSame(seal, "batch.seal");
        assertSignature(seal, "batch.e", "batch.signature.der");
        assertThat(MerkleTree.verifyInclusion(tree.leafHashAt(0), 0, 2, List.of(hex("batch.leaf1")), hex("batch.root")))
                .isTrue();
    }

    @Test
    void theLedgerEventsAndSealExample() {
        byte[] hash1 = event("ledger.event1", hex("ledger.event1.hash"));
        byte[] hash2 = event("ledger.event2", hex("ledger.event2.hash"));
        assertThat(fields.get("ledger.event2.fields").get("prevHash")).isEqualTo(HEX.formatHex(hash1));

        Map<String, String> s = fields.get("ledger.seal.fields");
        byte[] root = MerkleTree.of(List.of(hash1, hash2)).root();
        assertSame(root, "ledger.seal.root");
        assertSame(Sm3.digest(concat(new byte[] {1}, sm3(0, hash1), sm3(0, hash2))), "ledger.seal.root");
        byte[] signed = LedgerSeal.signedBytes(
                Long.parseLong(s.get("id")),
                Long.parseLong(s.get("fromSeq")),
                Long.parseLong(s.get("toSeq")),
                Integer.parseInt(s.get("treeSize")),
                root,
                HEX.parseHex(s.get("prevSealHash")),
                s.get("sealedAt"),
                s.get("keyId"));
        assertSame(signed, "ledger.seal.signed");
        assertSignature(signed, "ledger.seal.e", "ledger.seal.signature.der");
        assertSame(LedgerSeal.hashOf(signed, hex("ledger.seal.signature.der")), "ledger.seal.hash");
    }

    /** Checks one documented event's canonical bytes and hash; returns the hash. */
    private static byte[] event(String name, byte[] documentedHash) {
        Map<String, String> f = fields.get(name + ".fields");
        LedgerEntry entry = new LedgerEntry(
                Instant.parse(f.get("occurredAt")),
                f.get("type"),
                f.get("actor"),
                f.get("participantUscc"),
                f.get("resourceCode"),
                UUID.fromString(f.get("agreementId")),
                f.get("purpose"),
                f.get("serviceItemCode"),
                f.get("outcome"),
                f.get("sourceRecordId"),
                f.get("deliveryKey"),
                f.get("personRef"),
                nullIfEmpty(f.get("payloadDigest")),
                f.get("details"));
        long seq = Long.parseLong(f.get("seq"));
        byte[] prev = HEX.parseHex(f.get("prevHash"));
        byte[] canonical = LedgerEvent.canonicalBytes(seq, entry, prev);
        assertSame(canonical, name + ".canonical");
        assertSame(Sm3.digest(canonical), name + ".hash");
        assertThat(LedgerEvent.chain(seq, entry, prev).hash()).isEqualTo(documentedHash);
        return documentedHash;
    }

    private static byte[] envelope(Map<String, String> f, String deliveryId, String sourceRecordId) {
        return Envelope.canonicalBytes(
                Integer.parseInt(f.get("version")),
                deliveryId,
                f.get("resourceCode"),
                f.get("agreementId"),
                f.get("demanderUscc"),
                f.get("serviceItemCode"),
                f.get("purpose"),
                sourceRecordId,
                f.get("issuedAt"),
                f.get("schemaFingerprint"),
                HEX.parseHex(f.get("recordAvro")),
                null);
    }

    /** e = SM3(Z_A ‖ M) as documented; the documented signature verifies, and fails on a changed byte. */
    private static void assertSignature(byte[] message, String e, String signature) {
        assertSame(Sm3.digest(concat(hex("za"), message)), e);
        assertThat(Sm2Signer.verify(publicKey, message, hex(signature))).isTrue();
        byte[] changed = message.clone();
        changed[changed.length - 1] ^= 1;
        assertThat(Sm2Signer.verify(publicKey, changed, hex(signature))).isFalse();
    }

    private static void assertSame(byte[] actual, String documented) {
        assertThat(HEX.formatHex(actual)).as(documented).isEqualTo(HEX.formatHex(hex(documented)));
    }

    private static byte[] hex(String name) {
        assertThat(hex).as("docs/signatures.md has a hex block " + name).containsKey(name);
        return hex.get(name);
    }

    private static String field(String block, String name) {
        return fields.get(block).get(name);
    }

    private static byte[] sm3(int prefix, byte[] data) {
        return Sm3.digest(concat(new byte[] {(byte) prefix}, data));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String nullIfEmpty(String value) {
        return value.isEmpty() ? null : value;
    }
}
