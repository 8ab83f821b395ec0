package cn.tongban.security;

import cn.tongban.history.ChangeLog;
import cn.tongban.security.internal.AccountRepository;
import cn.tongban.security.internal.AccountRepository.StoredAccount;
import cn.tongban.web.ApiException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 账号: people's logins and participants' system credentials. Secrets are stored hashed and
 * shown once, at issue; a revoked credential stops working on the next request.
 */
@Service
public class Accounts {

    private final AccountRepository repository;
    private final PasswordEncoder passwords;
    private final ChangeLog changes;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();

    Accounts(
            AccountRepository repository,
            PasswordEncoder passwords,
            ChangeLog changes,
            Clock clock,
            ApplicationEventPublisher events) {
        this.events = events;
        this.repository = repository;
        this.passwords = passwords;
        this.changes = changes;
        this.clock = clock;
    }

    /** Roles a participant's people may hold; platform roles belong to no participant. */
    public static final Set<Role> PARTICIPANT_ROLES = Set.of(Role.DEPARTMENT_ADMIN, Role.APPROVER);

    public static final Set<Role> PLATFORM_ROLES = Set.of(Role.PLATFORM_ADMIN, Role.AUDITOR, Role.OPERATOR);

    /** A person's login as submitted. */
    public record PersonRequest(
            @jakarta.validation.constraints.NotNull
            @jakarta.validation.constraints.Pattern(
                    regexp = "^[a-z0-9][a-z0-9._-]{2,63}$",
                    message = "must be 3-64 lowercase letters, digits, '.', '_' or '-'")
            String username,

            @jakarta.validation.constraints.NotNull @jakarta.validation.constraints.Size(min = 12, max = 128)
            String password,

            @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 100)
            String displayName,

            @jakarta.validation.constraints.NotEmpty Set<@jakarta.validation.constraints.NotNull Role> roles) {}

    /** A login as listed: never its password hash. */
    public record PersonView(
            String username,
            String displayName,
            String participantUscc,
            Set<Role> roles,
            Instant createdAt,
            Instant revokedAt) {}

    /** Creates a login for a participant's person (null participant: a platform login). */
    @Transactional
    public PersonView createPerson(String participantUscc, PersonRequest request, Actor actor) {
        requirePlatformAdmin(actor);
        List<ApiException.FieldProblem> weak = PasswordPolicy.problems(request.username(), request.password());
        if (!weak.isEmpty()) {
            throw ApiException.invalid(weak);
        }
        Set<Role> allowed = participantUscc == null ? PLATFORM_ROLES : PARTICIPANT_ROLES;
        if (!allowed.containsAll(request.roles())) {
            throw ApiException.invalid(
                    "roles",
                    participantUscc == null ? "platform-roles" : "participant-roles",
                    "may only be " + allowed.stream().map(Enum::name).sorted().toList());
        }
        createPerson(
                request.username(), request.password(), request.displayName(), participantUscc, request.roles(), actor);
        var stored = repository.find(request.username()).orElseThrow();
        return new PersonView(
                stored.username(),
                stored.displayName(),
                stored.participantUscc(),
                stored.roles(),
                stored.createdAt(),
                stored.revokedAt());
    }

    /** A credential as listed: never its secret. */
    public record CredentialView(
            String keyId, Set<Role> roles, Instant createdAt, String createdBy, Instant revokedAt) {}

    /** A newly issued credential: the only time the secret is shown. */
    public record IssuedCredential(String keyId, String secret, Instant createdAt) {}

    @Transactional
    public IssuedCredential issueSystemCredential(String participantUscc, Actor actor) {
        requireManager(participantUscc, actor);
        String keyId = "sys-" + HexFormat.of().formatHex(randomBytes(6));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
        Instant now = clock.instant();
        repository.insert(new StoredAccount(
                keyId,
                "SYSTEM",
                participantUscc,
                Set.of(Role.SYSTEM),
                "{sm3}" + passwordSm3(secret),
                null,
                now,
                actor.name(),
                null));
        changes.record(actor.name(), "credential", keyId, "issued", null, Map.of("participant", participantUscc));
        return new IssuedCredential(keyId, secret, now);
    }

    public List<CredentialView> systemCredentials(String participantUscc, Actor actor) {
        requireManager(participantUscc, actor);
        return repository.ofParticipant(participantUscc, "SYSTEM").stream()
                .map(a -> new CredentialView(a.username(), a.roles(), a.createdAt(), a.createdBy(), a.revokedAt()))
                .toList();
    }

    @Transactional
    public void revokeSystemCredential(String participantUscc, String keyId, Actor actor) {
        requireManager(participantUscc, actor);
        StoredAccount account = repository
                .find(keyId)
                .filter(a ->
                        participantUscc.equals(a.participantUscc()) && a.kind().equals("SYSTEM"))
                .orElseThrow(() -> ApiException.notFound("credential"));
        if (account.revokedAt() != null) {
            return;
        }
        repository.revoke(keyId, clock.instant(), actor.name());
        changes.record(actor.name(), "credential", keyId, "revoked", Map.of("participant", participantUscc), null);
    }

    /**
     * Creates a person's login; the password is hashed with bcrypt (cost 10, Spring Security's
     * DelegatingPasswordEncoder, so a stronger scheme can be introduced without a migration).
     */
    @Transactional
    public void createPerson(
            String username,
            String password,
            String displayName,
            String participantUscc,
            Set<Role> roles,
            Actor actor) {
        requirePlatformAdmin(actor);
        if (repository.exists(username)) {
            throw ApiException.conflict("username", "unique", "the username is taken");
        }
        repository.insert(new StoredAccount(
                username,
                "PERSON",
                participantUscc,
                roles,
                passwords.encode(password),
                displayName,
                clock.instant(),
                actor.name(),
                null));
        changes.record(
                actor.name(),
                "account",
                username,
                "created",
                null,
                Map.of("participant", String.valueOf(participantUscc), "roles", roles));
    }

    /** Lifts a person's login lock (and clears its failures); platform administrators only. */
    @Transactional
    public void unlock(String username, Actor actor) {
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden("only a platform administrator unlocks logins");
        }
        StoredAccount account = repository
                .find(username)
                .filter(StoredAccount::isPerson)
                .orElseThrow(() -> ApiException.notFound("login"));
        repository.unlock(username);
        events.publishEvent(new SecurityEvents.AccountUnlocked(
                account.username(), account.participantUscc(), actor.name(), clock.instant()));
    }

    public boolean exists(String username) {
        return repository.exists(username);
    }

    private static void requirePlatformAdmin(Actor actor) {
        if (!actor.isPlatformAdmin()) {
            throw ApiException.forbidden("only a platform administrator creates logins");
        }
    }

    private static void requireManager(String participantUscc, Actor actor) {
        if (!(actor.isPlatformAdmin() || (actor.belongsTo(participantUscc) && actor.has(Role.DEPARTMENT_ADMIN)))) {
            throw ApiException.forbidden(
                    "only the participant's administrator or a platform administrator manages its credentials");
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String passwordSm3(String secret) {
        return cn.tongban.signing.Sm3.hex(secret);
    }
}
