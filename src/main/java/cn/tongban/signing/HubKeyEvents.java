package cn.tongban.signing;

import java.time.Instant;

/** What happens to the hub's own keys, for the ledger to record. */
public final class HubKeyEvents {

    private HubKeyEvents() {}

    /** A new hub key signs from {@code at}; the one before stays published to verify what it signed. */
    public record HubKeyRotated(Instant at, String actor, String previousKeyId, String keyId, String reason) {}

    /** A new SM4 data key encrypts from {@code at}; the one before still decrypts what it encrypted. */
    public record DataKeyRotated(Instant at, String actor, String previousKeyId, String keyId, String reason) {}

    /** The hub certificate {@code keyId} expires at {@code notAfter}, within the warning window; raised once. */
    public record HubCertificateExpiring(Instant at, String keyId, Instant notAfter, long daysLeft) {}
}
