package cn.tongban.ledger;

import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 离线校验: checks an evidence bundle with nothing but the bundle — no database, no network:
 * the manifest's signature and file digests, every seal's signature and chain link, every event's
 * hash and chain link, and every event's place under a seal (its whole tree rebuilt, or its
 * inclusion proof). Stops at the first broken item and names it.
 * Intact is not trusted: anyone can sign a bundle with a key of their own, so the signer is
 * pinned with {@code --trust} (certificate PEM) or {@code --trust-fingerprint} (SM3 of its DER).
 * Run: {@code java -jar tongban-hub.jar verify [--trust hub.pem] bundle.zip}.
 */
public final class BundleVerifier {

    private static final HexFormat HEX = HexFormat.of();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BundleVerifier() {}

    /** VALID: intact and (when pinned) signed by a pinned hub key; each verdict has its own exit code. */
    public enum Outcome {
        VALID(0),
        TAMPERED(1),
        UNTRUSTED(3);

        final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /**
     * What the check found: valid, the first broken item, or an intact bundle signed by a key
     * that is not pinned. {@code keyId} is the bundle signer's certificate fingerprint (SM3 of its
     * DER encoding, hex); {@code pinned} whether the check was given trusted certificates.
     */
    public record Verdict(Outcome outcome, long events, long seals, String keyId, String problem, boolean pinned) {

        public boolean valid() {
            return outcome == Outcome.VALID;
        }

        @Override
        public String toString() {
            return switch (outcome) {
                case VALID ->
                    pinned
                            ? "VALID: %d events under %d seals, signed by the pinned hub key %s"
                                    .formatted(events, seals, keyId)
                            : ("VALID: %d events under %d seals, signed by hub key %s%n"
                                            + "WARNING: the signer is unpinned: this says the bundle is intact, not who signed it."
                                            + " Compare the fingerprint %s with the one the hub publishes"
                                            + " (GET /api/exchange/hub-certificate, header Tongban-Certificate-Fingerprint),"
                                            + " or pin it with --trust hub-certificate.pem or --trust-fingerprint %s")
                                    .formatted(events, seals, keyId, keyId, keyId);
                case TAMPERED -> "TAMPERED: " + problem;
                case UNTRUSTED -> "UNTRUSTED: " + problem;
            };
        }
    }

    private static final String USAGE =
            "usage: java -jar tongban-hub.jar verify [--trust CERTIFICATES.pem] [--trust-fingerprint HEX] <bundle.zip>";

    public static void main(String[] args) {
        Set<String> trusted = new java.util.LinkedHashSet<>();
        Path bundle = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--trust" -> trusted.addAll(fingerprintsIn(Path.of(args[++i])));
                    case "--trust-fingerprint" -> trusted.add(fingerprint(args[++i]));
                    default -> {
                        if (bundle != null || args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unexpected argument " + args[i]);
                        }
                        bundle = Path.of(args[i]);
                    }
                }
            }
            if (bundle == null) {
                throw new IllegalArgumentException("no bundle named");
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage() == null ? "an option lacks its value" : e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        long start = System.nanoTime();
        Verdict verdict = verify(bundle, trusted);
        System.out.println(verdict);
        System.out.printf("checked in %.2f s%n", (System.nanoTime() - start) / 1e9);
        System.exit(verdict.outcome().exitCode);
    }

    /** The fingerprints (keyIds) of the certificates in a PEM file: the hub certificates to trust. */
    public static Set<String> fingerprintsIn(Path pem) {
        try {
            Set<String> fingerprints = new java.util.LinkedHashSet<>();
            for (X509Certificate certificate : HubKeys.readCertificates(Files.readString(pem))) {
                fingerprints.add(HubKeys.keyIdOf(certificate));
            }
            return fingerprints;
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException(pem + " cannot be read as PEM certificates");
        }
    }

