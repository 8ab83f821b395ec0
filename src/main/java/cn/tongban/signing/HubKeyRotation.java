package cn.tongban.signing;

import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 密钥轮换: replaces the hub's SM2 signing key and certificate, and has the ledger record it with
 * both fingerprints. The caller checks that the actor is a platform administrator.
 */
@Service
public class HubKeyRotation {

    private final HubKeys keys;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    HubKeyRotation(HubKeys keys, ApplicationEventPublisher events, Clock clock) {
        this.keys = keys;
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
}
