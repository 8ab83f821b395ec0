package cn.tongban.federation;

import cn.tongban.catalog.ParticipantKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.ResourceCategory;
import cn.tongban.catalog.SharingMode;
import cn.tongban.catalog.SupplyList;
import cn.tongban.catalog.UpdateCycle;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.DirectoryRow;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.security.Actor;
import cn.tongban.signing.HubKeys;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 平台目录: the signed directory this hub publishes (like X-Road's global configuration) — its
 * province, inbound address, anchor certificate, participants and the resources it offers peers,
 * with an expiry — and the peers' directories it fetches, verifies against their pinned anchors
 * and imports: a peer's offered resources (those we take in) appear in the local catalog with
 * their schemas, their providers as participants, both marked remote.
 */
@Service
public class PlatformDirectory {

    private static final Logger log = LoggerFactory.getLogger(PlatformDirectory.class);
    private static final Actor FEDERATION = Actor.platform("federation");

    /** The directory document; signed as the exact bytes served. */
    public record Directory(
            String protocol,
            Platform platform,
            List<DirectoryParticipant> participants,
            List<DirectoryResource> resources,
            String issuedAt,
            String expiresAt) {}

    public record Platform(String province, String name, String inboundUrl, String certificatePem) {}

    public record DirectoryParticipant(String uscc, String name, ParticipantKind kind, String regionCode) {}

    /** A resource as peers see it: its catalog entry, its fields' sharing types and its schema. */
    public record DirectoryResource(
            String code,
            String name,
            String providerUscc,
            String summary,
            ResourceCategory category,
            String format,
            JsonNode schema,
            String schemaSubject,
            Integer schemaId,
            List<SupplyList.FieldRequest> fields,
            Set<SharingMode> sharingModes,
            String sharingCondition,
            UpdateCycle updateCycle,
            boolean openToPublic,
            LocalDate publishedOn) {}

    /** A signed directory as served: body and signature header. */
    public record Signed(byte[] body, String signature) {}

    private final FederationStore store;
    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final SchemaRegistry registry;
    private final HubKeys keys;
    private final JsonMapper json;
    private final PeerClient client;
    private final TransactionTemplate transaction;
    private final FederationProperties properties;

    PlatformDirectory(
            FederationStore store,
            ParticipantRegistry participants,
            SupplyList supplyList,
            SchemaRegistry registry,
            HubKeys keys,
            JsonMapper json,
            PeerClient client,
            TransactionTemplate transaction,
            FederationProperties properties) {
        this.store = store;
        this.participants = participants;
        this.supplyList = supplyList;
        this.registry = registry;
        this.keys = keys;
        this.json = json;
        this.client = client;
        this.transaction = transaction;
        this.properties = properties;
    }

    /** The last directory served, for whom and when: anonymous GETs do not each cost an SM2 signature. */
    private record Served(String base, Signed signed, Instant at) {}

    private static final java.time.Duration SERVED_FOR = java.time.Duration.ofSeconds(60);
    private volatile Served served;

    /** The directory, signed at most once a minute and again at once after any catalog change. */
    public Signed current(String baseUrl) {
        Served last = served;
        Instant now = FederationWire.WIRE_CLOCK.instant();
        if (last != null
                && last.base().equals(baseUrl)
                && last.at().plus(SERVED_FOR).isAfter(now)) {
            return last.signed();
        }
        Signed signed = publish(baseUrl);
        served = new Served(baseUrl, signed, now);
        return signed;
    }

    @org.springframework.context.event.EventListener
    void on(cn.tongban.history.ChangeLog.ChangeRecorded change) {
        served = null;
    }

    @org.springframework.context.event.EventListener
    void on(cn.tongban.signing.HubKeyEvents.HubKeyRotated rotated) {
        served = null;
    }

    /** This hub's directory now: its own participants and resources, never what it imported. */
    public Signed publish(String baseUrl) {
        Instant now = FederationWire.WIRE_CLOCK.instant();
        String inbound =
                (properties.publicUrl() == null ? baseUrl : properties.publicUrl()) + FederationWire.MESSAGES_PATH;
        Directory directory = new Directory(
                FederationWire.PROTOCOL,
                new Platform(properties.province(), properties.name(), inbound, keys.certificatePem()),
                participants.list(null).stream()
                        .filter(p -> store.provinceOfParticipant(p.uscc()).isEmpty())
                        .map(p -> new DirectoryParticipant(p.uscc(), p.name(), p.kind(), p.regionCode()))
                        .toList(),
                supplyList.list(null, null, null).stream()
                        .filter(r -> store.provinceOfResource(r.code()).isEmpty())
                        .map(this::offered)
                        .toList(),
                now.toString(),
                now.plus(properties.directoryValidity()).toString());
        byte[] body = json.writeValueAsBytes(directory);
        return new Signed(body, FederationWire.sign(keys.current(), body));
    }

    /** The schema's id in this platform's registry (Confluent wire format framing names it), if registered. */
    private Integer schemaIdOf(Resource r) {
        try {
            return registry.lookup(SchemaRegistry.valueSubject(r.code()), r.avroSchema(), false)
                    .id();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The resources imported from peers, and from which: what the local catalog holds as remote. */
    public List<RemoteResource> remoteResources() {
        return store.remoteResources();
    }

    private DirectoryResource offered(Resource r) {
        return new DirectoryResource(
                r.code(),
                r.name(),
                r.providerUscc(),
                r.summary(),
                r.category(),
                r.format(),
                json.readTree(r.avroSchema()),
                SchemaRegistry.valueSubject(r.code()),
                schemaIdOf(r),
                r.fields().stream()
                        .map(f -> new SupplyList.FieldRequest(
                                f.name(), f.title(), f.sharingType(), f.sensitivity(), f.masking()))
                        .toList(),
                r.sharingModes(),
                r.sharingCondition(),
                r.updateCycle(),
                r.openToPublic(),
                r.publishedOn());
    }

    /** Fetches, verifies and imports one peer's directory; the outcome is kept for health and monitoring. */
    public Optional<String> refresh(Peer peer) {
        Instant now = FederationWire.WIRE_CLOCK.instant();
        try {
            PeerClient.Answer answer = client.get(peer.directoryUrl());
            Directory directory = verified(peer, answer, now);
            transaction.executeWithoutResult(s -> {
                importFrom(peer, directory, now);
                store.saveDirectory(new DirectoryRow(
                        peer.province(),
                        answer.body(),
                        answer.signature(),
                        Instant.parse(directory.issuedAt()),
                        Instant.parse(directory.expiresAt()),
                        now,
                        now,
                        null));
            });
            return Optional.empty();
        } catch (IOException e) {
            return problem(peer, now, "unreachable: the directory could not be fetched");
        } catch (DirectoryProblem e) {
            return problem(peer, now, e.getMessage());
        } catch (RuntimeException e) {
            // One entry the catalog will not take must not stall the peer: it is shown, and retried at the next
            // refresh.
            log.warn(
                    "directory of peer {} not imported: {}",
                    peer.province(),
                    e.getClass().getName());
            return problem(peer, now, "import: the directory could not be imported here");
        }
    }

    private Optional<String> problem(Peer peer, Instant now, String problem) {
        store.saveDirectory(new DirectoryRow(peer.province(), null, null, null, null, null, now, problem));
        log.info("directory of peer {} refused: {}", peer.province(), problem);
        return Optional.of(problem);
    }

    private Directory verified(Peer peer, PeerClient.Answer answer, Instant now) {
        if (answer.status() != 200) {
            throw new DirectoryProblem("unreachable: the peer answered " + answer.status());
        }
        if (!peer.fingerprint().equals(FederationWire.keyIdOf(answer.signature()))
                || !FederationWire.verifies(
                        answer.signature(),
                        answer.body(),
                        HubKeys.readCertificate(peer.certificatePem()).getPublicKey())) {
            throw new DirectoryProblem("signature: the directory is not signed by the peer's anchor");
        }
        Directory directory;
        try {
            directory = json.readValue(answer.body(), Directory.class);
        } catch (JacksonException e) {
            throw new DirectoryProblem("malformed: the directory cannot be read");
        }
        if (!FederationWire.PROTOCOL.equals(directory.protocol())) {
            throw new DirectoryProblem("malformed: the directory's protocol is not " + FederationWire.PROTOCOL);
        }
        if (directory.platform() == null
                || !peer.province().equals(directory.platform().province())) {
            throw new DirectoryProblem("province: the directory is another platform's");
        }
        if (!peer.fingerprint().equals(fingerprintOf(directory.platform().certificatePem()))) {
            throw new DirectoryProblem("anchor: the directory names another certificate than the pinned anchor");
        }
        Instant issued;
        Instant expires;
        try {
            issued = Instant.parse(directory.issuedAt());
            expires = Instant.parse(directory.expiresAt());
        } catch (RuntimeException e) {
            throw new DirectoryProblem("malformed: issuedAt and expiresAt are ISO-8601 instants");
        }
        if (issued.isAfter(now.plus(properties.replayWindow()))) {
            throw new DirectoryProblem("malformed: the directory is issued in the future");
        }
        if (!expires.isAfter(now)) {
            throw new DirectoryProblem("expired: the directory's validity has ended");
        }
        return directory;
    }

    private static String fingerprintOf(String pem) {
        try {
            return HubKeys.keyIdOf(HubKeys.readCertificate(pem));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void importFrom(Peer peer, Directory directory, Instant now) {
        List<DirectoryParticipant> offeredBy = directory.participants() == null ? List.of() : directory.participants();
        for (DirectoryResource offered :
                directory.resources() == null ? List.<DirectoryResource>of() : directory.resources()) {
            if (offered == null || offered.code() == null || !peer.maySend(offered.code())) {
                continue;
            }
            Optional<String> home = store.provinceOfResource(offered.code());
            if (home.isEmpty()
                    && supplyList.list(null, null, null).stream()
                            .anyMatch(r -> r.code().equals(offered.code()))) {
                log.info(
                        "peer {} offers resource code {} that is also local: not imported",
                        peer.province(),
                        offered.code());
                continue;
            }
            Optional<DirectoryParticipant> provider = offeredBy.stream()
                    .filter(p -> p != null && p.uscc() != null && p.uscc().equals(offered.providerUscc()))
                    .findFirst();
            try {
                ensureParticipant(
                        peer,
                        provider.orElseThrow(() -> new PeerFault(
                                PeerFault.Fault.SENDER,
                                "requester",
                                "the directory does not list the resource's provider")),
                        now);
            } catch (PeerFault e) {
                log.info("peer {} offers resource {}, not imported: {}", peer.province(), offered.code(), e.code());
                continue;
            }
            if (home.isEmpty()) {
                supplyList.publish(request(offered), FEDERATION);
                registry.register(peerSubject(peer, offered), offered.schema().toString(), FEDERATION);
            }
            store.markRemoteResource(offered.code(), peer.province(), peerSubject(peer, offered), now);
        }
    }

    /** The peer's schema in the local registry, under the peer's namespace. */
    static String peerSubject(Peer peer, DirectoryResource offered) {
        return "peer." + peer.province() + "." + offered.schemaSubject();
    }

    /**
     * A peer's organisation as a participant here, marked the peer's. An organisation registered
     * here and not already the peer's is never taken over: its agreements and endpoints are ours.
     */
    void ensureParticipant(Peer peer, DirectoryParticipant p, Instant now) {
        Optional<String> home = store.provinceOfParticipant(p.uscc());
        if (participants.exists(p.uscc()) && !home.map(peer.province()::equals).orElse(false)) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "requester", "the organisation is registered here, not at the sender");
        }
        if (!p.regionCode().startsWith(peer.province().substring(0, 2))) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "requester", "the organisation is not in the sender's province");
        }
        if (!participants.exists(p.uscc())) {
            participants.register(
                    new ParticipantRegistry.ParticipantRequest(
                            p.uscc(), p.name(), p.kind(), p.regionCode(), peer.name(), null, null, null),
                    FEDERATION);
        }
        store.markRemoteParticipant(p.uscc(), peer.province(), now);
    }

    private static SupplyList.ResourceRequest request(DirectoryResource r) {
        return new SupplyList.ResourceRequest(
                r.code(),
                r.name(),
                r.providerUscc(),
                r.summary(),
                r.category(),
                r.format(),
                r.schema(),
                r.fields(),
                r.sharingModes(),
                r.sharingCondition(),
                r.updateCycle(),
                r.openToPublic(),
                r.publishedOn());
    }

    /** The last fetch of a peer's directory, if any. */
    public Optional<DirectoryRow> last(String province) {
        return store.directory(province);
    }

    /** Why a peer's directory was refused. */
    static final class DirectoryProblem extends RuntimeException {
        DirectoryProblem(String message) {
            super(message);
        }
    }
}
