package cn.tongban.demo;

import cn.tongban.security.SignedRequests;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 平台身份核验: how the demo's simulated department systems tell the hub's calls from anyone
 * else's, as a real department's system would — the TONGBAN-SM2 signature checked with the hub's
 * published certificate, the timestamp within five minutes, the body's SM3, and each nonce once.
 */
@Component
class HubCallCheck {

    private static final Logger log = LoggerFactory.getLogger(HubCallCheck.class);
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int REMEMBERED_NONCES = 100_000;

    private final HubKeys keys;
    private final JsonMapper json;
    private final Clock clock;
    // A simulated system's own replay memory: bounded, oldest first out (a real one would share it).
    private final Map<String, Long> seen = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_NONCES;
        }
    };

    HubCallCheck(HubKeys keys, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    /** The JSON of a call that is the hub's; 401 problem+json for any other, 400 for a body that is no JSON. */
    JsonNode hubsJson(HttpServletRequest request, byte[] body) {
        requireHub(request, body);
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("body", "json", "the body is not JSON");
        }
    }

    /** Refuses (401 problem+json naming the Authorization header) a request that is not the hub's. */
    void requireHub(HttpServletRequest request, byte[] body) {
        if (refusal(request, body).isPresent()) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "only the hub's signed calls are answered",
                    List.of(new ApiException.FieldProblem(
                            "Authorization", "hub-signature", "a TONGBAN-SM2 signature by the hub is required")));
        }
    }

    /** Why the request is not the hub's, or empty when it is (logged: the rule, never the request). */
    Optional<String> refusal(HttpServletRequest request, byte[] body) {
        Optional<String> refusal = check(request, body);
        refusal.ifPresent(why -> log.warn("simulated system at {} refused a call: {}", request.getRequestURI(), why));
        return refusal;
    }

    private Optional<String> check(HttpServletRequest request, byte[] body) {
        SignedRequests.Authorization signed;
        try {
            signed = SignedRequests.Authorization.parse(request.getHeader("Authorization"));
        } catch (IllegalArgumentException e) {
            return Optional.of("not signed by the hub");
        }
        if (!signed.keyId().equals(SignedRequests.keyId(keys.publicKey()))) {
            return Optional.of("not the hub's key");
        }
        long now = clock.millis();
        if (Math.abs(now - signed.timestamp()) > WINDOW.toMillis()) {
            return Optional.of("timestamp outside the window");
        }
        byte[] digest = Sm3.digest(body);
        String claimed = request.getHeader(SignedRequests.CONTENT_SM3);
        if (claimed == null
                || !MessageDigest.isEqual(
                        HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII),
                        claimed.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("body digest mismatch");
        }
        String query = request.getQueryString();
        byte[] canonical = SignedRequests.canonicalBytes(
                request.getMethod(),
                request.getRequestURI() + (query == null ? "" : "?" + query),
                signed.keyId(),
                signed.timestamp(),
                signed.nonce(),
                digest);
        if (!Sm2Signer.verify(keys.publicKey(), canonical, signed.signature())) {
            return Optional.of("bad signature");
        }
        return firstUse(signed.nonce(), now) ? Optional.empty() : Optional.of("replayed");
    }

    private synchronized boolean firstUse(String nonce, long now) {
        Long before = seen.get(nonce);
        if (before != null && now - before <= 2 * WINDOW.toMillis()) {
            return false;
        }
        seen.put(nonce, now);
        return true;
    }
}
