package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sm2SignerTest {

    @Test
    void signThenVerifyAndATamperedMessageFails() {
        KeyPair pair = Sm2Signer.generate();
        byte[] message = "准予迁入证明".getBytes(StandardCharsets.UTF_8);
        byte[] signature = Sm2Signer.sign(pair.getPrivate(), message);
        assertThat(signature[0]).as("DER SEQUENCE").isEqualTo((byte) 0x30);
        assertThat(Sm2Signer.verify(pair.getPublic(), message, signature)).isTrue();
        message[0] ^= 1;
        assertThat(Sm2Signer.verify(pair.getPublic(), message, signature)).isFalse();
        assertThat(Sm2Signer.verify(Sm2Signer.generate().getPublic(), "x".getBytes(), signature))
                .isFalse();
    }

    @Test
    void signaturesAreTheStandardSm3WithSm2AndARefusedSignatureLeavesNothingBehind() throws Exception {
        KeyPair pair = Sm2Signer.generate();
        byte[] message = "跨省通办".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            java.security.Signature jca = java.security.Signature.getInstance("SM3withSM2", Sm2Signer.PROVIDER);
            jca.initVerify(pair.getPublic());
            jca.update(message);
            assertThat(jca.verify(Sm2Signer.sign(pair.getPrivate(), message)))
                    .as("the provider's SM3withSM2 verifies signature %d", i)
                    .isTrue();
        }
        java.security.Signature jca = java.security.Signature.getInstance("SM3withSM2", Sm2Signer.PROVIDER);
        jca.initSign(pair.getPrivate());
        jca.update(message);
        byte[] fromProvider = jca.sign();

        assertThat(Sm2Signer.verify(pair.getPublic(), message, new byte[] {0x30, 0x06, 2, 1, 0, 2, 1, 0}))
                .as("r = s = 0 is refused before hashing")
                .isFalse();
        assertThat(Sm2Signer.verify(pair.getPublic(), message, new byte[] {1, 2, 3}))
                .isFalse();
        assertThat(Sm2Signer.verify(pair.getPublic(), message, fromProvider))
                .as("a good signature right after refused ones")
                .isTrue();
    }

    @Test
    void signersOnManyThreadsAgree() throws Exception {
        KeyPair pair = Sm2Signer.generate();
        var pool = Executors.newFixedThreadPool(4);
        try {
            var results = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 64; i++) {
                byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(
                        () -> Sm2Signer.verify(pair.getPublic(), message, Sm2Signer.sign(pair.getPrivate(), message))));
            }
            for (var result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void hubKeysPersistAndTheCertificateCarriesAnSm2Key(@TempDir Path dir) {
        HubKeys first = HubKeys.loadOrCreate(dir, "test hub");
        HubKeys again = HubKeys.loadOrCreate(dir, "test hub");
        assertThat(again.keyId()).isEqualTo(first.keyId());
        assertThat(Sm2Keys.problem(first.certificatePem())).isNull();
        byte[] signature = Sm2Signer.sign(first.signingKey(), new byte[] {1, 2, 3});
        assertThat(Sm2Signer.verify(again.publicKey(), new byte[] {1, 2, 3}, signature))
                .isTrue();
    }

    @Test
    void sm4GcmRoundTripsAndDetectsTampering() {
        DataCipher cipher = new DataCipher(new byte[16]);
        byte[] plain = "430102199001010011".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.encrypt(plain);
        assertThat(sealed).hasSize(12 + plain.length + 16);
        assertThat(cipher.decrypt(sealed)).isEqualTo(plain);
        assertThat(cipher.encrypt(plain)).as("a fresh nonce each time").isNotEqualTo(sealed);
        sealed[20] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(sealed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(new byte[20])).isInstanceOf(IllegalStateException.class);
        // The same thread's cipher still works after a refusal, both ways.
        sealed[20] ^= 1;
        assertThat(cipher.decrypt(sealed)).isEqualTo(plain);
        assertThat(cipher.decrypt(cipher.encrypt(new byte[0]))).isEmpty();
        assertThatThrownBy(() -> new DataCipher(new byte[16])
                        .decrypt(new DataCipher(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                                .encrypt(plain)))
                .as("another key")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sm4GcmReadsAndWritesWhatTheJcaCipherDoes() throws Exception {
        byte[] key = HexFormat.of().parseHex("0123456789abcdeffedcba9876543210");
        DataCipher cipher = new DataCipher(key);
        SecretKeySpec jcaKey = new SecretKeySpec(key, "SM4");
        for (int length : new int[] {0, 1, 15, 16, 17, 200, 4096}) {
            byte[] plain = new byte[length];
            new Random(length).nextBytes(plain);
            byte[] nonce = new byte[12];
            new Random(-length).nextBytes(nonce);
            Cipher jca = Cipher.getInstance("SM4/GCM/NoPadding", Sm2Signer.PROVIDER);
            jca.init(Cipher.ENCRYPT_MODE, jcaKey, new GCMParameterSpec(128, nonce));
            byte[] byJca = ByteBuffer.allocate(12 + length + 16)
                    .put(nonce)
                    .put(jca.doFinal(plain))
                    .array();
            assertThat(cipher.decrypt(byJca)).as("JCA-sealed, %d bytes", length).isEqualTo(plain);

            byte[] ours = cipher.encrypt(plain);
            jca.init(Cipher.DECRYPT_MODE, jcaKey, new GCMParameterSpec(128, ours, 0, 12));
            assertThat(jca.doFinal(ours, 12, ours.length - 12))
                    .as("opened by the JCA, %d bytes", length)
                    .isEqualTo(plain);
        }
    }
}
