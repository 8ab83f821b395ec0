package cn.tongban.ledger;

import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.crypto.digests.SM3Digest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an evidence bundle (证据包) as events stream in: events, the seals that cover them,
 * inclusion proofs for seals the bundle holds only part of, the hub certificate, and a manifest
 * (SM3 of every file) signed with the hub's key, so one changed byte anywhere is found.
 */
final class BundleWriter implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();

    private final ZipOutputStream zip;
    private final SignedTail signedTail;
    private final JsonMapper json;
    private final LongFunction<LedgerSeal> sealCovering;
    private final Function<LedgerSeal, List<byte[]>> sealLeaves;
    private final LongFunction<List<LedgerLeaf>> eventLeaves;
    /** Leaf lines of the events entry being written; they follow it as their own entry. */
    private final ByteArrayOutputStream leafLines = new ByteArrayOutputStream();

    private long entries;
    private long inEntry;
    private final Map<String, String> digests = new LinkedHashMap<>();
    private final TreeMap<Long, LedgerSeal> seals = new TreeMap<>();
    /** Per seal, the sequence numbers written: 8 bytes an event, as a month's archive holds millions. */
    private final Map<Long, Seqs> covered = new LinkedHashMap<>();

    private static final class Seqs {
        long[] values = new long[64];
        int size;

        void add(long seq) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = seq;
        }
    }

    private long events;
    private final HubKeys keys;
    private final HubKeys.Signer signer;

    BundleWriter(
            OutputStream out,
            JsonMapper json,
            LongFunction<LedgerSeal> sealCovering,
            Function<LedgerSeal, List<byte[]>> sealLeaves,
            LongFunction<List<LedgerLeaf>> eventLeaves,
            HubKeys keys)
            throws IOException {
        this.eventLeaves = eventLeaves;
        this.keys = keys;
        // One signer for the whole bundle, even if the hub's key is rotated while it is written.
        this.signer = keys.current();
        this.signedTail = new SignedTail(out, Sm2Signer.streaming(signer.key()));
        this.zip = new ZipOutputStream(signedTail);
        // Placeholder of the final length; replaced by the signature over every byte before it.
        zip.setComment(BundleFormat.SIGNATURE_PREFIX + "0".repeat(128));
        this.json = json;
        this.sealCovering = sealCovering;
        this.sealLeaves = sealLeaves;
    }

    void event(LedgerEvent event) {
        byte[] line =
                (json.writeValueAsString(BundleFormat.EventLine.of(event)) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (inEntry == BundleFormat.EVENTS_PER_ENTRY || leafLines.size() >= MAX_LEAF_BYTES) {
                closeEventsEntry();
            }
            if (inEntry == 0) {
                zip.putNextEntry(new ZipEntry(BundleFormat.eventsEntry(++entries)));
            }
            zip.write(line);
            inEntry++;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (event.leafCount() > 0) {
            List<LedgerLeaf> leaves = eventLeaves.apply(event.seq());
            for (int i = 0; i < leaves.size(); i++) {
                leafLines.writeBytes(line(BundleFormat.LeafLine.of(event.seq(), i, leaves.get(i))));
            }
        }
        events++;
        var floor = seals.floorEntry(event.seq());
        LedgerSeal seal = floor != null && floor.getValue().toSeq() >= event.seq() ? floor.getValue() : null;
        if (seal == null) {
            seal = sealCovering.apply(event.seq());
            if (seal == null) {
                throw new IllegalStateException("event " + event.seq() + " is not sealed yet");
            }
            seals.put(seal.fromSeq(), seal);
        }
        covered.computeIfAbsent(seal.id(), k -> new Seqs()).add(event.seq());
    }

    /** Bounds the leaf lines held in memory: an events entry is closed early when its leaves reach this. */
    private static final int MAX_LEAF_BYTES = 16 << 20;

    /** Closes the events entry being written and writes the leaves of its events after it. */
    private void closeEventsEntry() throws IOException {
        zip.closeEntry();
        if (leafLines.size() > 0) {
            put(BundleFormat.leavesEntry(entries), leafLines.toByteArray());
            leafLines.reset();
        }
        inEntry = 0;
    }

    /** Finishes the bundle: seals, proofs, certificates, README, then the signed manifest. */
    void finish(Map<String, Object> query) throws IOException {
        if (inEntry > 0) {
            closeEventsEntry();
        }

        ByteArrayOutputStream sealLines = new ByteArrayOutputStream();
        ByteArrayOutputStream proofLines = new ByteArrayOutputStream();
        for (LedgerSeal seal : seals.values()) {
            sealLines.writeBytes(line(BundleFormat.SealLine.of(seal)));
            Seqs seqs = covered.get(seal.id());
            if (seqs.size == seal.treeSize()) {
                continue; // the whole seal is here: the verifier rebuilds its tree
            }
            MerkleTree tree = LedgerSeal.treeOf(sealLeaves.apply(seal));
            for (int i = 0; i < seqs.size; i++) {
                long seq = seqs.values[i];
                int index = (int) (seq - seal.fromSeq());
                List<String> path =
                        tree.inclusionProof(index).stream().map(HEX::formatHex).toList();
                proofLines.writeBytes(line(new BundleFormat.ProofLine(seq, seal.id(), index, path)));
            }
        }
        put(BundleFormat.SEALS, sealLines.toByteArray());
        put(BundleFormat.PROOFS, proofLines.toByteArray());
        put(BundleFormat.CERTIFICATE, certificates().getBytes(StandardCharsets.US_ASCII));
        put(BundleFormat.README, readme().getBytes(StandardCharsets.UTF_8));

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", BundleFormat.FORMAT);
        manifest.put("query", query);
        manifest.put("events", events);
        manifest.put("seals", seals.size());
        manifest.put("files", digests);
        byte[] manifestBytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST));
        zip.write(manifestBytes);
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST_SIGNATURE));
        zip.write(Base64.getEncoder().encode(Sm2Signer.sign(signer.key(), manifestBytes)));
        zip.closeEntry();
        zip.finish();
        signedTail.sign();
    }

    /**
     * The bundle signer's certificate first, then every other certificate a seal here names (seals
     * made before a key rotation), so the bundle verifies with nothing but itself.
     */
    private String certificates() {
        java.util.LinkedHashSet<String> keyIds = new java.util.LinkedHashSet<>();
        keyIds.add(signer.keyId());
        seals.values().forEach(seal -> keyIds.add(seal.keyId()));
        StringBuilder pem = new StringBuilder();
        for (String keyId : keyIds) {
            X509Certificate certificate = keyId.equals(signer.keyId())
                    ? signer.certificate()
                    : keys.certificate(keyId)
                            .orElseThrow(() -> new IllegalStateException(
                                    "a seal names hub key " + keyId + ", whose certificate is not published"));
            pem.append(HubKeys.pemOf(certificate));
        }
        return pem.toString();
    }

    /**
     * Passes bytes through but holds back the last {@link BundleFormat#COMMENT_LENGTH} — the zip
     * comment — and signs everything before it; {@link #sign} writes the signature as the comment.
     */
    private static final class SignedTail extends OutputStream {
        private final OutputStream out;
        private final java.security.Signature signature;
        private final byte[] tail = new byte[BundleFormat.COMMENT_LENGTH];
        private int held;

        SignedTail(OutputStream out, java.security.Signature signature) {
            this.out = out;
            this.signature = signature;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int release = held + len - tail.length;
            if (release <= 0) {
                System.arraycopy(b, off, tail, held, len);
                held += len;
                return;
            }
            int fromTail = Math.min(release, held);
            emit(tail, 0, fromTail);
            int fromB = release - fromTail;
            emit(b, off, fromB);
            System.arraycopy(tail, fromTail, tail, 0, held - fromTail);
            held -= fromTail;
            System.arraycopy(b, off + fromB, tail, held, len - fromB);
            held += len - fromB;
        }

        private void emit(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            try {
                signature.update(b, off, len);
            } catch (java.security.SignatureException e) {
                throw new IOException(e);
            }
            out.write(b, off, len);
        }

        void sign() throws IOException {
            try {
                byte[] raw = Sm2Signer.toRaw(signature.sign());
                out.write((BundleFormat.SIGNATURE_PREFIX + HEX.formatHex(raw)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                held = 0;
            } catch (java.security.SignatureException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    long events() {
        return events;
    }

    private void put(String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
        digests.put(name, HEX.formatHex(Sm3.digest(content)));
    }

    private byte[] line(Object value) {
        return (json.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String finish(SM3Digest digest) {
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return HEX.formatHex(out);
    }

    private static String readme() {
        return """
                Tongban evidence bundle (证据包) — tongban-evidence-v1

                events.jsonl        ledger events; hash = SM3(canonical bytes), canonical bytes end with prevHash
                seals.jsonl         SM2 (SM3withSM2, signer id 1234567812345678, DER) seals over RFC 6962 SM3
                                    Merkle roots of event hashes (leaf = SM3(0x00 || event hash)), chained
                proofs.jsonl        inclusion proofs for events whose seal is only partly in this bundle
                leaves/             the deliveries an event names as leaves (ledger_leaf); the event's
                                    payloadDigest is the RFC 6962 SM3 Merkle root of its leaves, in order
                hub-certificate.pem the hub's certificates: the bundle signer's first, then older ones its seals name
                manifest.json       SM3 of every file; manifest.sig is the hub's SM2 signature over it

                Verify offline:  java -jar tongban-hub.jar verify --trust <the hub's certificate PEM> <this file>
                                 (or --trust-fingerprint <SM3 of its DER, hex>; see docs/signatures.md)
                """;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
