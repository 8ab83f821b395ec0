package cn.tongban.security.internal;

import cn.tongban.security.Role;
import cn.tongban.security.SignedRequests;
import cn.tongban.security.internal.SystemKeyRepository.StoredKey;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Checks a signed request (docs/signed-requests.md) in an order that spends nothing on strangers:
 * the key, the timestamp, the body digest, the signature, and only then the nonce, so that no one
 * without the key can use up a system's nonces. A request that passes acts as the key's participant's
 * system.
 */
@Component
@EnableConfigurationProperties(SignedRequestProperties.class)
class SignedRequestVerifier {

    private static final int MAX_CACHED_KEYS = 1_000;

    /** Why a request is refused; the rule is all a caller learns. */
    enum Refusal {
        MALFORMED("malformed-authorization", "the TONGBAN-SM2 Authorization header is malformed"),
        UNKNOWN_KEY("unknown-key", "no registered, unrevoked system key has this key id"),
        TIMESTAMP("timestamp-out-of-window", "the timestamp is outside the replay window"),
        DIGEST("digest-mismatch", "Tongban-Content-SM3 is missing or is not the SM3 of the body received"),
        SIGNATURE("bad-signature", "the signature does not verify with the registered key"),
        REPLAY("replayed-nonce", "the nonce was used before"),
        SIGNATURE_REQUIRED(
                "signed-requests-required",
                "this participant's systems must sign their requests (TONGBAN-SM2): system credentials are refused");

        final String rule;
        final String message;

        Refusal(String rule, String message) {
            this.rule = rule;
            this.message = message;
        }
    }

    static final class Refused extends Exception {
        final Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.rule, null, false, false);
            this.refusal = refusal;
        }
    }

    private final SystemKeyRepository keys;
    private final NonceStore nonces;
    private final SignedRequestProperties properties;
    private final Clock clock;
    // Parsed keys by id; the id is the key's own digest, so an entry never goes stale (revocation is read each time).
    private final Map<String, PublicKey> parsed = new ConcurrentHashMap<>();

    SignedRequestVerifier(
            SystemKeyRepository keys, NonceStore nonces, SignedRequestProperties properties, Clock clock) {
        this.keys = keys;
        this.nonces = nonces;
        this.properties = properties;
        this.clock = clock;
    }

    long maxBody() {
        return properties.maxBody().toBytes();
    }

    /** The system a request was signed by, or the reason it is refused. */
    AccountPrincipal verify(String method, String pathAndQuery, String authorization, String contentSm3, byte[] body)
            throws Refused {
        SignedRequests.Authorization signed;
        try {
            signed = SignedRequests.Authorization.parse(authorization);
        } catch (IllegalArgumentException e) {
            throw new Refused(Refusal.MALFORMED);
        }
        StoredKey key = keys.find(signed.keyId())
                .filter(k -> k.revokedAt() == null)
                .orElseThrow(() -> new Refused(Refusal.UNKNOWN_KEY));
        long window = properties.replayWindow().toMillis();
        if (Math.abs(clock.millis() - signed.timestamp()) > window) {
            throw new Refused(Refusal.TIMESTAMP);
        }
        byte[] digest = Sm3.digest(body);
        if (contentSm3 == null
                || !MessageDigest.isEqual(
                        HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII),
                        contentSm3.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refused(Refusal.DIGEST);
        }
        byte[] canonical = SignedRequests.canonicalBytes(
                method, pathAndQuery, signed.keyId(), signed.timestamp(), signed.nonce(), digest);
        if (!Sm2Signer.verify(publicKey(key), canonical, signed.signature())) {
            throw new Refused(Refusal.SIGNATURE);
        }
        if (!nonces.firstUse(signed.keyId(), signed.nonce(), Instant.ofEpochMilli(signed.timestamp() + window))) {
            throw new Refused(Refusal.REPLAY);
        }
        return AccountPrincipal.of(
                "sm2:" + signed.keyId().substring(0, 16), key.participantUscc(), Set.of(Role.SYSTEM));
    }

    private PublicKey publicKey(StoredKey key) {
        if (parsed.size() >= MAX_CACHED_KEYS) {
            parsed.clear();
        }
        return parsed.computeIfAbsent(key.keyId(), id -> SystemKeyPem.publicKey(key.publicKey()));
    }
}
