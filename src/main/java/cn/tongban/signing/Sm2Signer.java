package cn.tongban.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.function.Function;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;

/**
 * SM2 signatures over SM3(Z_A ‖ M) (GB/T 32918.2) with the default signer ID
 * {@code 1234567812345678}, DER-encoded — Bouncy Castle's {@code SM3withSM2}, which GmSSL, OpenSSL 3
 * and the common JavaScript and Python SM2 libraries verify.
 */
public final class Sm2Signer {

    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    /*
     * Bouncy Castle's lightweight SM2Signer, kept per thread, rather than a JCA Signature
     * per call: the JCA key carries its own copy of the curve, so each initSign recomputed the
     * base point's comb table and derived the public point — three scalar multiplications where
     * a signature needs one (per-record signing and queries spent ~75% of their time there).
     * The signer resets itself after each signature, keeping Z_A; the output is the same DER.
     */
    private static final X9ECParameters SM2_CURVE = CustomNamedCurves.getByName("sm2p256v1"); // the optimised field
    private static final ECDomainParameters SM2 = new ECDomainParameters(SM2_CURVE);
    private static final byte[] DEFAULT_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Prepared<PrivateKey>> SIGNER = new ThreadLocal<>();
    private static final ThreadLocal<Prepared<PublicKey>> VERIFIER = new ThreadLocal<>();

    /**
     * A thread's signer for the key it last used, matched by identity: the hub signs with one key
     * object, and a key's own hashCode/equals encode its curve parameters on every call.
     */
    private record Prepared<K>(K key, SM2Signer signer) {}

    private static <K> SM2Signer prepared(ThreadLocal<Prepared<K>> cache, K key, Function<K, SM2Signer> create) {
        Prepared<K> last = cache.get();
        if (last == null || last.key() != key) {
            last = new Prepared<>(key, create.apply(key));
            cache.set(last);
        }
        return last.signer();
    }

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
        SM2Signer signer = prepared(SIGNER, key, Sm2Signer::signerFor);
        signer.reset();
        signer.update(message, 0, message.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException | RuntimeException e) {
            throw new IllegalStateException("SM2 signing failed", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] message, byte[] derSignature) {
        SM2Signer verifier;
        try {
            verifier = prepared(VERIFIER, key, Sm2Signer::verifierFor);
        } catch (IllegalArgumentException notSm2) {
            return false;
        }
        // A signature refused before hashing (malformed, out of range) leaves the message in the
        // digest, so every use starts from a reset.
        verifier.reset();
        verifier.update(message, 0, message.length);
        try {
            return verifier.verifySignature(derSignature);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static SM2Signer signerFor(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("not an SM2 private key");
        }
        SM2Signer signer = new SM2Signer();
        signer.init(
                true,
                new ParametersWithID(
                        new ParametersWithRandom(new ECPrivateKeyParameters(ec.getS(), SM2), new SecureRandom()),
                        DEFAULT_ID));
        return signer;
    }

    private static SM2Signer verifierFor(PublicKey key) {
        if (!(key instanceof ECPublicKey ec)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("not an SM2 public key");
        }
        ECPoint point;
        try {
            point = SM2_CURVE
                    .getCurve()
                    .validatePoint(ec.getW().getAffineX(), ec.getW().getAffineY());
        } catch (RuntimeException notOnTheCurve) {
            throw new IllegalArgumentException("not an SM2 public key", notOnTheCurve);
        }
        SM2Signer verifier = new SM2Signer();
        verifier.init(false, new ParametersWithID(new ECPublicKeyParameters(point, SM2), DEFAULT_ID));
        return verifier;
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
