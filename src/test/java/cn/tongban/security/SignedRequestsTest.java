package cn.tongban.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signed-request scheme against its documentation: the worked example in
 * docs/signed-requests.md is read from the file, so the document and the code cannot drift apart.
 */
class SignedRequestsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final ECNamedCurveParameterSpec SM2 = ECNamedCurveTable.getParameterSpec("sm2p256v1");
    private static final Map<String, String> EXAMPLE = example();
    private static final String PATH = "/api/exchange/intake/TS-DEGREE?signing=BATCH";
    private static final long TIMESTAMP = 1767225600000L;
    private static final String NONCE = "n8Kq2vW5xZ0bR4tY7uI1oA";

    @Test
    void theDocumentedPublicKeyAndKeyIdBelongToTheDocumentedPrivateKey() throws Exception {
        BigInteger d = new BigInteger(EXAMPLE.get("private-key"), 16);
        byte[] point = SM2.getG().multiply(d).normalize().getEncoded(false);
        assertThat(HEX.formatHex(point)).isEqualTo(EXAMPLE.get("public-point"));

        byte[] spki = documentedPublicKey().getEncoded();
        assertThat(Arrays.copyOfRange(spki, spki.length - 65, spki.length)).isEqualTo(point);
        assertThat(SignedRequests.keyId(documentedPublicKey()))
                .isEqualTo(HEX.formatHex(Sm3.digest(spki)))
                .isEqualTo(EXAMPLE.get("key-id"));
    }

    @Test
    void theCanonicalBytesAndDigestsAreTheDocumentedOnes() throws Exception {
        byte[] body = EXAMPLE.get("body").getBytes(StandardCharsets.UTF_8);
        assertThat(HEX.formatHex(Sm3.digest(body))).isEqualTo(EXAMPLE.get("body-sm3"));

        byte[] canonical = documentedCanonical();
        assertThat(SignedRequests.canonicalBytes(
                        "post", PATH, EXAMPLE.get("key-id"), TIMESTAMP, NONCE, Sm3.digest(body)))
                .isEqualTo(canonical);

        byte[] za = za(HEX.parseHex(EXAMPLE.get("public-point")));
        assertThat(HEX.formatHex(za)).isEqualTo(EXAMPLE.get("z-a"));
        assertThat(HEX.formatHex(Sm3.digest(concat(za, canonical)))).isEqualTo(EXAMPLE.get("e"));
    }

    @Test
    void theDocumentedSignatureVerifiesAndTheDocumentedHeadersCarryIt() throws Exception {
        byte[] signature = HEX.parseHex(EXAMPLE.get("signature"));
        byte[] canonical = documentedCanonical();
        assertThat(Sm2Signer.verify(documentedPublicKey(), canonical, signature))
                .isTrue();
        canonical[canonical.length - 63] ^= 1; // the timestamp's last byte
        assertThat(Sm2Signer.verify(documentedPublicKey(), canonical, signature))
                .isFalse();

        String[] headers = EXAMPLE.get("headers").split("\n");
        String authorization = headers[0].substring("Authorization: ".length());
        SignedRequests.Authorization parsed = SignedRequests.Authorization.parse(authorization);
        assertThat(parsed.keyId()).isEqualTo(EXAMPLE.get("key-id"));
        assertThat(parsed.timestamp()).isEqualTo(TIMESTAMP);
        assertThat(parsed.nonce()).isEqualTo(NONCE);
        assertThat(parsed.signature()).isEqualTo(signature);
        assertThat(parsed.header()).isEqualTo(authorization);
        assertThat(headers[1]).isEqualTo(SignedRequests.CONTENT_SM3 + ": " + EXAMPLE.get("body-sm3"));
    }

    @Test
    void theHelperSignsWhatTheDocumentedKeyVerifies() throws Exception {
        byte[] body = EXAMPLE.get("body").getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = SignedRequests.sign(
                "POST", PATH, body, documentedPrivateKey(), EXAMPLE.get("key-id"), TIMESTAMP, NONCE);
        SignedRequests.Authorization signed = SignedRequests.Authorization.parse(headers.get("Authorization"));
        assertThat(headers.get(SignedRequests.CONTENT_SM3)).isEqualTo(EXAMPLE.get("body-sm3"));
        assertThat(Sm2Signer.verify(documentedPublicKey(), documentedCanonical(), signed.signature()))
                .isTrue();
    }

    @Test
    void theClockVersionStampsTheClocksTimeAndAFreshNonce() {
        KeyPair pair = Sm2Signer.generate();
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);
        String keyId = SignedRequests.keyId(pair.getPublic());
        byte[] body = new byte[0];
        SignedRequests.Authorization first = SignedRequests.Authorization.parse(
                SignedRequests.sign("GET", "/api/security/me", body, pair.getPrivate(), keyId, clock)
                        .get("Authorization"));
        SignedRequests.Authorization second = SignedRequests.Authorization.parse(
                SignedRequests.sign("GET", "/api/security/me", body, pair.getPrivate(), keyId, clock)
                        .get("Authorization"));
        assertThat(first.timestamp()).isEqualTo(clock.millis());
        assertThat(first.nonce()).hasSize(22).isNotEqualTo(second.nonce());
        byte[] emptySm3 = Sm3.digest(body);
        assertThat(HEX.formatHex(emptySm3))
                .isEqualTo("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
        byte[] canonical = SignedRequests.canonicalBytes(
                "GET", "/api/security/me", keyId, first.timestamp(), first.nonce(), emptySm3);
        assertThat(Sm2Signer.verify(pair.getPublic(), canonical, first.signature()))
                .isTrue();
        assertThat(Sm2Signer.verify(
                        pair.getPublic(),
                        SignedRequests.canonicalBytes(
                                "GET", "/api/security/me?x=1", keyId, first.timestamp(), first.nonce(), emptySm3),
                        first.signature()))
                .as("the query is signed")
                .isFalse();
    }

    @Test
    void parametersParseInAnyOrderWithSpacesAndAnyCaseOfTheScheme() {
        String keyId = EXAMPLE.get("key-id");
        SignedRequests.Authorization parsed = SignedRequests.Authorization.parse(
                "tongban-sm2   nonce=" + NONCE + " ,signature=MEUCIQ== ,  timestamp=1 , keyId=" + keyId);
        assertThat(parsed.keyId()).isEqualTo(keyId);
        assertThat(parsed.timestamp()).isEqualTo(1);
        assertThat(parsed.signature()).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TONGBAN-SM2",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC, extra=1",
                "TONGBAN-SM2 keyId=K, keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC",
                "TONGBAN-SM2 keyId=ABCD, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC",
                "TONGBAN-SM2 keyId=K, timestamp=-5, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC",
                "TONGBAN-SM2 keyId=K, timestamp=2026-01-01T00:00:00Z, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=short, signature=MEUC",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1o/, signature=MEUC",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=***",
                "TONGBAN-SM2 keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=",
                "TONGBAN-SM2X keyId=K, timestamp=1767225600000, nonce=n8Kq2vW5xZ0bR4tY7uI1oA, signature=MEUC",
                "Basic dXNlcjpwYXNz"
            })
    void malformedHeadersAreRefused(String header) {
        String withKey = header.replace("keyId=K", "keyId=" + EXAMPLE.get("key-id"));
        assertThatThrownBy(() -> SignedRequests.Authorization.parse(withKey))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheSchemeItselfIsClaimed() {
        assertThat(SignedRequests.Authorization.claimedBy("TONGBAN-SM2 keyId=x"))
                .isTrue();
        assertThat(SignedRequests.Authorization.claimedBy("Tongban-Sm2")).isTrue();
        assertThat(SignedRequests.Authorization.claimedBy("TONGBAN-SM2X keyId=x"))
                .isFalse();
        assertThat(SignedRequests.Authorization.claimedBy("Basic abc")).isFalse();
        assertThat(SignedRequests.Authorization.claimedBy(null)).isFalse();
    }

    /** Z_A per GB/T 32918.2 §5.5, computed here from the curve's constants, not by the signer. */
    private static byte[] za(byte[] point) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] id = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
        out.write(new byte[] {0x00, (byte) (id.length * 8)});
        out.write(id);
        out.write(SM2.getCurve().getA().getEncoded());
        out.write(SM2.getCurve().getB().getEncoded());
        out.write(SM2.getG().getAffineXCoord().getEncoded());
        out.write(SM2.getG().getAffineYCoord().getEncoded());
        out.write(point, 1, 64);
        return Sm3.digest(out.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] documentedCanonical() {
        return HEX.parseHex(
                EXAMPLE.get("canonical-bytes").replaceAll("#[^\n]*", "").replaceAll("\\s", ""));
    }

    private static PublicKey documentedPublicKey() throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(EXAMPLE.get("public-key")))) {
            SubjectPublicKeyInfo info = (SubjectPublicKeyInfo) parser.readObject();
            return KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        }
    }

    private static PrivateKey documentedPrivateKey() throws Exception {
        return KeyFactory.getInstance("EC", BC)
                .generatePrivate(new ECPrivateKeySpec(new BigInteger(EXAMPLE.get("private-key"), 16), SM2));
    }

    /** The fenced blocks of the document, each after its {@code <!-- example:name -->} marker. */
    private static Map<String, String> example() {
        try {
            String text = Files.readString(Path.of("docs", "signed-requests.md"));
            Matcher blocks = Pattern.compile("<!-- example:([a-z0-9-]+) -->\\s*```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL)
                    .matcher(text);
            Map<String, String> found = new HashMap<>();
            while (blocks.find()) {
                found.put(blocks.group(1), blocks.group(2));
            }
            assertThat(found)
                    .containsKeys(
                            "private-key",
                            "public-key",
                            "public-point",
                            "key-id",
                            "body",
                            "body-sm3",
                            "canonical-bytes",
                            "z-a",
                            "e",
                            "signature",
                            "headers");
            return found;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
