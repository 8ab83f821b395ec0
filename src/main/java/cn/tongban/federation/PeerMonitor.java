package cn.tongban.federation;

import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.DirectoryRow;
import cn.tongban.federation.internal.FederationStore.Traffic;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * 连接监测: one Camel route per peer ({@code federate-<province>}) sends its waiting messages and
 * fetches its directory when due; what operators see of each peer — connection status, traffic,
 * the last receipt, the directory's age — comes from here, and so does the {@code peerPlatforms}
 * health (DEGRADED, never DOWN, while a peer is unreachable or untrusted: the hub itself works).
 */
@Component("peerMonitor")
public class PeerMonitor {

    private static final Logger log = LoggerFactory.getLogger(PeerMonitor.class);
    static final String ROUTE_PREFIX = "federate-";
    private static final Status DEGRADED = new Status("DEGRADED", "some peer platforms cannot be reached or trusted");

    /** 连接状态. */
    public enum Connection {
        CONNECTED,
        UNREACHABLE,
        UNTRUSTED,
        SUSPENDED,
        REVOKED,
        UNKNOWN
    }

    /** A peer as operators see it. */
    public record PeerView(
            String province,
            String name,
            String baseUrl,
            String fingerprint,
            PeerStatus registration,
            Connection status,
            List<String> outboundResources,
            List<String> inboundResources,
            long sent,
            long received,
            long waiting,
            long dead,
            Instant lastSentAt,
            Instant lastReceivedAt,
            Instant lastReceiptAt,
            String lastError,
            Instant directoryIssuedAt,
            Instant directoryExpiresAt,
            Long directoryAgeSeconds,
            String directoryProblem,
            String routeId) {}

    /** A test message's outcome. */
    record TestResult(String province, boolean receipted, long latencyMs, String fault, String code, String detail) {}

    private final PeerRegistry peers;
    private final FederationStore store;
    private final PlatformDirectory directory;
    private final PeerPlatforms platforms;
    private final CamelContext camel;
    private final FederationProperties properties;

    PeerMonitor(
            PeerRegistry peers,
            FederationStore store,
            PlatformDirectory directory,
            PeerPlatforms platforms,
            CamelContext camel,
            FederationProperties properties) {
        this.peers = peers;
        this.store = store;
        this.directory = directory;
        this.platforms = platforms;
        this.camel = camel;
        this.properties = properties;
    }

    /** Starts each registered peer's route once Camel runs. */
    @org.springframework.context.annotation.Bean
    static CamelContextConfiguration peerRoutesAtStart(
            org.springframework.beans.factory.ObjectProvider<PeerMonitor> monitor) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {}

