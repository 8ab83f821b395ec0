package cn.tongban.signing;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's SM2 signing key and its X.509 certificate (PEM files in a key directory) and the SM4
 * data key for encryption at rest. A first start creates them; a production deployment puts its
 * CA-issued certificate and protected key there instead.
 */
public final class HubKeys {

    private static final Logger log = LoggerFactory.getLogger(HubKeys.class);

    private final PrivateKey signingKey;
    private final X509Certificate certificate;
    private final byte[] dataKey;
    private final String keyId;

    private HubKeys(PrivateKey signingKey, X509Certificate certificate, byte[] dataKey) {
        this.signingKey = signingKey;
        this.certificate = certificate;
        this.dataKey = dataKey;
        this.keyId = keyIdOf(certificate);
    }

    /** SM3 of a certificate's DER encoding, hex: how signatures name their key. */
    public static String keyIdOf(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(Sm3.digest(certificate.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("the certificate cannot be encoded", e);
        }
    }

    /** Keys held in memory only (benchmarks, tests): a new SM2 pair and a self-signed certificate. */
    public static HubKeys ephemeral(String subjectName) {
        KeyPair pair = Sm2Signer.generate();
        byte[] dataKey = new byte[16];
        new SecureRandom().nextBytes(dataKey);
        return new HubKeys(pair.getPrivate(), selfSigned(pair, subjectName), dataKey);
    }

    /** Loads the keys from {@code dir}, creating any that is missing. */
    public static HubKeys loadOrCreate(Path dir, String subjectName) {
        try {
            Files.createDirectories(dir);
            Path keyFile = dir.resolve("hub-signing-key.pem");
            Path certFile = dir.resolve("hub-certificate.pem");
            Path dataKeyFile = dir.resolve("data-key.hex");
            if (!Files.exists(keyFile) || !Files.exists(certFile)) {
                KeyPair pair = Sm2Signer.generate();
                X509Certificate certificate = selfSigned(pair, subjectName);
                writeSecret(keyFile, pem(pair.getPrivate()));
                Files.writeString(certFile, pem(certificate));
                log.info("created the hub's SM2 signing key and self-signed certificate in {}", dir);
            }
            if (!Files.exists(dataKeyFile)) {
                byte[] key = new byte[16];
                new SecureRandom().nextBytes(key);
                writeSecret(dataKeyFile, HexFormat.of().formatHex(key));
            }
            PrivateKey key = readKey(Files.readString(keyFile));
            X509Certificate certificate = readCertificate(Files.readString(certFile));
            byte[] dataKey =
                    HexFormat.of().parseHex(Files.readString(dataKeyFile).strip());
            return new HubKeys(key, certificate, dataKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the hub keys in " + dir, e);
        }
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    /** SM3 of the certificate's DER encoding, hex: how envelopes name the signing key. */
    public String keyId() {
        return keyId;
    }

    public byte[] dataKey() {
        return dataKey.clone();
    }

    public static X509Certificate readCertificate(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaX509CertificateConverter()
                    .setProvider(Sm2Signer.PROVIDER)
                    .getCertificate((X509CertificateHolder) parser.readObject());
        } catch (IOException | java.security.cert.CertificateException | ClassCastException e) {
            throw new IllegalStateException("not a PEM certificate", e);
        }
    }

    private static PrivateKey readKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Sm2Signer.PROVIDER);
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            return converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) object);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, String subjectName) {
        try {
            X500Name name = new X500Name("CN=" + subjectName + ",O=Tongban,C=CN");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    name,
                    pair.getPublic());
            var signer = new JcaContentSignerBuilder("SM3withSM2")
                    .setProvider(Sm2Signer.PROVIDER)
                    .build(pair.getPrivate());
            return new JcaX509CertificateConverter()
                    .setProvider(Sm2Signer.PROVIDER)
                    .getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the hub certificate", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on file systems without POSIX permissions
        }
    }
}
