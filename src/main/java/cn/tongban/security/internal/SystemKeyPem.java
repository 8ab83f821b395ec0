package cn.tongban.security.internal;

import cn.tongban.signing.Sm3;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;

/** A system key's forms: submitted PEM (key or certificate), stored SubjectPublicKeyInfo DER, key id. */
public final class SystemKeyPem {

    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private SystemKeyPem() {}

    /** The SubjectPublicKeyInfo DER of a PEM key or certificate already checked by {@code Sm2Keys.problem}. */
    public static byte[] subjectPublicKeyInfo(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            SubjectPublicKeyInfo info = object instanceof X509CertificateHolder certificate
                    ? certificate.getSubjectPublicKeyInfo()
                    : (SubjectPublicKeyInfo) object;
            return info.getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM public key", e);
        }
    }

    /** SM3 of the SubjectPublicKeyInfo DER, lowercase hex — what {@code SignedRequests.keyId} computes. */
    public static String keyId(byte[] spki) {
        return HexFormat.of().formatHex(Sm3.digest(spki));
    }

    public static String pem(byte[] spki) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki)
                + "\n-----END PUBLIC KEY-----\n";
    }

    static PublicKey publicKey(byte[] spki) {
        try {
            return KeyFactory.getInstance("EC", PROVIDER).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored system key does not parse", e);
        }
    }
}