            @Override
            public void afterApplicationStart(CamelContext context) {
                monitor.getObject().startRoutes();
            }
        };
    }

    void startRoutes() {
        peers.list().forEach(this::peerChanged);
    }

    /**
     * In the registration's transaction: its directory row commits with the peer, and a pass that
     * runs before the commit finds no peer yet and waits for the next.
     */
    @EventListener
    void on(PeerRegistry.PeerChanged change) {
        peerChanged(change.peer());
    }

    /** A peer was registered or changed: its route exists, and its directory is fetched at the next pass. */
    void peerChanged(Peer peer) {
        String routeId = ROUTE_PREFIX + peer.province();
        try {
            if (camel.getRoute(routeId) == null) {
                camel.addRouteFromTemplate(
                        routeId,
                        "peer-federation",
                        Map.of(
                                "province",
                                peer.province(),
                                "description",
                                "平台联邦: " + peer.name() + " (" + peer.province() + ")"));
            }
        } catch (Exception e) {
            log.warn(
                    "federation route {} could not start: {}",
                    routeId,
                    e.getClass().getName());
        }
        store.saveDirectory(new DirectoryRow(
                peer.province(),
                null,
                null,
                null,
                null,
                null,
                Instant.EPOCH,
                store.directory(peer.province()).map(DirectoryRow::problem).orElse(null)));
    }

    /** One pass of a peer's route. */
    public void pass(String province) {
        Optional<Peer> peer = peers.find(province);
        if (peer.isEmpty() || peer.get().status() == PeerStatus.REVOKED) {
            return;
        }
        Instant checked = store.directory(province).map(DirectoryRow::checkedAt).orElse(Instant.EPOCH);
        Instant now = FederationWire.WIRE_CLOCK.instant();
        if (Duration.between(checked, now).compareTo(properties.directoryRefresh()) >= 0) {
            directory.refresh(peer.get());
            // Nonces older than twice the window can never be replayed into it: forget them.
            store.forgetNonces(now.minus(properties.replayWindow().multipliedBy(2)));
        }
        platforms.sendDue(province);
    }

    /** Every peer as operators see it, for operators and platform administrators (the API's and the console's). */
    public List<PeerView> views(Actor actor) {
        requireWatcher(actor);
        return views();
    }

    static void requireWatcher(Actor actor) {
        if (!actor.isPlatformAdmin() && !actor.has(Role.OPERATOR)) {
            throw ApiException.forbidden("peer platforms are for operators and platform administrators");
        }
    }

    List<PeerView> views() {
        Map<String, Traffic> traffic = store.traffic();
        return peers.list().stream()
                .map(p -> view(p, traffic.get(p.province())))
                .toList();
    }

    PeerView view(Peer peer) {
        return view(peer, store.traffic().get(peer.province()));
    }

    private PeerView view(Peer p, Traffic t) {
        Traffic traffic = t == null ? new Traffic(0, 0, 0, 0, null, null, null, null) : t;
        Optional<DirectoryRow> d = store.directory(p.province());
        Instant fetched = d.map(DirectoryRow::fetchedAt).orElse(null);
        return new PeerView(
                p.province(),
                p.name(),
                p.baseUrl(),
                p.fingerprint(),
                p.status(),
                connection(p, traffic, d),
                p.outboundResources(),
                p.inboundResources(),
                traffic.sent(),
                traffic.received(),
                traffic.waiting(),
                traffic.dead(),
                traffic.lastSentAt(),
                traffic.lastReceivedAt(),
                traffic.lastReceiptAt(),
                traffic.lastError(),
                d.map(DirectoryRow::issuedAt).orElse(null),
                d.map(DirectoryRow::expiresAt).orElse(null),
                fetched == null
                        ? null
                        : Duration.between(fetched, FederationWire.WIRE_CLOCK.instant())
                                .toSeconds(),
                d.map(DirectoryRow::problem).orElse(null),
                ROUTE_PREFIX + p.province());
    }

    private Connection connection(Peer p, Traffic t, Optional<DirectoryRow> d) {
        if (p.status() == PeerStatus.REVOKED) {
            return Connection.REVOKED;
        }
        if (p.status() == PeerStatus.SUSPENDED) {
            return Connection.SUSPENDED;
        }
        String problem = d.map(DirectoryRow::problem).orElse(null);
        boolean expired = d.map(DirectoryRow::expiresAt)
                .map(e -> !e.isAfter(FederationWire.WIRE_CLOCK.instant()))
                .orElse(false);
        if ((problem != null && !problem.startsWith("unreachable"))
                || expired
                || (t.lastError() != null && t.lastError().contains("signature"))) {
            return Connection.UNTRUSTED;
        }
        if ((problem != null)
                || (t.waiting() > 0 && t.lastError() != null && t.lastError().startsWith("PLATFORM"))) {
            return Connection.UNREACHABLE;
        }
        if (d.map(DirectoryRow::fetchedAt).isPresent() || t.lastReceiptAt() != null || t.lastReceivedAt() != null) {
            return Connection.CONNECTED;
        }
        return Connection.UNKNOWN;
    }

    TestResult test(Peer peer) {
        long started = System.nanoTime();
        try {
            platforms.ping(peer);
            return new TestResult(peer.province(), true, (System.nanoTime() - started) / 1_000_000, null, null, null);
        } catch (PeerFault f) {
            return new TestResult(
                    peer.province(),
                    false,
                    (System.nanoTime() - started) / 1_000_000,
                    f.fault().name(),
                    f.code(),
                    f.getMessage());
        }
    }

    /** The {@code peerPlatforms} health: DEGRADED while a peer cannot be reached or trusted. */
    Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean fine = true;
        for (PeerView v : views()) {
            fine &= v.status() == Connection.CONNECTED
                    || v.status() == Connection.UNKNOWN
                    || v.status() == Connection.SUSPENDED;
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("status", v.status());
            peer.put("waiting", v.waiting());
            peer.put("dead", v.dead());
            if (v.directoryExpiresAt() != null) {
                peer.put("directoryExpiresAt", v.directoryExpiresAt().toString());
            }
            if (v.directoryProblem() != null) {
                peer.put("directoryProblem", v.directoryProblem());
            }
            details.put(v.province(), peer);
        }
        return Health.status(fine ? Status.UP : DEGRADED).withDetails(details).build();
    }
}
