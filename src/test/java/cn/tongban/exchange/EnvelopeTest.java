package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ADR 0019: an ordinary envelope keeps exactly the version 1 bytes docs/signatures.md documents; a
 * correction's envelope (version 2) signs its dispute id, so changing, adding or dropping it is refused.
 */
class EnvelopeTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"Degree\",\"fields\":[{\"name\":\"degree\",\"type\":\"string\"},{\"name\":\"year\",\"type\":\"int\"}]}";
    private static final String DISPUTE = "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b";

    private static KeyPair hub;
    private static byte[] documentedV1;

    @BeforeAll
    static void read() throws Exception {
        hub = Sm2Signer.generate();
        String doc = Files.readString(Path.of("docs", "signatures.md"));
        Matcher block = Pattern.compile("```hex envelope\\.canonical\\n(.*?)```", Pattern.DOTALL)
                .matcher(doc);
        assertThat(block.find())
                .as("docs/signatures.md has the envelope.canonical block")
                .isTrue();
        documentedV1 = HEX.parseHex(block.group(1).replaceAll("\\s", ""));
    }

    @Test
    void anOrdinaryEnvelopeIsVersionOneWithTheDocumentedBytes() {
        Envelope envelope = envelope(Envelope.VERSION, null);
        assertThat(Envelope.versionFor(null)).isEqualTo(1);
        assertThat(HEX.formatHex(envelope.canonicalBytes())).isEqualTo(HEX.formatHex(documentedV1));
    }

    @Test
    void aCorrectionsBytesAreTheElevenFieldsOfVersionTwoAndItsDisputeIdAsATwelfthText() {
        // Computed from the documented version 1 bytes, not by the code under test: the version text
        // "1" (0x31, the fifth byte) becomes "2", and the dispute id follows, length-prefixed.
        byte[] eleven = documentedV1.clone();
        assertThat(eleven[4]).isEqualTo((byte) '1');
        eleven[4] = '2';
        byte[] id = DISPUTE.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(eleven);
        expected.writeBytes(ByteBuffer.allocate(4).putInt(id.length).array());
        expected.writeBytes(id);

        Envelope correction = envelope(Envelope.CORRECTION_VERSION, DISPUTE);
        assertThat(Envelope.versionFor(DISPUTE)).isEqualTo(2);
        assertThat(HEX.formatHex(correction.canonicalBytes())).isEqualTo(HEX.formatHex(expected.toByteArray()));
    }

    @Test
    void aSignedCorrectionVerifiesAndFailsWithItsDisputeIdChangedDroppedOrMovedToVersionOne() {
        Envelope signed = signed(envelope(Envelope.CORRECTION_VERSION, DISPUTE));
        assertThat(EnvelopeVerifier.problem(signed, hub.getPublic())).isNull();

        Envelope otherDispute = with(signed, Envelope.CORRECTION_VERSION, "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6c");
        assertThat(EnvelopeVerifier.problem(otherDispute, hub.getPublic()))
                .isEqualTo("the record signature does not verify");
        assertThat(EnvelopeVerifier.problem(with(signed, Envelope.VERSION, null), hub.getPublic()))
                .isEqualTo("the record signature does not verify");
        assertThat(EnvelopeVerifier.problem(with(signed, Envelope.CORRECTION_VERSION, null), hub.getPublic()))
                .isEqualTo("the envelope's version does not match its dispute id");
        assertThat(EnvelopeVerifier.problem(with(signed, Envelope.VERSION, DISPUTE), hub.getPublic()))
                .isEqualTo("the envelope's version does not match its dispute id");
    }

    @Test
    void anOrdinaryEnvelopeGivenADisputeIdIsRefused() {
        Envelope signed = signed(envelope(Envelope.VERSION, null));
        assertThat(EnvelopeVerifier.problem(signed, hub.getPublic())).isNull();
        assertThat(EnvelopeVerifier.problem(with(signed, Envelope.CORRECTION_VERSION, DISPUTE), hub.getPublic()))
                .isEqualTo("the record signature does not verify");
        assertThat(EnvelopeVerifier.problem(with(signed, Envelope.VERSION, DISPUTE), hub.getPublic()))
                .isEqualTo("the envelope's version does not match its dispute id");
    }

    @Test
    void inABatchTheMerkleLeafCoversTheDisputeId() {
        Envelope ordinary = envelope(Envelope.VERSION, null);
        Envelope correction = envelope(Envelope.CORRECTION_VERSION, DISPUTE);
        MerkleTree tree = MerkleTree.of(List.of(ordinary.canonicalBytes(), correction.canonicalBytes()));
        String batchId = "0b6e1c52-7a4f-4d0e-8c39-5e2f1a7b9d64";
        String sealedAt = "2026-11-01T08:00:00.123Z";
        byte[] seal = Sm2Signer.sign(hub.getPrivate(), Envelope.sealBytes(batchId, 2, tree.root(), sealedAt));
        Envelope first = inBatch(ordinary, tree, 0, batchId, sealedAt, seal);
        Envelope second = inBatch(correction, tree, 1, batchId, sealedAt, seal);

        assertThat(EnvelopeVerifier.problem(first, hub.getPublic())).isNull();
        assertThat(EnvelopeVerifier.problem(second, hub.getPublic())).isNull();
        assertThat(EnvelopeVerifier.problem(
                        with(second, Envelope.CORRECTION_VERSION, "another dispute"), hub.getPublic()))
                .isEqualTo("the inclusion proof does not lead to the sealed root");
    }

    @Test
    void theBytesOfAVersionThatDoesNotMatchItsDisputeIdAreNeverMade() {
        assertThatThrownBy(() -> envelope(Envelope.VERSION, DISPUTE).canonicalBytes())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope(Envelope.CORRECTION_VERSION, null).canonicalBytes())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope(Envelope.CORRECTION_VERSION, " ").canonicalBytes())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> envelope(3, DISPUTE).canonicalBytes()).isInstanceOf(IllegalArgumentException.class);
    }

    /** The envelope of docs/signatures.md §7.1, as the given version with the given dispute id. */
    private static Envelope envelope(int version, String disputeId) {
        return new Envelope(
                version,
                "5fe463b483b62658231dfe15201408e96ce927ad5ab23d20fd3b1dd690426c2b",
                "JY-XL-0001",
                "8d3a5c1e-2f4b-4c6d-9e8f-0a1b2c3d4e5f",
                "11430100445509870F",
                "GZ-XLGZ-0001",
                "学历公证核验",
                "S-1",
                disputeId,
                "2026-11-01T08:00:00.123Z",
                Sm3.hex(SCHEMA),
                SCHEMA,
                Base64.getEncoder().encodeToString(HEX.parseHex("0ce69cace7a791be1f")),
                null,
                null);
    }

    private static Envelope signed(Envelope unsigned) {
        byte[] signature = Sm2Signer.sign(hub.getPrivate(), unsigned.canonicalBytes());
        return unsigned.withSignature(new Envelope.Signature(
                "RECORD",
                "SM3withSM2",
                "1234567812345678",
                "k",
                Base64.getEncoder().encodeToString(signature),
                null));
    }

    private static Envelope inBatch(
            Envelope unsigned, MerkleTree tree, int index, String batchId, String sealedAt, byte[] seal) {
        List<String> path =
                tree.inclusionProof(index).stream().map(HEX::formatHex).toList();
        return unsigned.withSignature(new Envelope.Signature(
                "BATCH",
                "SM3withSM2",
                "1234567812345678",
                "k",
                Base64.getEncoder().encodeToString(seal),
                new Envelope.Batch(batchId, 2, index, HEX.formatHex(tree.root()), path, sealedAt)));
    }

    /** The same envelope and signature with another version and dispute id, as a tamperer would send it. */
    private static Envelope with(Envelope e, int version, String disputeId) {
        return new Envelope(
                version,
                e.deliveryId(),
                e.resourceCode(),
                e.agreementId(),
                e.demanderUscc(),
                e.serviceItemCode(),
                e.purpose(),
                e.sourceRecordId(),
                disputeId,
                e.issuedAt(),
                e.schemaFingerprint(),
                e.schema(),
                e.recordAvro(),
                e.record(),
                e.signature());
    }
}
