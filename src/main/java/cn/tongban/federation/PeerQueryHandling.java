package cn.tongban.federation;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.exchange.PeerQueries;
import cn.tongban.exchange.QueryService;
import cn.tongban.federation.internal.FederationStore;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.annotation.Lazy;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * 跨省接口查询: a query on a peer's resource passes through both hubs. Here, the demander's hub
 * asks the resource's platform with a signed QUERY message and waits for the signed response
 * bound to it; there, the provider's hub runs its own query under the same agreement — its checks,
 * its supplier, its masking, its ledger — and answers with the envelope it signed, which the
 * demander's hub verifies against the peer's anchor before it answers its demander.
 */
@Service
class PeerQueryHandling implements PeerQueries, MessageHandler {

    /** A QUERY's payload: the key to look up; purpose and agreement travel in the message. */
    record Question(String key) {}

    /** The response's payload: the provider hub's signed envelope. */
    record Reply(Envelope envelope) {}

    private final FederationStore store;
    private final PeerMessaging messaging;
    private final QueryService queries;
    private final AgreementRegistry agreements;
    private final JsonMapper json;
    private final FederationProperties properties;

    PeerQueryHandling(
            FederationStore store,
            PeerMessaging messaging,
            @Lazy QueryService queries,
            AgreementRegistry agreements,
            JsonMapper json,
            FederationProperties properties) {
        this.store = store;
        this.messaging = messaging;
        this.queries = queries;
        this.agreements = agreements;
        this.json = json;
        this.properties = properties;
    }

    @Override
    public Optional<String> homeOf(String resourceCode) {
        return store.provinceOfResource(resourceCode).map(String::trim);
    }

    @Override
    public Envelope ask(String province, Agreement agreement, String key) {
        InboundMessage answer;
        try {
            answer = messaging.ask(
                    new OutboundMessage(
                            province,
                            MessageType.QUERY,
                            UUID.randomUUID().toString(),
                            agreement.resourceCode(),
                            agreement.id(),
                            agreement.serviceItemCode(),
                            agreement.purpose(),
                            OutboundMessage.JSON,
                            json.writeValueAsBytes(new Question(key))),
                    properties.timeout());
        } catch (PeerFault f) {
            throw refusal(f);
        }
        Envelope envelope = json.readValue(answer.payload(), Reply.class).envelope();
        Peer peer = store.peer(province).orElseThrow();
        String problem = envelope == null
                ? "no envelope"
                : EnvelopeVerifier.problem(
                        envelope, HubKeys.readCertificate(peer.certificatePem()).getPublicKey());
        if (problem != null
                || !agreement.id().toString().equals(envelope.agreementId())
                || !agreement.demanderUscc().equals(envelope.demanderUscc())) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "the peer platform's answer does not verify", List.of());
        }
        return envelope;
    }

    /** Whose fault, as the demander sees it: the provider's side is a bad gateway, a refusal is a refusal. */
    private static ApiException refusal(PeerFault f) {
        String detail = "the resource's platform: " + f.fault() + " " + f.code();
        return switch (f.fault()) {
            case SENDER -> ApiException.forbidden(detail);
            // The supplier there has no such record: the same 404 a supplier here would give.
            case PROVIDER ->
                f.code().equals("provider-404")
                        ? ApiException.notFound("record")
                        : new ApiException(HttpStatus.BAD_GATEWAY, detail, List.of());
            case PLATFORM ->
                new ApiException(
                        f.code().equals("unreachable") ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.SERVICE_UNAVAILABLE,
                        detail,
                        List.of());
        };
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.QUERY);
    }

    /** On the provider's side: the query as this hub's own, for the demander of the agreement both sides hold. */
    @Override
    public Optional<byte[]> handle(InboundMessage message) {
        if (message.agreementId() == null || message.resourceCode() == null) {
            throw new PeerFault(PeerFault.Fault.SENDER, "agreement", "a query names its agreement and resource");
        }
        boolean spans = store.spanning(message.agreementId())
                .filter(s -> s.side().equals("SUPPLY") && s.province().trim().equals(message.senderProvince()))
                .isPresent();
        if (!spans) {
            throw new PeerFault(PeerFault.Fault.SENDER, "agreement", "no agreement with the sender covers this query");
        }
        Agreement agreement = agreements
                .find(message.agreementId())
                .orElseThrow(() -> new PeerFault(PeerFault.Fault.SENDER, "agreement", "no such agreement"));
        Question question = json.readValue(message.payload(), Question.class);
        Actor demander =
                new Actor("federation:" + message.senderProvince(), agreement.demanderUscc(), Set.of(Role.SYSTEM));
        try {
            QueryService.Answer answer = queries.query(
                    message.resourceCode(),
                    new QueryService.QueryRequest(question.key(), message.agreementId(), message.purpose()),
                    demander);
            return Optional.of(json.writeValueAsBytes(new Reply(answer.envelope())));
        } catch (ApiException e) {
            if (e.status().is5xxServerError() || e.status() == HttpStatus.NOT_FOUND) {
                throw new PeerFault(
                        PeerFault.Fault.PROVIDER, "provider-" + e.status().value(), "the supplier could not answer");
            }
            throw e;
        }
    }
}
