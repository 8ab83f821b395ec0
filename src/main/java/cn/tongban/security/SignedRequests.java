package cn.tongban.security;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * 签名请求: a participant's system signs each request with its registered SM2 key instead of sending
 * a shared secret (docs/signed-requests.md, ADR 0015). The canonical bytes are defined here once;
 * the hub's verifier and a department's Java client both use this class.
 */
public final class SignedRequests {

    /** The {@code Authorization} scheme of a signed request. */
    public static final String SCHEME = "TONGBAN-SM2";

    /** The header carrying SM3 of the request body, lowercase hex. */
    public static final String CONTENT_SM3 = "Tongban-Content-SM3";

    /** Domain separation: these bytes can never be mistaken for another signed thing of the hub's. */
    static final String CONTEXT = "TONGBAN-SM2-REQUEST-v1";

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,15}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SignedRequests() {}

    /**
     * The headers of a signed request, stamped with the clock's time and a fresh random nonce.
     *
     * @param pathAndQuery the request target exactly as sent: raw path, and {@code ?} and the raw query if any
     */
    public static Map<String, String> sign(
            String method, String pathAndQuery, byte[] body, PrivateKey key, String keyId, Clock clock) {
        return sign(method, pathAndQuery, body, key, keyId, clock.millis(), randomNonce());
    }

    /** The headers of a signed request with a given timestamp (epoch milliseconds) and nonce. */
    public static Map<String, String> sign(
            String method,
            String pathAndQuery,
            byte[] body,
            PrivateKey key,
            String keyId,
            long timestamp,
            String nonce) {
        byte[] digest = Sm3.digest(body);
        byte[] signature = Sm2Signer.sign(key, canonicalBytes(method, pathAndQuery, keyId, timestamp, nonce, digest));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", new Authorization(keyId, timestamp, nonce, signature).header());
        headers.put(CONTENT_SM3, HexFormat.of().formatHex(digest));
        return headers;
    }

    /**
     * The signed bytes: seven fields, each a 4-byte big-endian length and its bytes (UTF-8 text),
     * except the timestamp, 8 bytes big-endian — {@link CanonicalBytes}.
     */
    public static byte[] canonicalBytes(
            String method, String pathAndQuery, String keyId, long timestamp, String nonce, byte[] bodySm3) {
        return new CanonicalBytes()
                .text(CONTEXT)
                .text(method.toUpperCase(Locale.ROOT))
                .text(pathAndQuery)
                .text(keyId)
                .number(timestamp)
                .text(nonce)
                .bytes(bodySm3)
                .toByteArray();
    }

    /** A key's id: SM3 of its X.509 SubjectPublicKeyInfo DER, lowercase hex. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(Sm3.digest(key.getEncoded()));
    }

    /** 16 random bytes, base64url without padding (22 characters). */
    public static String randomNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The parameters of a {@code TONGBAN-SM2} Authorization header; the signature is DER. */
    public record Authorization(String keyId, long timestamp, String nonce, byte[] signature) {

        public String header() {
            return SCHEME + " keyId=" + keyId + ", timestamp=" + timestamp + ", nonce=" + nonce + ", signature="
                    + Base64.getEncoder().encodeToString(signature);
        }

        /** Whether a header value claims this scheme at all (then it must parse). */
        public static boolean claimedBy(String header) {
            return header != null
                    && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                    && (header.length() == SCHEME.length() || header.charAt(SCHEME.length()) == ' ');
        }

        /**
         * Reads {@code TONGBAN-SM2 keyId=…, timestamp=…, nonce=…, signature=…}: each parameter once,
         * in any order, no others.
         *
         * @throws IllegalArgumentException naming the parameter that is missing or malformed
         */
        public static Authorization parse(String header) {
            if (!claimedBy(header)) {
                throw new IllegalArgumentException("not the " + SCHEME + " scheme");
            }
            Map<String, String> parameters = new HashMap<>();
            for (String part : header.substring(SCHEME.length()).split(",", -1)) {
                String trimmed = part.trim();
                int equals = trimmed.indexOf('=');
                if (equals <= 0
                        || parameters.put(trimmed.substring(0, equals), trimmed.substring(equals + 1)) != null) {
                    throw new IllegalArgumentException("parameters are name=value, each once");
                }
            }
            if (!parameters.keySet().equals(java.util.Set.of("keyId", "timestamp", "nonce", "signature"))) {
                throw new IllegalArgumentException("the parameters are keyId, timestamp, nonce and signature");
            }
            String keyId = required(parameters, "keyId", KEY_ID);
            long timestamp = Long.parseLong(required(parameters, "timestamp", TIMESTAMP));
            String nonce = required(parameters, "nonce", NONCE);
            byte[] signature;
            try {
                signature =
                        Base64.getDecoder().decode(parameters.get("signature").getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("signature must be base64", e);
            }
            if (signature.length == 0 || signature.length > 80) {
                throw new IllegalArgumentException("signature must be a DER SM2 signature");
            }
            return new Authorization(keyId, timestamp, nonce, signature);
        }

        private static String required(Map<String, String> parameters, String name, Pattern pattern) {
            String value = parameters.get(name);
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException(name + " is malformed");
            }
            return value;
        }
    }
}
