package cn.tongban.demo;

import cn.tongban.catalog.Demand;
import cn.tongban.catalog.DemandList;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.SupplyList;
import cn.tongban.federation.Peer;
import cn.tongban.federation.PeerRegistry;
import cn.tongban.federation.PeerStatus;
import cn.tongban.security.Actor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 演示对接: when both demo hubs run, each registers the other as its peer platform (at
 * {@code tongban.demo.peer-url}, retried by the demo-peering route until the other is up with its
 * demo province loaded) and, once the other's resources are in the local catalog, files the
 * province file's cross-province demands ({@code federation.demands}), once each.
 *
 * <p>Demo only: the peer's anchor is trusted on first use — the certificate is the one the peer
 * itself serves at {@code /api/exchange/hub-certificate}, so whoever answers at that address first
 * is believed. A real deployment pins the anchor from an out-of-band exchange between the two
 * platforms' operators, comparing its SM3 fingerprint, before registering the peer.
 */
@Component("demoPeering")
class DemoPeering {

    private static final Logger log = LoggerFactory.getLogger(DemoPeering.class);
    private static final Actor LOADER = Actor.platform("demo-loader");
    private static final String FEDERATION = "federation";
    private static final String CERTIFICATE_PATH = "/api/exchange/hub-certificate";
    private static final String DIRECTORY_PATH = "/federation/directory";

    private final DemoData data;
    private final PeerRegistry peers;
    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final DemandList demands;
    private final JsonMapper json;
    private final Clock clock;
    private final Environment environment;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean waitingSaid = new AtomicBoolean();

    DemoPeering(
            DemoData data,
            PeerRegistry peers,
            ParticipantRegistry participants,
            SupplyList supplyList,
            DemandList demands,
            JsonMapper json,
            Clock clock,
            Environment environment) {
        this.data = data;
        this.peers = peers;
        this.participants = participants;
        this.supplyList = supplyList;
        this.demands = demands;
        this.json = json;
        this.clock = clock;
        this.environment = environment;
    }

    /** One try (the demo-peering route calls it on a timer); does nothing once everything is done. */
    public void pass() {
        if (!enabled() || !participants.exists(data.firstParticipant())) {
            return;
        }
        JsonNode federation = data.province().path(FEDERATION);
        if (federation.isMissingNode()) {
            return;
        }
        String province = federation.path("peer").path("province").asString();
        Optional<Peer> peer = peers.find(province).or(() -> register(federation));
        peer.ifPresent(p -> fileDemands(federation));
    }

    private Optional<Peer> register(JsonNode federation) {
        String url = peerUrl();
        Optional<String> certificate = fetch(url + CERTIFICATE_PATH);
        if (certificate.isEmpty() || !offersWhatWeTake(url)) {
            if (!waitingSaid.getAndSet(true)) {
                log.info("demo: waiting for the peer platform at {} (its demo province loaded)", url);
            }
            return Optional.empty();
        }
        JsonNode peer = federation.get("peer");
        Peer registered = peers.register(
                new PeerRegistry.PeerRequest(
                        peer.get("province").asString(),
                        peer.get("name").asString(),
                        url,
                        certificate.get(),
                        PeerStatus.ACTIVE,
                        data.strings(FEDERATION, "offers"),
                        data.strings(FEDERATION, "takes"),
                        "演示对接：锚证书首次使用即信任（TOFU）；正式对接须线下交换并核对 SM3 指纹"),
                LOADER);
        log.info(
                "demo: peer platform {} registered at {}, anchor {} trusted on first use (demo only)",
                registered.province(),
                url,
                registered.fingerprint());
        return Optional.of(registered);
    }

    /**
     * Whether the peer's directory already lists the resources we take: a peer whose web server is
     * up but whose demo province is still loading would otherwise give us an empty first directory,
     * and the next is only fetched at the refresh period. The signature is checked at the import.
     */
    private boolean offersWhatWeTake(String url) {
        Optional<String> body = fetch(url + DIRECTORY_PATH);
        if (body.isEmpty()) {
            return false;
        }
        try {
            Set<String> offered = json.readTree(body.get())
                    .path("resources")
                    .valueStream()
                    .map(r -> r.path("code").asString())
                    .collect(Collectors.toSet());
            return offered.containsAll(data.strings(FEDERATION, "takes"));
        } catch (JacksonException e) {
            return false;
        }
    }

    private void fileDemands(JsonNode federation) {
        LocalDate today = LocalDate.now(clock);
        for (JsonNode entry : federation.path("demands")) {
            DemandList.DemandRequest request = data.demand(entry, today);
            if (alreadyFiled(request) || !inCatalog(request.resourceCode())) {
                continue;
            }
            Demand demand = demands.file(request, LOADER).demand();
            log.info(
                    "demo: cross-province demand {} for {} filed ({})",
                    demand.id(),
                    demand.resourceCode(),
                    demand.status());
        }
    }

    private boolean alreadyFiled(DemandList.DemandRequest request) {
        return demands.list(request.requesterUscc(), null).stream()
                .anyMatch(
                        d -> request.resourceCode().equals(d.resourceCode()) && d.status() != Demand.Status.WITHDRAWN);
    }

    /** The peer's resource has been imported with its directory. */
    private boolean inCatalog(String code) {
        return supplyList.list(null, null, null).stream().anyMatch(r -> r.code().equals(code));
    }

    private Optional<String> fetch(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private String peerUrl() {
        String url = environment.getProperty("tongban.demo.peer-url", "");
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** On with the demo province, unless {@code tongban.demo.peering=false} or no peer address is set. */
    private boolean enabled() {
        return DemoProvince.enabled(environment)
                && environment.getProperty("tongban.demo.peering", Boolean.class, true)
                && !peerUrl().isBlank();
    }
}
