package cn.tongban.signing;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 * CA-issued certificate and protected key there instead. A rotation (ADR 0014) makes a new key
 * that signs from then on; every earlier certificate stays published (hub-certificate-&lt;keyId&gt;.pem)
 * so that what it signed still verifies, picked by the keyId that seals and envelopes name.
 */
public final class HubKeys {

    private static final Logger log = LoggerFactory.getLogger(HubKeys.class);
    private static final String KEY_FILE = "hub-signing-key.pem";
    private static final String CERTIFICATE_FILE = "hub-certificate.pem";
    private static final String ARCHIVE_PREFIX = "hub-certificate-";
    /** The keyId of the first hub key, written at the first rotation (before it, the current key is the first). */
    private static final String FIRST_KEY_FILE = "hub-key-first.txt";

    /** The key that signs now, with its certificate and keyId, read together so they always match. */
    public record Signer(String keyId, PrivateKey key, X509Certificate certificate) {
        static Signer of(PrivateKey key, X509Certificate certificate) {
            return new Signer(keyIdOf(certificate), key, certificate);
        }
    }

    /** A published hub certificate: the current one, or one a rotation retired (it still verifies). */
    public enum Status {
        CURRENT,
        PREVIOUS
    }

    public record Published(String keyId, X509Certificate certificate, Status status) {}

    /** What a rotation changed: the keyIds of the retired and the new signing certificate. */
    public record Rotation(String previousKeyId, String keyId) {}

    private final Path dir;
    private final String subjectName;
    /** The SM4 data keys in the order they were made: data-key.hex, then data-key-2.hex, … */
    private final List<byte[]> dataKeys = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile Signer current;
    private volatile String originalKeyId;
    /** Every certificate the hub ever signed with, current included, by keyId, oldest first. */
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    private HubKeys(
            Path dir,
            String subjectName,
            Signer current,
            List<X509Certificate> previous,
            List<byte[]> dataKeys,
            String originalKeyId) {
        this.dir = dir;
        this.originalKeyId = originalKeyId == null ? current.keyId() : originalKeyId;
        this.subjectName = subjectName;
        this.dataKeys.addAll(dataKeys);
        this.current = current;
        for (X509Certificate certificate : previous) {
            certificates.put(keyIdOf(certificate), certificate);
        }
        certificates.put(current.keyId(), current.certificate());
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
        return new HubKeys(
                null,
                subjectName,
                Signer.of(pair.getPrivate(), selfSigned(pair, subjectName)),
                List.of(),
                List.of(dataKey),
                null);
    }

