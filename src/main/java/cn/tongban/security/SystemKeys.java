package cn.tongban.security;

import cn.tongban.history.ChangeLog;
import cn.tongban.security.internal.SystemKeyPem;
import cn.tongban.security.internal.SystemKeyRepository;
import cn.tongban.security.internal.SystemKeyRepository.StoredKey;
import cn.tongban.web.ApiException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 系统密钥: the SM2 public keys with which a participant's systems sign their requests, and whether
 * the participant requires signed requests (then its HTTP Basic system credentials are refused).
 * Only the participant's administrator or a platform administrator manages them.
 */
@Service
public class SystemKeys {

    private final SystemKeyRepository repository;
    private final ChangeLog changes;
    private final Clock clock;

    SystemKeys(SystemKeyRepository repository, ChangeLog changes, Clock clock) {
        this.repository = repository;
        this.changes = changes;
        this.clock = clock;
    }

    /** A key as submitted: a PEM SM2 public key or an X.509 certificate holding one. */
    public record KeyRequest(
            @NotBlank @Size(max = 20_000) String publicKeyPem,
            @Size(max = 100) String label) {}

    /** A key as listed; {@code publicKeyPem} is its SubjectPublicKeyInfo, whatever was submitted. */
    public record KeyView(
            String keyId,
            String participantUscc,
            String label,
            String publicKeyPem,
            Instant createdAt,
            String createdBy,
            Instant revokedAt) {}

    /** How the participant's systems must authenticate. */
    public record AuthenticationSettings(@NotNull Boolean requireSignedRequests) {}

    @Transactional
    public KeyView register(String participantUscc, KeyRequest request, Actor actor) {
        requireManager(participantUscc, actor);
        String problem = cn.tongban.signing.Sm2Keys.problem(request.publicKeyPem());
        if (problem != null) {
            throw ApiException.invalid("publicKeyPem", "sm2-public-key", problem);
        }
        byte[] spki = SystemKeyPem.subjectPublicKeyInfo(request.publicKeyPem());
        String keyId = SystemKeyPem.keyId(spki);
        if (repository.find(keyId).isPresent()) {
            throw ApiException.conflict("publicKeyPem", "unique", "this key is registered already");
        }
        StoredKey key =
                new StoredKey(keyId, participantUscc, spki, request.label(), clock.instant(), actor.name(), null, null);
        repository.insert(key);
        changes.record(actor.name(), "system-key", keyId, "registered", null, Map.of("participant", participantUscc));
        return view(key);
    }

    public List<KeyView> list(String participantUscc, Actor actor) {
        requireManager(participantUscc, actor);
        return repository.ofParticipant(participantUscc).stream()
                .map(SystemKeys::view)
                .toList();
    }

    @Transactional
    public void revoke(String participantUscc, String keyId, Actor actor) {
        requireManager(participantUscc, actor);
        StoredKey key = repository
                .find(keyId)
                .filter(k -> k.participantUscc().equals(participantUscc))
                .orElseThrow(() -> ApiException.notFound("system key"));
        if (key.revokedAt() == null) {
            repository.revoke(keyId, clock.instant(), actor.name());
            changes.record(actor.name(), "system-key", keyId, "revoked", Map.of("participant", participantUscc), null);
        }
    }

    public AuthenticationSettings authentication(String participantUscc, Actor actor) {
        requireManager(participantUscc, actor);
        return new AuthenticationSettings(repository.requiresSignedRequests(participantUscc));
    }

    @Transactional
    public AuthenticationSettings setAuthentication(
            String participantUscc, AuthenticationSettings settings, Actor actor) {
        requireManager(participantUscc, actor);
        boolean before = repository.requiresSignedRequests(participantUscc);
        // Requiring signatures with no key to sign with would lock the participant's systems out.
        if (settings.requireSignedRequests() && !repository.anyActive(participantUscc)) {
            throw ApiException.invalid(
                    "requireSignedRequests",
                    "active-key-required",
                    "register a system key before requiring signed requests");
        }
        repository.requireSignedRequests(
                participantUscc, settings.requireSignedRequests(), clock.instant(), actor.name());
        changes.record(
                actor.name(),
                "participant-authentication",
                participantUscc,
                "updated",
                Map.of("requireSignedRequests", before),
                Map.of("requireSignedRequests", settings.requireSignedRequests()));
        return settings;
    }

    private static KeyView view(StoredKey key) {
        return new KeyView(
                key.keyId(),
                key.participantUscc(),
                key.label(),
                SystemKeyPem.pem(key.publicKey()),
                key.createdAt(),
                key.createdBy(),
                key.revokedAt());
    }

    private static void requireManager(String participantUscc, Actor actor) {
        if (!(actor.isPlatformAdmin() || (actor.belongsTo(participantUscc) && actor.has(Role.DEPARTMENT_ADMIN)))) {
            throw ApiException.forbidden(
                    "only the participant's administrator or a platform administrator manages its system keys");
        }
    }
}
