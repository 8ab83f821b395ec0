package cn.tongban.signing;

import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 密钥轮换: replaces the hub's SM2 signing key and certificate, or its SM4 data key, and has the
 * ledger record it with both identifiers. The caller checks that the actor is a platform administrator.
 */
@Service
public class HubKeyRotation {

    private final HubKeys keys;
    private final DataCipher cipher;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    HubKeyRotation(HubKeys keys, DataCipher cipher, ApplicationEventPublisher events, Clock clock) {
        this.keys = keys;
        this.cipher = cipher;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Rotates, then records the rotation in the same transaction as its ledger entry; the new key
     * is in use once this returns, and every seal or envelope from then on names it.
     */
    @Transactional
    public HubKeys.Rotation rotate(String actor, String reason) {
        HubKeys.Rotation rotation = keys.rotate();
        events.publishEvent(new HubKeyEvents.HubKeyRotated(
                clock.instant(), actor, rotation.previousKeyId(), rotation.keyId(), reason));
        return rotation;
    }

    /** What a data key rotation changed: the identifiers of the key before and the one that encrypts now. */
    public record DataKeyRotation(String previousKeyId, String keyId) {}

    /** A new SM4 data key encrypts from now on; data encrypted before stays readable with its own key. */
    @Transactional
    public DataKeyRotation rotateDataKey(String actor, String reason) {
        String before = cipher.keyId();
        String after = cipher.use(keys.addDataKey());
        events.publishEvent(new HubKeyEvents.DataKeyRotated(clock.instant(), actor, before, after, reason));
        return new DataKeyRotation(before, after);
    }
}
