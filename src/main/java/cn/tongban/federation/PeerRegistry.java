package cn.tongban.federation;

import cn.tongban.federation.internal.FederationStore;
import cn.tongban.history.ChangeLog;
import cn.tongban.identifier.RegionCode;
import cn.tongban.security.Actor;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 对端登记: which other provinces' platforms this hub federates with and the anchor each is
 * trusted by. Registering a peer or changing its anchor, address, status or resources is a
 * platform administrator's act, kept in the change history and the ledger; once committed, the
 * peer's route follows it (PeerChanged), whoever registered it — the API or the demo.
 */
@Service
public class PeerRegistry {

    private final FederationStore store;
    private final ChangeLog changes;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final String ownProvince;
    private static final org.bouncycastle.asn1.ASN1ObjectIdentifier SM2_CURVE =
            new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.156.10197.1.301");

    PeerRegistry(
            FederationStore store,
            ChangeLog changes,
            Clock clock,
            ApplicationEventPublisher events,
            FederationProperties properties) {
        this.store = store;
        this.changes = changes;
        this.clock = clock;
        this.events = events;
        this.ownProvince = properties.province();
    }

    /** A peer was registered or changed. */
    record PeerChanged(Peer peer) {}

    /** A peer as an administrator registers or changes it. */
    public record PeerRequest(
            @NotBlank @Pattern(regexp = "^[0-9]{6}$", message = "must be a 6-digit 行政区划代码")
            String province,

            @NotBlank @Size(max = 200) String name,

            @NotBlank @Size(max = 500) @Pattern(regexp = "^https?://[^\\s]+$", message = "must be an http(s) URL")
            String baseUrl,

            @NotBlank @Size(max = 20_000) String certificatePem,
            PeerStatus status,
            @NotNull @Size(max = 1000) List<@NotBlank @Size(max = 64) String> outboundResources,
            @NotNull @Size(max = 1000) List<@NotBlank @Size(max = 64) String> inboundResources,
            @Size(max = 2000) String reason) {}

    @Transactional
    public Peer register(PeerRequest request, Actor actor) {
        requireAdmin(actor);
        if (store.peer(request.province()).isPresent()) {
            throw ApiException.conflict(
                    "province", "unique", "a peer platform is already registered for this province");
        }
        Instant now = clock.instant();
        Peer peer = peerOf(request, now, now, actor);
        store.insertPeer(peer);
        changes.record(actor.name(), "peer", peer.province(), "registered", null, summary(peer), request.reason());
        events.publishEvent(new PeerChanged(peer));
        return peer;
    }

    @Transactional
    public Peer update(String province, PeerRequest request, Actor actor) {
        requireAdmin(actor);
        Peer before = get(province);
        if (!before.province().equals(request.province())) {
            throw ApiException.invalid("province", "immutable", "a peer's province cannot change");
        }
        Peer after = peerOf(request, before.createdAt(), clock.instant(), actor);
        store.updatePeer(after);
        String action = before.fingerprint().equals(after.fingerprint()) ? "changed" : "anchor-changed";
        changes.record(actor.name(), "peer", province, action, summary(before), summary(after), request.reason());
        events.publishEvent(new PeerChanged(after));
        return after;
    }

    public Peer get(String province) {
        return store.peer(province).orElseThrow(() -> ApiException.notFound("peer platform"));
    }

    public Optional<Peer> find(String province) {
        return store.peer(province);
    }

    public List<Peer> list() {
        return store.peers();
    }

    private Peer peerOf(PeerRequest request, Instant created, Instant now, Actor actor) {
        String regionProblem = RegionCode.problem(request.province());
        if (regionProblem != null || !request.province().endsWith("0000")) {
            throw ApiException.invalid("province", "province-code", "must be a province's code, e.g. 440000");
        }
        if (request.province().equals(ownProvince)) {
            throw ApiException.invalid("province", "not-own-province", "this hub's own province is not a peer");
        }
        if (!secureOrLoopback(request.baseUrl())) {
            throw ApiException.invalid(
                    "baseUrl", "https", "must be https:// (plain http only on the loopback interface)");
        }
        X509Certificate certificate = certificate(request.certificatePem());
        return new Peer(
                request.province(),
                request.name(),
                request.baseUrl(),
                HubKeys.pemOf(certificate),
                HubKeys.keyIdOf(certificate),
                request.status() == null ? PeerStatus.ACTIVE : request.status(),
                List.copyOf(request.outboundResources()),
                List.copyOf(request.inboundResources()),
                created,
                now,
                actor.name());
    }

    private static X509Certificate certificate(String pem) {
        try {
            X509Certificate certificate = HubKeys.readCertificate(pem);
            // The curve as the certificate names it: any other EC key would fail every signature later.
            var algorithm = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                            certificate.getPublicKey().getEncoded())
                    .getAlgorithm();
            if (!SM2_CURVE.equals(algorithm.getParameters())) {
                throw ApiException.invalid(
                        "certificatePem", "sm2-certificate", "must be an SM2 (sm2p256v1) certificate");
            }
            return certificate;
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw ApiException.invalid("certificatePem", "pem-certificate", "must be one PEM X.509 certificate");
        }
    }

    /** Platforms talk over TLS; plain HTTP only to this machine itself (tests, the two-province demo). */
    static boolean secureOrLoopback(String url) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        return "https".equals(uri.getScheme())
                || host.equals("127.0.0.1")
                || host.equals("localhost")
                || host.equals("[::1]");
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden("only platform administrators register peer platforms");
        }
    }

    /** What the history keeps of a peer: everything but the certificate text (its fingerprint names it). */
    private static Object summary(Peer p) {
        return java.util.Map.of(
                "province", p.province(),
                "name", p.name(),
                "baseUrl", p.baseUrl(),
                "fingerprint", p.fingerprint(),
                "status", p.status().name(),
                "outboundResources", p.outboundResources(),
                "inboundResources", p.inboundResources());
    }
}
