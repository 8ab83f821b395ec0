package cn.tongban.federation;

import java.time.Instant;
import java.util.List;

/**
 * 对端平台: another province's exchange platform — its province code, where it takes messages,
 * its SM2 certificate (the trust anchor, pinned by the SM3 fingerprint of its DER encoding) and
 * which resources may cross in each direction ({@code *}: every one).
 */
public record Peer(
        String province,
        String name,
        String baseUrl,
        String certificatePem,
        String fingerprint,
        PeerStatus status,
        List<String> outboundResources,
        List<String> inboundResources,
        Instant createdAt,
        Instant updatedAt,
        String updatedBy) {

    /** Whether this peer may use our resource {@code code}. */
    public boolean mayReceive(String code) {
        return outboundResources.contains("*") || outboundResources.contains(code);
    }

    /** Whether we take in this peer's resource {@code code}. */
    public boolean maySend(String code) {
        return inboundResources.contains("*") || inboundResources.contains(code);
    }

    public String messagesUrl() {
        return trimmed() + FederationWire.MESSAGES_PATH;
    }

    public String directoryUrl() {
        return trimmed() + FederationWire.DIRECTORY_PATH;
    }

    private String trimmed() {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
}
