package cn.tongban.federation;

import cn.tongban.security.CurrentActor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * 平台联邦接口: the inter-platform protocol under {@code /federation/} (authenticated by each
 * message's signature, not by a login) and the administrators' and operators' view of peers
 * under {@code /api/federation/}.
 */
@RestController
class FederationController {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    private final FederationInbound inbound;
    private final PlatformDirectory directory;
    private final PeerRegistry peers;
    private final PeerMonitor monitor;

    FederationController(
            FederationInbound inbound, PlatformDirectory directory, PeerRegistry peers, PeerMonitor monitor) {
        this.inbound = inbound;
        this.directory = directory;
        this.peers = peers;
        this.monitor = monitor;
    }

    /** A peer's message: the signed receipt, or a signed error. */
    @PostMapping(path = FederationWire.MESSAGES_PATH)
    ResponseEntity<byte[]> message(
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = FederationWire.SIGNATURE_HEADER, required = false) String signature) {
        FederationInbound.Answer answer = inbound.receive(body == null ? new byte[0] : body, signature);
        return ResponseEntity.status(answer.status())
                .contentType(answer.status() == 200 ? MediaType.APPLICATION_JSON : PROBLEM)
                .header(FederationWire.SIGNATURE_HEADER, answer.signature())
                .body(answer.body());
    }

    /** This platform's signed directory. */
    @GetMapping(path = FederationWire.DIRECTORY_PATH)
    ResponseEntity<byte[]> directory(HttpServletRequest request) {
        String base = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
        PlatformDirectory.Signed signed = directory.current(base);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(FederationWire.SIGNATURE_HEADER, signed.signature())
                .body(signed.body());
    }

    @GetMapping("/api/federation/peers")
    List<PeerMonitor.PeerView> peers() {
        return monitor.views(CurrentActor.get());
    }

    /** 远端资源: the resources the local catalog holds as peers' (province, registry subject, when imported). */
    @GetMapping("/api/federation/remote-resources")
    List<RemoteResource> remoteResources() {
        return directory.remoteResources();
    }

    @GetMapping("/api/federation/peers/{province}")
    PeerMonitor.PeerView peer(@PathVariable String province) {
        requireWatcher();
        return monitor.view(peers.get(province));
    }

    @PostMapping("/api/federation/peers")
    @ResponseStatus(HttpStatus.CREATED)
    PeerMonitor.PeerView register(@Valid @RequestBody PeerRegistry.PeerRequest request) {
        return monitor.view(peers.register(request, CurrentActor.get()));
    }

    @PutMapping("/api/federation/peers/{province}")
    PeerMonitor.PeerView update(@PathVariable String province, @Valid @RequestBody PeerRegistry.PeerRequest request) {
        return monitor.view(peers.update(province, request, CurrentActor.get()));
    }

    /** A test message to the peer now: its receipt's latency, or why it failed. */
    @PostMapping("/api/federation/peers/{province}/test")
    PeerMonitor.TestResult test(@PathVariable String province) {
        requireWatcher();
        return monitor.test(peers.get(province));
    }

    /** Fetch and verify the peer's directory now. */
    @PostMapping("/api/federation/peers/{province}/directory/refresh")
    PeerMonitor.PeerView refreshDirectory(@PathVariable String province) {
        requireWatcher();
        Peer peer = peers.get(province);
        directory.refresh(peer);
        return monitor.view(peer);
    }

    private static void requireWatcher() {
        PeerMonitor.requireWatcher(CurrentActor.get());
    }
}
