package cn.tongban.exchange;

import cn.tongban.security.SignedRequests;
import cn.tongban.signing.HubKeys;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * 平台请求签名: every call the hub makes to a participant's system (webhook deliveries, queries to a
 * supplier, pulls, operators' probes) is signed with the hub's SM2 key in the same TONGBAN-SM2
 * scheme systems use towards the hub (docs/signed-requests.md), so a department's endpoint can
 * answer the hub only — checked with the published hub certificate, no shared secret.
 */
@Component("hubRequestSigning")
public class HubRequestSigning implements Processor {

    private final HubKeys keys;
    private final Clock clock;
    private final boolean enabled;
    private volatile KeyIdOf keyIdOf;

    /**
     * @param enabled off only where partners authenticate the hub otherwise (mutual TLS on the
     *     government network): a signature costs the hub about 0.4 ms of CPU per call
     */
    HubRequestSigning(HubKeys keys, Clock clock, @Value("${tongban.exchange.sign-hub-requests:true}") boolean enabled) {
        this.enabled = enabled;
        this.keys = keys;
        this.clock = clock;
    }

    /** The headers to add to a request to {@code target}: Authorization and Tongban-Content-SM3. */
    public Map<String, String> headers(String method, URI target, byte[] body) {
        return SignedRequests.sign(
                method, pathAndQuery(target), body, keys.signingKey(), SignedRequests.keyId(keys.publicKey()), clock);
    }

    /** The signer's request key id (SM3 of its SubjectPublicKeyInfo), worked out once per key. */
    private String keyId(HubKeys.Signer signer) {
        KeyIdOf known = keyIdOf;
        if (known == null || known.signer() != signer) {
            known = new KeyIdOf(
                    signer, SignedRequests.keyId(signer.certificate().getPublicKey()));
            keyIdOf = known;
        }
        return known.keyId();
    }

    private record KeyIdOf(HubKeys.Signer signer, String keyId) {}

    /**
     * Before Camel re-sends a webhook call (redelivery), a new timestamp and nonce: the partner
     * rightly refuses a signature it has seen.
     */
    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        byte[] body = in.getBody(byte[].class);
        if (uri != null
                && body != null
                && SignedRequests.Authorization.claimedBy(in.getHeader("Authorization", String.class))) {
            headers(in.getHeader(Exchange.HTTP_METHOD, "POST", String.class), URI.create(uri), body)
                    .forEach(in::setHeader);
        }
    }

    /** The request target as sent: the raw path ("/" when empty) and the raw query. */
    public static String pathAndQuery(URI target) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return target.getRawQuery() == null ? path : path + "?" + target.getRawQuery();
    }
}