    /** Loads the keys from {@code dir}, creating any that is missing. */
    public static HubKeys loadOrCreate(Path dir, String subjectName) {
        try {
            Files.createDirectories(dir);
            Path keyFile = dir.resolve(KEY_FILE);
            Path certFile = dir.resolve(CERTIFICATE_FILE);
            Path dataKeyFile = dir.resolve("data-key.hex");
            finishInterruptedRotation(dir);
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
            return new HubKeys(
                    dir, subjectName, Signer.of(key, certificate), archived(dir), dataKeys(dir), firstKeyId(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the hub keys in " + dir, e);
        }
    }

    /** Both .new files: the rotation never took effect, the old pair stands. Only the certificate: the key was moved in. */
    private static void finishInterruptedRotation(Path dir) throws IOException {
        Path newKey = dir.resolve(KEY_FILE + ".new");
        Path newCertificate = dir.resolve(CERTIFICATE_FILE + ".new");
        if (Files.exists(newKey)) {
            Files.delete(newKey);
            Files.deleteIfExists(newCertificate);
        } else if (Files.exists(newCertificate)) {
            Files.move(newCertificate, dir.resolve(CERTIFICATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            log.warn("completed a hub key rotation interrupted in {}", dir);
        }
    }

    private static String firstKeyId(Path dir) throws IOException {
        Path file = dir.resolve(FIRST_KEY_FILE);
        return Files.exists(file) ? Files.readString(file).strip() : null;
    }

    private static List<X509Certificate> archived(Path dir) throws IOException {
        List<X509Certificate> archived = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(ARCHIVE_PREFIX) && name.endsWith(".pem")) {
                    archived.add(readCertificate(Files.readString(file)));
                }
            }
        }
        archived.sort(Comparator.comparing(X509Certificate::getNotBefore));
        return archived;
    }

    /**
     * Makes a new SM2 key and self-signed certificate that sign from now on. The retired
     * certificate is archived first; the new pair is written aside (.new) and moved in, key
     * first, so that a start after a crash finds the old pair or completes the new one
     * ({@link #finishInterruptedRotation}), and never loses a certificate. The retired private
     * key is overwritten: nothing needs it to verify.
     */
    public synchronized Rotation rotate() {
        Signer before = current;
        KeyPair pair = Sm2Signer.generate();
        X509Certificate certificate = selfSigned(pair, subjectName);
        Signer after = Signer.of(pair.getPrivate(), certificate);
        if (dir != null) {
            try {
                Files.writeString(dir.resolve(ARCHIVE_PREFIX + before.keyId() + ".pem"), pem(before.certificate()));
                if (!Files.exists(dir.resolve(FIRST_KEY_FILE))) {
                    Files.writeString(dir.resolve(FIRST_KEY_FILE), originalKeyId);
                }
                Path newKey = dir.resolve(KEY_FILE + ".new");
                Path newCertificate = dir.resolve(CERTIFICATE_FILE + ".new");
                writeSecret(newKey, pem(pair.getPrivate()));
                Files.writeString(newCertificate, pem(certificate));
                Files.move(newKey, dir.resolve(KEY_FILE), StandardCopyOption.REPLACE_EXISTING);
                Files.move(newCertificate, dir.resolve(CERTIFICATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the rotated hub keys in " + dir, e);
            }
        }
        certificates.put(after.keyId(), certificate);
        current = after;
        log.info("rotated the hub's SM2 signing key: {} retired, {} signs from now on", before.keyId(), after.keyId());
        return new Rotation(before.keyId(), after.keyId());
    }

    /** The key that signs now; callers that sign and name the key take both from one call. */
    public Signer current() {
        return current;
    }

    public PrivateKey signingKey() {
        return current.key();
    }

    public PublicKey publicKey() {
        return current.certificate().getPublicKey();
    }

    public X509Certificate certificate() {
        return current.certificate();
    }

    public String certificatePem() {
        return pem(current.certificate());
    }

    /** SM3 of the current certificate's DER encoding, hex: how envelopes name the signing key. */
    public String keyId() {
        return current.keyId();
    }

    /** The certificate a signature names by its keyId, current or retired. */
    public Optional<X509Certificate> certificate(String keyId) {
        if (keyId == null) {
            return Optional.empty();
        }
        X509Certificate known = certificates.get(keyId);
        if (known == null && dir != null) {
            rescan(); // another hub sharing this key directory may have rotated
            known = certificates.get(keyId);
        }
        return Optional.ofNullable(known);
    }

    private void rescan() {
        try {
            for (X509Certificate certificate : archived(dir)) {
                certificates.putIfAbsent(keyIdOf(certificate), certificate);
            }
            X509Certificate onDisk = readCertificate(Files.readString(dir.resolve(CERTIFICATE_FILE)));
            certificates.putIfAbsent(keyIdOf(onDisk), onDisk);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "cannot read the hub certificates in {} ({})",
                    dir,
                    e.getClass().getSimpleName());
        }
    }

    /**
     * The key that made a signature naming {@code keyId}; a stored signature that names none
     * (made before key ids were stored beside it) is the first hub key's.
     */
    public Optional<PublicKey> publicKey(String keyId) {
        return certificate(keyId == null ? originalKeyId : keyId).map(X509Certificate::getPublicKey);
    }

    /** The keyId of the first certificate the hub signed with (hub-key-first.txt once it has rotated). */
    public String originalKeyId() {
        return originalKeyId;
    }

    /** Every published certificate, the current one first, then the retired ones, newest first. */
    public List<Published> published() {
        Signer now = current;
        List<Published> all = new ArrayList<>();
        all.add(new Published(now.keyId(), now.certificate(), Status.CURRENT));
        certificates.entrySet().stream()
                .filter(e -> !e.getKey().equals(now.keyId()))
                .sorted(Comparator.comparing((Map.Entry<String, X509Certificate> e) ->
                                e.getValue().getNotBefore())
                        .reversed())
                .forEach(e -> all.add(new Published(e.getKey(), e.getValue(), Status.PREVIOUS)));
        return all;
    }

    public static String pemOf(X509Certificate certificate) {
        return pem(certificate);
    }

    /** The first SM4 data key (data-key.hex). */
    public byte[] dataKey() {
        return dataKeys.get(0).clone();
    }

    /** Every SM4 data key, oldest first; the last one encrypts. */
    public List<byte[]> dataKeys() {
        return dataKeys.stream().map(byte[]::clone).toList();
    }

    /**
     * Makes a new SM4 data key (data-key-&lt;n&gt;.hex) for new data; the earlier ones are kept,
     * since what they encrypted is decrypted with them.
     */
    public synchronized byte[] addDataKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        if (dir != null) {
            try {
                writeSecret(
                        dir.resolve("data-key-" + (dataKeys.size() + 1) + ".hex"),
                        HexFormat.of().formatHex(key));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a new data key in " + dir, e);
            }
        }
        dataKeys.add(key);
        return key.clone();
    }

    private static List<byte[]> dataKeys(Path dir) throws IOException {
        List<byte[]> keys = new ArrayList<>();
        keys.add(HexFormat.of()
                .parseHex(Files.readString(dir.resolve("data-key.hex")).strip()));
        for (int n = 2; Files.exists(dir.resolve("data-key-" + n + ".hex")); n++) {
            keys.add(HexFormat.of()
                    .parseHex(Files.readString(dir.resolve("data-key-" + n + ".hex"))
                            .strip()));
        }
        return keys;
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

    /** Every certificate in a PEM text, in order (a trust file or a bundle may hold several). */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> all = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(Sm2Signer.PROVIDER);
            for (Object object; (object = parser.readObject()) != null; ) {
                all.add(converter.getCertificate((X509CertificateHolder) object));
            }
        } catch (IOException | java.security.cert.CertificateException | ClassCastException e) {
            throw new IllegalStateException("not PEM certificates", e);
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("no PEM certificate");
        }
        return all;
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
