package cn.tongban.signing;

import java.io.IOException;
import java.io.StringReader;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/** Reads SM2 public keys from PEM, as a SubjectPublicKeyInfo or inside an X.509 certificate. */
public final class Sm2Keys {

    private Sm2Keys() {}

    /**
     * Why the PEM text is not an SM2 public key or certificate (curve sm2p256v1, OID
     * 1.2.156.10197.1.301), or null when it is one.
     */
    public static String problem(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            SubjectPublicKeyInfo info;
            if (object instanceof SubjectPublicKeyInfo spki) {
                info = spki;
            } else if (object instanceof X509CertificateHolder certificate) {
                info = certificate.getSubjectPublicKeyInfo();
            } else {
                return "must be a PEM public key or certificate";
            }
            ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)
                    || !GMObjectIdentifiers.sm2p256v1.equals(info.getAlgorithm().getParameters())) {
                return "must be an SM2 key (id-ecPublicKey on curve sm2p256v1)";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "must be a PEM public key or certificate";
        }
    }
}
