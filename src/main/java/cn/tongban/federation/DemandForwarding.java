package cn.tongban.federation;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.Demand;
import cn.tongban.catalog.DemandList;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.RemoteSupply;
import cn.tongban.catalog.Resource;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.federation.internal.FederationStore.SpanningAgreement;
import cn.tongban.history.ChangeLog;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * 跨省需求: a demand filed here for a peer's resource is forwarded to that platform; there the
 * provider decides under its own rules and deadline (10 working days for conditional fields), and
 * each decision comes back, so the agreement exists on both sides with the same id. On the
 * provider's side the demander is a participant marked remote, reached through a
 * {@link EndpointKind#PEER_PLATFORM} endpoint — so its records leave by a delivery route of their own.
 */
@Service
class DemandForwarding implements RemoteSupply, MessageHandler {

    static final Actor FEDERATION = Actor.platform("federation");

    /** What a DEMAND message carries: the demand as filed, and who filed it. */
    record ForwardedDemand(
            UUID demandId,
            String requesterUscc,
            String requesterName,
            ParticipantKind requesterKind,
            String requesterRegion,
            String resourceCode,
            List<String> fields,
            String serviceItemCode,
            String serviceItemName,
            String purpose,
            String legalBasis,
            Demand.Mode mode,
            LocalDate validFrom,
            LocalDate validUntil) {}

    /** What a DECISION message carries: the demand it answers (the receiver's id) and the agreement as it stands. */
    record Decision(UUID demandId, Agreement agreement) {}

    private final FederationStore store;
    private final PeerMessaging messaging;
    private final ParticipantRegistry participants;
    private final DemandList demands;
    private final AgreementRegistry agreements;
    private final PlatformDirectory directory;
    private final JsonMapper json;
    private final Clock clock;

    DemandForwarding(
            FederationStore store,
            PeerMessaging messaging,
            ParticipantRegistry participants,
            @org.springframework.context.annotation.Lazy DemandList demands,
            AgreementRegistry agreements,
            PlatformDirectory directory,
            JsonMapper json,
            Clock clock) {
        this.store = store;
        this.messaging = messaging;
        this.participants = participants;
        this.demands = demands;
        this.agreements = agreements;
        this.directory = directory;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Optional<String> homeOf(String resourceCode) {
        return store.provinceOfResource(resourceCode).map(String::trim);
    }

    @Override
    public void forward(Demand demand, Resource resource) {
        String province = homeOf(resource.code()).orElseThrow();
        var requester = participants.get(demand.requesterUscc());
        ForwardedDemand payload = new ForwardedDemand(
                demand.id(),
                requester.uscc(),
                requester.name(),
                requester.kind(),
                requester.regionCode(),
                resource.code(),
                demand.fields(),
                demand.serviceItemCode(),
                demand.serviceItemName(),
                demand.purpose(),
                demand.legalBasis(),
                demand.mode(),
                demand.validFrom(),
                demand.validUntil());
        try {
            messaging.send(new OutboundMessage(
                    province,
                    MessageType.DEMAND,
                    demand.id().toString(),
                    resource.code(),
                    null,
                    demand.serviceItemCode(),
                    demand.purpose(),
                    OutboundMessage.JSON,
                    json.writeValueAsBytes(payload)));
        } catch (PeerFault e) {
            throw ApiException.invalid(
                    "resourceCode", "peer-platform", "the resource's platform cannot be reached: " + e.getMessage());
        }
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.DEMAND, MessageType.DECISION);
    }

    @Override
    public Optional<byte[]> handle(InboundMessage message) {
        if (message.type() == MessageType.DEMAND) {
            fileForPeer(message, json.readValue(message.payload(), ForwardedDemand.class));
        } else {
            recordDecision(message, json.readValue(message.payload(), Decision.class));
        }
        return Optional.empty();
    }

    /** On the provider's side: the remote demander, its peer endpoint, the demand filed here, the first decision sent back. */
    private void fileForPeer(InboundMessage message, ForwardedDemand d) {
        if (!d.resourceCode().equals(message.resourceCode())
                || homeOf(d.resourceCode()).isPresent()) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER,
                    "resource",
                    "the demand is for another resource than this platform's own it names");
        }
        Peer peer = store.peer(message.senderProvince()).orElseThrow();
        if (!d.requesterRegion().startsWith(message.senderProvince().substring(0, 2))) {
            throw new PeerFault(PeerFault.Fault.SENDER, "requester", "the requester is not in the sender's province");
        }
        directory.ensureParticipant(
                peer,
                new PlatformDirectory.DirectoryParticipant(
                        d.requesterUscc(), d.requesterName(), d.requesterKind(), d.requesterRegion()),
                clock.instant());
        ensurePeerEndpoint(d.requesterUscc(), peer.province(), d.resourceCode());
        DemandList.Filed filed = demands.file(
                new DemandList.DemandRequest(
                        d.requesterUscc(),
                        d.resourceCode(),
                        null,
                        d.fields(),
                        d.serviceItemCode(),
                        d.serviceItemName(),
                        d.purpose(),
                        d.legalBasis(),
                        d.mode(),
                        d.validFrom(),
                        d.validUntil()),
                FEDERATION);
        if (filed.agreement() == null) {
            return;
        }
        store.linkAgreement(
                new SpanningAgreement(filed.agreement().id(), peer.province(), d.demandId(), "SUPPLY"),
                clock.instant());
        sendDecision(filed.agreement(), peer.province(), d.demandId());
    }

    /** One peer endpoint per remote demander and resource: a delivery pass then carries one resource's records. */
    private void ensurePeerEndpoint(String uscc, String province, String resourceCode) {
        boolean present = participants.endpoints(uscc).stream()
                .anyMatch(e -> e.kind() == EndpointKind.PEER_PLATFORM
                        && province.equals(e.address())
                        && resourceCode.equals(e.resourceCode()));
        if (!present) {
            participants.addEndpoint(
                    uscc,
                    new ParticipantRegistry.EndpointRequest(
                            EndpointKind.Direction.DEMAND, EndpointKind.PEER_PLATFORM, province, resourceCode, null),
                    FEDERATION);
        }
    }

    /** On the demander's side: the agreement as the provider's platform decided it, under the same id. */
    private void recordDecision(InboundMessage message, Decision decision) {
        Agreement agreement = decision.agreement();
        if (agreement == null
                || !agreement.id().equals(message.agreementId())
                || !agreement.resourceCode().equals(message.resourceCode())) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER, "agreement", "the decision names another agreement than its message");
        }
        Demand demand = demands.get(decision.demandId(), FEDERATION);
        // The id must be new here, or the one this demand already holds from the same peer: a
        // peer never rewrites another agreement it happens to know the id of.
        boolean ours = agreements
                .find(agreement.id())
                .map(a -> a.demandId().equals(demand.id())
                        && store.spanning(agreement.id())
                                .filter(s -> s.side().equals("DEMAND")
                                        && s.province().trim().equals(message.senderProvince()))
                                .isPresent())
                .orElse(true);
        boolean fieldsAsked =
                agreement.fields().stream().allMatch(f -> demand.fields().contains(f.name()));
        if (!ours || !fieldsAsked) {
            throw new PeerFault(PeerFault.Fault.SENDER, "agreement", "the decision does not answer this demand");
        }
        if (demand.status() != Demand.Status.FORWARDED
                || !homeOf(demand.resourceCode()).orElse("").equals(message.senderProvince())
                || !agreement.resourceCode().equals(demand.resourceCode())
                || !agreement.demanderUscc().equals(demand.requesterUscc())) {
            throw new PeerFault(
                    PeerFault.Fault.SENDER,
                    "agreement",
                    "the decision does not answer a demand forwarded to the sender");
        }
        agreements.recordFromPeer(agreement, demand.id(), FEDERATION);
        store.linkAgreement(
                new SpanningAgreement(agreement.id(), message.senderProvince(), null, "DEMAND"), clock.instant());
    }

    /** A later decision (approval, refusal, revocation) on the provider's side goes back too. */
    @EventListener
    void on(ChangeLog.ChangeRecorded change) {
        if (!"agreement".equals(change.entityType()) || change.action().endsWith("-from-peer")) {
            return;
        }
        UUID id = UUID.fromString(change.entityId());
        store.spanning(id)
                .filter(s -> s.side().equals("SUPPLY"))
                .ifPresent(s -> agreements.find(id).ifPresent(a -> sendDecision(a, s.province(), s.remoteDemandId())));
    }

    private void sendDecision(Agreement agreement, String province, UUID remoteDemandId) {
        messaging.send(new OutboundMessage(
                province,
                MessageType.DECISION,
                remoteDemandId.toString(),
                agreement.resourceCode(),
                agreement.id(),
                agreement.serviceItemCode(),
                agreement.purpose(),
                OutboundMessage.JSON,
                json.writeValueAsBytes(new Decision(remoteDemandId, agreement))));
    }
}
