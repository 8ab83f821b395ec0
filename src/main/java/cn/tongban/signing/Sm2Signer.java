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

    /** An SM3withSM2 signature fed incrementally (a streamed file). */
    public static Signature streaming(PrivateKey key) {
        try {
            Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
            signature.initSign(key);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM2 is unavailable", e);
        }
    }

    /** An SM3withSM2 check fed incrementally. */
    public static Signature streamingVerifier(PublicKey key) {
        try {
            Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
            signature.initVerify(key);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM2 is unavailable", e);
        }
    }

    /** DER {@code SEQUENCE {r, s}} to the fixed 64-byte {@code r ‖ s} form (GM/T 0009 §7.3). */
    public static byte[] toRaw(byte[] der) {
        org.bouncycastle.asn1.ASN1Sequence sequence = org.bouncycastle.asn1.ASN1Sequence.getInstance(der);
        byte[] raw = new byte[64];
        for (int i = 0; i < 2; i++) {
            byte[] value = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(
                    32,
                    org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(i))
                            .getValue());
            System.arraycopy(value, 0, raw, 32 * i, 32);
        }
        return raw;
    }

    /** The fixed 64-byte {@code r ‖ s} form back to DER. */
    public static byte[] toDer(byte[] raw) {
        if (raw.length != 64) {
            throw new IllegalArgumentException("an r||s signature has 64 bytes");
        }
        try {
            return new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                        new org.bouncycastle.asn1.ASN1Integer(
                                new java.math.BigInteger(1, java.util.Arrays.copyOf(raw, 32))),
                        new org.bouncycastle.asn1.ASN1Integer(
                                new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64)))
                    })
                    .getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
