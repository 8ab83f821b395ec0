package cn.tongban.signing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * SM2 signatures over SM3(Z_A ‖ M) (GB/T 32918.2) with the default signer ID
 * {@code 1234567812345678}, DER-encoded — Bouncy Castle's {@code SM3withSM2}, which GmSSL, OpenSSL 3
 * and the common JavaScript and Python SM2 libraries verify.
 */
public final class Sm2Signer {

    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private Sm2Signer() {}

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", PROVIDER);
            generator.initialize(new ECGenParameterSpec("sm2p256v1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM2 is unavailable", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM2 signing failed", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] message, byte[] derSignature) {
        try {
            Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(derSignature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