    /** A fingerprint as given (any case, colons or spaces between bytes allowed), as a keyId. */
    public static String fingerprint(String given) {
        String hex = given.replaceAll("[:\\s]", "").toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("--trust-fingerprint must be an SM3 digest: 64 hex digits");
        }
        return hex;
    }

    /** Checks the bundle's integrity only: its signer is reported but not pinned. */
    public static Verdict verify(Path bundle) {
        return verify(bundle, Set.of());
    }

    /**
     * Checks the bundle and, when {@code trusted} names any fingerprint, that its signer is one of
     * them. The signer vouches, in the manifest it signs, for the older certificates the bundle
     * carries for seals made before a rotation; so only the signer has to be pinned.
     */
    public static Verdict verify(Path bundle, Set<String> trusted) {
        Verdict verdict = verifyIntegrity(bundle);
        if (!verdict.valid() || trusted.isEmpty()) {
            return verdict;
        }
        if (!trusted.contains(verdict.keyId())) {
            return new Verdict(
                    Outcome.UNTRUSTED,
                    verdict.events(),
                    verdict.seals(),
                    verdict.keyId(),
                    "the bundle is intact but signed by hub key " + verdict.keyId()
                            + ", which is not among the pinned certificates " + trusted,
                    true);
        }
        return new Verdict(Outcome.VALID, verdict.events(), verdict.seals(), verdict.keyId(), null, true);
    }

    private static Verdict verifyIntegrity(Path bundle) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
            Map<String, byte[]> files = new HashMap<>();
            List<String> eventEntries = new ArrayList<>();
            // Leaf entries are read with the other files (and checked against the manifest like them).
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                if (entry.getName().startsWith(BundleFormat.EVENTS)) {
                    eventEntries.add(entry.getName());
                } else if (files.put(entry.getName(), read(zip, entry.getName())) != null) {
                    return broken("the bundle holds " + entry.getName() + " twice");
                }
            }
            java.util.Collections.sort(eventEntries);
            try {
                return check(bundle, files, eventEntries, name -> read(zip, name));
            } catch (IOException | RuntimeException e) {
                return broken(
                        "the bundle's content cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        } catch (IOException | RuntimeException e) {
            return broken(
                    "the bundle cannot be read as a zip file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] read(java.util.zip.ZipFile zip, String name) {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The hub's signature over every byte of the file before its trailing zip comment. */
    private static boolean fileSignatureHolds(Path bundle, PublicKey key) throws IOException {
        long size = Files.size(bundle);
        if (size < BundleFormat.COMMENT_LENGTH) {
            return false;
        }
        java.security.Signature verifier = Sm2Signer.streamingVerifier(key);
        try (InputStream in = Files.newInputStream(bundle)) {
            byte[] buffer = new byte[1 << 16];
            long left = size - BundleFormat.COMMENT_LENGTH;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return false;
                }
                verifier.update(buffer, 0, n);
                left -= n;
            }
            String comment = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (!comment.startsWith(BundleFormat.SIGNATURE_PREFIX)) {
                return false;
            }
            byte[] raw = HEX.parseHex(comment.substring(BundleFormat.SIGNATURE_PREFIX.length()));
            return verifier.verify(Sm2Signer.toDer(raw));
        } catch (java.security.SignatureException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Verdict check(
            Path bundle,
            Map<String, byte[]> files,
            List<String> eventEntries,
            java.util.function.Function<String, byte[]> entry)
            throws IOException {
        for (String name : List.of(
                BundleFormat.MANIFEST,
                BundleFormat.MANIFEST_SIGNATURE,
                BundleFormat.CERTIFICATE,
                BundleFormat.SEALS,
                BundleFormat.PROOFS)) {
            if (!files.containsKey(name)) {
                return broken(name + " is missing");
            }
        }
        // The bundle's signer first, then the older certificates its seals name (ADR 0014).
        Map<String, PublicKey> certificates = new HashMap<>();
        String keyId;
        try {
            List<X509Certificate> carried = HubKeys.readCertificates(
                    new String(files.get(BundleFormat.CERTIFICATE), StandardCharsets.US_ASCII));
            for (X509Certificate certificate : carried) {
                certificates.put(HubKeys.keyIdOf(certificate), certificate.getPublicKey());
            }
            keyId = HubKeys.keyIdOf(carried.get(0));
        } catch (RuntimeException e) {
            return broken(BundleFormat.CERTIFICATE + " is not a certificate");
        }
        PublicKey key = certificates.get(keyId);
        byte[] manifest = files.get(BundleFormat.MANIFEST);
        byte[] manifestSignature;
        try {
            manifestSignature = Base64.getDecoder().decode(files.get(BundleFormat.MANIFEST_SIGNATURE));
        } catch (IllegalArgumentException e) {
            return broken(BundleFormat.MANIFEST_SIGNATURE + " is not base64");
        }
        if (!Sm2Signer.verify(key, manifest, manifestSignature)) {
            return broken(BundleFormat.MANIFEST + ": the hub's signature does not verify");
        }
        // The hub's signature over the file's bytes, checked beside the content checks below.
        java.util.concurrent.CompletableFuture<Boolean> fileSignature =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return fileSignatureHolds(bundle, key);
                    } catch (IOException e) {
                        return false;
                    }
                });
        JsonNode manifestJson = JSON.readTree(manifest);
        JsonNode digests = manifestJson.get("files");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String name = file.getKey();
            // Events are checked one by one against their own hashes and seals, and counted below.
            if (name.equals(BundleFormat.MANIFEST) || name.equals(BundleFormat.MANIFEST_SIGNATURE)) {
                continue;
            }
            JsonNode expected = digests.get(name);
            if (expected == null || !expected.asString().equals(HEX.formatHex(Sm3.digest(file.getValue())))) {
                return broken(name + ": its SM3 digest differs from the signed manifest");
            }
        }

        // Seals: signature, hash, and the link to the previous seal when both are here.
        TreeMap<Long, LedgerSeal> seals = new TreeMap<>();
        for (String line : lines(files.get(BundleFormat.SEALS))) {
            LedgerSeal seal = JSON.readValue(line, BundleFormat.SealLine.class).toSeal();
            byte[] signed = seal.signedBytes();
            PublicKey sealKey = certificates.get(seal.keyId());
            if (sealKey == null) {
                return broken("seal " + seal.id() + ": the bundle holds no certificate of its hub key " + seal.keyId());
            }
            if (!Sm2Signer.verify(sealKey, signed, seal.signature())) {
                return broken("seal " + seal.id() + ": the signature does not verify with the hub certificate");
            }
            if (!Arrays.equals(seal.sealHash(), LedgerSeal.hashOf(signed, seal.signature()))) {
                return broken("seal " + seal.id() + ": its hash does not match its content");
            }
            LedgerSeal before = seals.isEmpty() ? null : seals.lastEntry().getValue();
            if (before != null
                    && before.id() == seal.id() - 1
                    && !Arrays.equals(before.sealHash(), seal.prevSealHash())) {
                return broken("seal " + seal.id() + ": it does not link to seal " + before.id());
            }
            seals.put(seal.fromSeq(), seal);
        }

        // Events: each entry inflated, parsed and re-hashed on its own core.
        List<Chunk> chunks = eventEntries.parallelStream()
                .map(name -> chunk(name, entry.apply(name)))
                .toList();
        for (Chunk chunk : chunks) {
            if (chunk.problem() != null) {
                return broken(chunk.problem());
            }
        }
        long total = chunks.stream().mapToLong(c -> c.events().length).sum();
        if (total != manifestJson.path("events").asLong(-1)) {
            return broken("the bundle holds " + total + " events, the signed manifest says "
                    + manifestJson.path("events").asLong(-1));
        }
        Checked[] events =
                chunks.stream().flatMap(c -> Arrays.stream(c.events())).toArray(Checked[]::new);
        for (int i = 0; i < events.length; i++) {
            if (i > 0
                    && events[i].seq() == events[i - 1].seq() + 1
                    && !Arrays.equals(events[i - 1].hash(), events[i].prevHash())) {
                return broken("event " + events[i].seq() + ": it does not link to event " + events[i - 1].seq());
            }
        }

        // Events that name deliveries as leaves: their leaves are here, as many as they say, under their digest.
        String leafProblem = leafProblem(files, events);
        if (leafProblem != null) {
            return broken(leafProblem);
        }

        // Every event under a seal: whole trees rebuilt, partial ones by inclusion proof.
        Map<Long, List<Checked>> bySeal = new HashMap<>();
        for (Checked event : events) {
            var floor = seals.floorEntry(event.seq());
            if (floor == null || floor.getValue().toSeq() < event.seq()) {
                return broken("event " + event.seq() + ": no seal in the bundle covers it");
            }
            bySeal.computeIfAbsent(floor.getValue().id(), k -> new ArrayList<>())
                    .add(event);
        }
        Map<Long, BundleFormat.ProofLine> proofs = new HashMap<>();
        for (String line : lines(files.get(BundleFormat.PROOFS))) {
            BundleFormat.ProofLine proof = JSON.readValue(line, BundleFormat.ProofLine.class);
            proofs.put(proof.seq(), proof);
        }
        List<LedgerSeal> used =
                seals.values().stream().filter(s -> bySeal.containsKey(s.id())).toList();
        String[] sealProblems = new String[used.size()];
        IntStream.range(0, used.size()).parallel().forEach(i -> {
            LedgerSeal seal = used.get(i);
            List<Checked> members = bySeal.get(seal.id());
            if (members.size() == seal.treeSize()) {
                List<byte[]> hashes = new ArrayList<>(members.size());
                for (int m = 0; m < members.size(); m++) {
                    if (members.get(m).seq() != seal.fromSeq() + m) {
                        sealProblems[i] =
                                "seal " + seal.id() + ": event " + (seal.fromSeq() + m) + " is missing or repeated";
                        return;
                    }
                    hashes.add(members.get(m).hash());
                }
                if (!Arrays.equals(LedgerSeal.treeOf(hashes).root(), seal.root())) {
                    sealProblems[i] = "seal " + seal.id() + ": the events " + seal.fromSeq() + ".." + seal.toSeq()
                            + " do not lead to its signed root";
                }
                return;
            }
            for (Checked event : members) {
                BundleFormat.ProofLine proof = proofs.get(event.seq());
                List<byte[]> path = proof == null
                        ? List.of()
                        : proof.path().stream().map(HEX::parseHex).toList();
                if (proof == null
                        || proof.sealId() != seal.id()
                        || proof.leafIndex() != event.seq() - seal.fromSeq()
                        || !MerkleTree.verifyInclusion(
                                MerkleTree.leafHash(event.hash()),
                                proof.leafIndex(),
                                seal.treeSize(),
                                path,
                                seal.root())) {
                    sealProblems[i] =
                            "event " + event.seq() + ": its inclusion proof does not lead to seal " + seal.id();
                    return;
                }
            }
        });
        for (String problem : sealProblems) {
            if (problem != null) {
                return broken(problem);
            }
        }
        // Last, the bytes the content checks do not reach (zip headers, names, times).
        if (!fileSignature.join()) {
            return broken("the bundle file: the hub's signature over its bytes does not verify");
        }
        return new Verdict(Outcome.VALID, events.length, seals.size(), keyId, null, false);
    }

    private static String leafProblem(Map<String, byte[]> files, Checked[] events) {
        Map<Long, List<LedgerLeaf>> leaves = new HashMap<>();
        List<String> names = files.keySet().stream()
                .filter(n -> n.startsWith(BundleFormat.LEAVES))
                .sorted()
                .toList();
        for (String name : names) {
            for (String text : lines(files.get(name))) {
                BundleFormat.LeafLine line = JSON.readValue(text, BundleFormat.LeafLine.class);
                List<LedgerLeaf> of = leaves.computeIfAbsent(line.seq(), k -> new ArrayList<>());
                if (line.index() != of.size()) {
                    return "leaf " + line.index() + " of event " + line.seq() + " is out of place";
                }
                of.add(line.leaf());
            }
        }
        for (Checked event : events) {
            if (event.leafCount() == 0) {
                continue;
            }
            List<LedgerLeaf> of = leaves.remove(event.seq());
            if (of == null
                    || of.size() != event.leafCount()
                    || !LedgerLeaf.root(of).equals(event.payloadDigest())) {
                return "event " + event.seq() + ": its leaves do not match its digest";
            }
        }
        return leaves.isEmpty()
                ? null
                : "leaves of event " + leaves.keySet().iterator().next() + ": no event in the bundle names them";
    }

    /** One events entry: its events in order, or the first line that fails. */
    private record Chunk(Checked[] events, String problem) {}

    private static Chunk chunk(String name, byte[] bytes) {
        EventLineReader lines = new EventLineReader();
        Checked[] events = new Checked[Math.max(16, bytes.length / 400)];
        int count = 0;
        for (int p = 0; p < bytes.length; count++) {
            if (count == events.length) {
                events = Arrays.copyOf(events, count * 2);
            }
            try {
                EventLineReader.Read fast = lines.read(bytes, p, bytes.length);
                if (fast != null && fast.namesLeaves()) {
                    fast = null; // rare: read in full for its digest and leaf count
                }
                if (fast != null) {
                    events[count] = new Checked(fast.seq(), fast.prevHash(), fast.hash(), null, 0);
                    if (!Arrays.equals(fast.hash(), fast.recomputed())) {
                        return new Chunk(
                                Arrays.copyOf(events, count + 1),
                                "event " + fast.seq() + ": its content does not match its hash");
                    }
                    p = fast.next();
                    continue;
                }
                int end = p;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                if (end == bytes.length) {
                    return new Chunk(Arrays.copyOf(events, count), name + ": its last line is cut off");
                }
                BundleFormat.EventLine line = BundleFormat.EventLine.parse(JSON, bytes, p, end - p);
                byte[] hash = HEX.parseHex(line.hash());
                events[count] = new Checked(
                        line.seq(),
                        HEX.parseHex(line.prevHash()),
                        hash,
                        line.payloadDigest(),
                        LedgerEvent.leafCount(line.details()));
                if (!Arrays.equals(hash, line.recomputedHash())) {
                    return new Chunk(
                            Arrays.copyOf(events, count + 1),
                            "event " + line.seq() + ": its content does not match its hash");
                }
                p = end + 1;
            } catch (RuntimeException e) {
                return new Chunk(Arrays.copyOf(events, count), name + ": line " + (count + 1) + " cannot be read");
            }
        }
        return new Chunk(Arrays.copyOf(events, count), null);
    }

    /** What the chain and tree checks need of an event once its hash is confirmed. */
    private record Checked(long seq, byte[] prevHash, byte[] hash, String payloadDigest, int leafCount) {}

    private static Verdict broken(String problem) {
        return new Verdict(Outcome.TAMPERED, 0, 0, null, problem, false);
    }

    private static List<String> lines(byte[] content) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines;
    }
}
