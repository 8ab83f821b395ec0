package cn.tongban.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.tongban.signing.HubKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline verifier on a synthetic bundle: valid as written, tampered after any change. */
class BundleVerifierTest {

    static HubKeys keys;
    static byte[] bundle;

    @TempDir
    Path dir;

    @BeforeAll
    static void write() throws Exception {
        keys = HubKeys.ephemeral("verifier test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LedgerBundles.synthetic(out, 2_500, 1_000, keys);
        bundle = out.toByteArray();
    }

    @Test
    void aBundleAsWrittenIsValid() throws Exception {
        BundleVerifier.Verdict verdict = verify(bundle);
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();
        assertThat(verdict.events()).isEqualTo(2_500);
        assertThat(verdict.seals()).isEqualTo(3);
        assertThat(verdict.keyId()).isEqualTo(keys.keyId());
    }

    @Test
    void anUnpinnedBundleIsValidButSaysSoAndPrintsTheFingerprintToCompare() throws Exception {
        BundleVerifier.Verdict verdict = verify(bundle);
        assertThat(verdict.outcome()).isEqualTo(BundleVerifier.Outcome.VALID);
        assertThat(verdict.pinned()).isFalse();
        assertThat(verdict.toString())
                .contains("WARNING: the signer is unpinned")
                .contains(keys.keyId());
    }

    @Test
    void aBundlePinnedToItsSignerIsValidByFingerprintOrCertificate() throws Exception {
        BundleVerifier.Verdict byFingerprint = verify(bundle, Set.of(BundleVerifier.fingerprint(keys.keyId())));
        assertThat(byFingerprint.outcome()).as(byFingerprint.toString()).isEqualTo(BundleVerifier.Outcome.VALID);
        assertThat(byFingerprint.toString()).contains("pinned").doesNotContain("WARNING");

        Path pem = dir.resolve("trusted.pem");
        Files.writeString(pem, HubKeys.ephemeral("another hub").certificatePem() + keys.certificatePem());
        assertThat(verify(bundle, BundleVerifier.fingerprintsIn(pem)).outcome())
                .isEqualTo(BundleVerifier.Outcome.VALID);
    }

    @Test
    void aBundleResignedWithAnotherKeyIsUntrustedWhenPinnedThoughIntact() throws Exception {
        HubKeys forger = HubKeys.ephemeral("verifier test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LedgerBundles.synthetic(out, 2_500, 1_000, forger);
        byte[] resigned = out.toByteArray();
        assertThat(verify(resigned).outcome()).isEqualTo(BundleVerifier.Outcome.VALID);

        BundleVerifier.Verdict pinned = verify(resigned, Set.of(keys.keyId()));
        assertThat(pinned.outcome()).isEqualTo(BundleVerifier.Outcome.UNTRUSTED);
        assertThat(pinned.valid()).isFalse();
        assertThat(pinned.toString()).startsWith("UNTRUSTED: ").contains(forger.keyId());
        // Untrusted has its own exit code, apart from tampered's.
        assertThat(BundleVerifier.Outcome.UNTRUSTED.exitCode).isNotEqualTo(BundleVerifier.Outcome.TAMPERED.exitCode);
    }

    @Test
    void aBundleOverARotationCarriesBothCertificatesAndOnlyItsSignerNeedsPinning() throws Exception {
        HubKeys rotating = HubKeys.ephemeral("rotating hub");
        String old = rotating.keyId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LedgerBundles.synthetic(out, 2_500, 1_000, rotating, 1);
        String now = rotating.keyId();
        assertThat(now).isNotEqualTo(old);
        byte[] content = out.toByteArray();

        assertThat(HubKeys.readCertificates(
                        new String(unzip(content).get("hub-certificate.pem"), StandardCharsets.US_ASCII)))
                .extracting(HubKeys::keyIdOf)
                .containsExactly(now, old);
        assertThat(verify(content, Set.of(now)).outcome()).isEqualTo(BundleVerifier.Outcome.VALID);
        assertThat(verify(content, Set.of(old)).outcome()).isEqualTo(BundleVerifier.Outcome.UNTRUSTED);

        // A seal whose certificate the bundle lacks cannot be checked: tampered, never valid.
        Map<String, byte[]> files = unzip(content);
        files.put("hub-certificate.pem", rotating.certificatePem().getBytes(StandardCharsets.US_ASCII));
        assertThat(verify(zip(files)).valid()).isFalse();
    }

    @Test
    void aFingerprintIsAcceptedInAnyCaseWithColonsButMustBeAnSm3Digest() {
        String colons = keys.keyId().toUpperCase().replaceAll("(..)(?!$)", "$1:");
        assertThat(BundleVerifier.fingerprint(colons)).isEqualTo(keys.keyId());
        assertThatThrownBy(() -> BundleVerifier.fingerprint("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyFlippedByteIsReportedAsTamperedNeverAsValid() throws Exception {
        for (int position : new int[] {bundle.length / 7, bundle.length / 3, bundle.length / 2, bundle.length - 200}) {
            byte[] flipped = bundle.clone();
            flipped[position] ^= 0x01;
            assertThat(verify(flipped).valid()).as("byte %d flipped", position).isFalse();
        }
    }

    @Test
    void aChangedRemovedOrMiscountedEventIsNamed() throws Exception {
        Map<String, byte[]> files = unzip(bundle);
        String events = new String(files.get("events/00001.jsonl"), StandardCharsets.UTF_8);
        Map<String, byte[]> forged = new LinkedHashMap<>(files);
        forged.put(
                "events/00001.jsonl",
                events.replaceFirst("\"outcome\":\"DELIVERED\"", "\"outcome\":\"REFUSED\"")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(verify(zip(forged)).problem()).matches("event \\d+: its content does not match its hash");

        Map<String, byte[]> shortened = new LinkedHashMap<>(files);
        shortened.put(
                "events/00001.jsonl",
                events.substring(0, events.lastIndexOf('\n', events.length() - 2) + 1)
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(verify(zip(shortened)).problem())
                .isEqualTo("the bundle holds 2499 events, the signed manifest says 2500");

        // A forger who also lowers the manifest's count breaks the hub's signature over it.
        Map<String, byte[]> recounted = new LinkedHashMap<>(shortened);
        recounted.put(
                "manifest.json",
                new String(files.get("manifest.json"), StandardCharsets.UTF_8)
                        .replace("\"events\" : 2500", "\"events\" : 2499")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(verify(zip(recounted)).problem()).isEqualTo("manifest.json: the hub's signature does not verify");

        // Re-zipping untouched content keeps every item valid but not the file's own signature.
        assertThat(verify(zip(files)).problem())
                .isEqualTo("the bundle file: the hub's signature over its bytes does not verify");
    }

    @Test
    void aMissingFileOrNoZipAtAllIsTampered() throws Exception {
        Map<String, byte[]> files = unzip(bundle);
        files.remove("seals.jsonl");
        assertThat(verify(zip(files)).problem()).isEqualTo("seals.jsonl is missing");
        assertThat(verify("not a zip".getBytes(StandardCharsets.UTF_8)).problem())
                .startsWith("the bundle cannot be read as a zip file");
    }

    private BundleVerifier.Verdict verify(byte[] content) throws Exception {
        return verify(content, Set.of());
    }

    private BundleVerifier.Verdict verify(byte[] content, Set<String> trusted) throws Exception {
        Path file = dir.resolve("bundle-" + System.nanoTime() + ".zip");
        Files.write(file, content);
        return BundleVerifier.verify(file, trusted);
    }

    static Map<String, byte[]> unzip(byte[] content) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                files.put(entry.getName(), zip.readAllBytes());
            }
        }
        return files;
    }

    static byte[] zip(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
