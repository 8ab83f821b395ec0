package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub key rotation on disk: the new key signs, every retired certificate stays, a crash mid-way loses nothing. */
class HubKeysTest {

    @TempDir
    Path dir;

    @Test
    void aRotatedKeySignsAndTheRetiredCertificateStaysPublishedAcrossARestart() {
        HubKeys keys = HubKeys.loadOrCreate(dir, "rotation test");
        String first = keys.keyId();
        byte[] oldSignature = Sm2Signer.sign(keys.signingKey(), new byte[] {1});
        HubKeys.Rotation rotation = keys.rotate();
        assertThat(rotation.previousKeyId()).isEqualTo(first);
        assertThat(keys.keyId()).isEqualTo(rotation.keyId()).isNotEqualTo(first);
        assertThat(Files.exists(dir.resolve("hub-certificate-" + first + ".pem")))
                .isTrue();

        HubKeys restarted = HubKeys.loadOrCreate(dir, "rotation test");
        assertThat(restarted.keyId()).isEqualTo(rotation.keyId());
        assertThat(restarted.originalKeyId()).isEqualTo(first);
        assertThat(restarted.published())
                .extracting(HubKeys.Published::keyId, HubKeys.Published::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(rotation.keyId(), HubKeys.Status.CURRENT),
                        org.assertj.core.groups.Tuple.tuple(first, HubKeys.Status.PREVIOUS));
        assertThat(Sm2Signer.verify(restarted.publicKey(first).orElseThrow(), new byte[] {1}, oldSignature))
                .isTrue();
        assertThat(Sm2Signer.verify(restarted.publicKey(), new byte[] {1}, oldSignature))
                .isFalse();
        assertThat(restarted.publicKey(null))
                .as("no keyId: the first key")
                .contains(restarted.publicKey(first).get());
        assertThat(restarted.certificate("0".repeat(64))).isEmpty();
    }

    @Test
    void aRotationInterruptedAfterTheKeyMovedIsCompletedAtTheNextStart() throws Exception {
        HubKeys keys = HubKeys.loadOrCreate(dir, "interrupted");
        String certificate = Files.readString(dir.resolve("hub-certificate.pem"));
        keys.rotate();
        // As if the hub died after moving the new key in, before the new certificate.
        Files.move(dir.resolve("hub-certificate.pem"), dir.resolve("hub-certificate.pem.new"));
        Files.writeString(dir.resolve("hub-certificate.pem"), certificate);

        HubKeys restarted = HubKeys.loadOrCreate(dir, "interrupted");
        assertThat(restarted.keyId()).isEqualTo(keys.keyId());
        byte[] signature = Sm2Signer.sign(restarted.signingKey(), new byte[] {2});
        assertThat(Sm2Signer.verify(restarted.publicKey(), new byte[] {2}, signature))
                .as("key and certificate match")
                .isTrue();
    }

    @Test
    void aRotationInterruptedBeforeTheKeyMovedLeavesTheOldPair() throws Exception {
        HubKeys keys = HubKeys.loadOrCreate(dir, "not rotated");
        Files.writeString(dir.resolve("hub-signing-key.pem.new"), "half written");
        Files.writeString(dir.resolve("hub-certificate.pem.new"), "half written");

        HubKeys restarted = HubKeys.loadOrCreate(dir, "not rotated");
        assertThat(restarted.keyId()).isEqualTo(keys.keyId());
        assertThat(Files.exists(dir.resolve("hub-signing-key.pem.new"))).isFalse();
    }
}
