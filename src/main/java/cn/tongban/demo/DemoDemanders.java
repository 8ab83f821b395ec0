package cn.tongban.demo;

import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 模拟需方系统: the demo's demander webhook. Like a real demander it takes calls from the hub only
 * (HubCallCheck: 401 otherwise, 404 for a participant that does not exist) and verifies every
 * envelope with the hub's certificate before accepting it; {@code GET /demo/status} shows what arrived.
 */
@RestController
@RequestMapping("/demo")
class DemoDemanders {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DemoDemanders.class);

    private final HubKeys keys;
    private final JsonMapper json;
    private final HubCallCheck hubCalls;
    private final ParticipantRegistry participants;
    private final Map<String, AtomicLong> verified = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();

    DemoDemanders(HubKeys keys, JsonMapper json, HubCallCheck hubCalls, ParticipantRegistry participants) {
        this.keys = keys;
        this.json = json;
        this.hubCalls = hubCalls;
        this.participants = participants;
    }

    @PostMapping("/demanders/{uscc}/webhook")
    ResponseEntity<Map<String, Long>> receive(
            @PathVariable String uscc, @RequestBody byte[] request, HttpServletRequest http) {
        if (!participants.exists(uscc)) {
            throw ApiException.notFound("participant"); // and no counter for a stranger's key
        }
        JsonNode body = hubCalls.hubsJson(http, request);
        long ok = 0;
        long bad = 0;
        for (JsonNode node : body.path("deliveries")) {
            Envelope envelope = json.treeToValue(node, Envelope.class);
            String problem = uscc.equals(envelope.demanderUscc())
                    ? EnvelopeVerifier.problem(envelope, keys)
                    : "addressed to another demander";
            if (problem == null) {
                ok++;
            } else {
                log.warn("simulated demander {} rejected an envelope: {}", uscc, problem);
                bad++;
            }
        }
        verified.computeIfAbsent(uscc, k -> new AtomicLong()).addAndGet(ok);
        rejected.computeIfAbsent(uscc, k -> new AtomicLong()).addAndGet(bad);
        return bad == 0
                ? ResponseEntity.ok(Map.of("accepted", ok))
                : ResponseEntity.unprocessableContent().body(Map.of("rejected", bad));
    }

    @GetMapping("/status")
    Map<String, Object> status() {
        Map<String, Long> ok = new TreeMap<>();
        verified.forEach((k, v) -> ok.put(k, v.get()));
        Map<String, Long> bad = new TreeMap<>();
        rejected.forEach((k, v) -> bad.put(k, v.get()));
        return Map.of("verifiedEnvelopes", ok, "rejectedEnvelopes", bad);
    }
}
