package cn.tongban.security;

import java.util.Set;

/**
 * Who is acting: a person or a participant's system (bound to one participant), or the platform.
 * Every service call that changes something takes the actor explicitly. Serializable: a console
 * login keeps it in the HTTP session.
 */
public record Actor(String name, String participantUscc, Set<Role> roles) implements java.io.Serializable {

    public Actor {
        roles = Set.copyOf(roles);
    }

    /** The hub itself, for start-up tasks such as loading demo data. */
    public static Actor platform(String task) {
        return new Actor("system:" + task, null, Set.of(Role.PLATFORM_ADMIN));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean isPlatformAdmin() {
        return has(Role.PLATFORM_ADMIN);
    }

    /** Whether this actor belongs to the given participant. */
    public boolean belongsTo(String uscc) {
        return participantUscc != null && participantUscc.equals(uscc);
    }

    /**
     * Whether this actor may administer the given participant's catalog entries (resources,
     * endpoints, demands, negative list, schemas, credentials): its department administrators or
     * a platform administrator. A system credential may not: it could otherwise register an
     * endpoint at any address and have the participant's data sent there (RoleMatrixIT).
     */
    public boolean mayManage(String uscc) {
        return isPlatformAdmin() || (belongsTo(uscc) && has(Role.DEPARTMENT_ADMIN));
    }

    /**
     * Whether this actor may exchange data for the given participant (supply records, replay its
     * quarantined records and dead letters, read its mailbox): those who may manage it, and its systems.
     */
    public boolean mayExchangeFor(String uscc) {
        return mayManage(uscc) || (belongsTo(uscc) && has(Role.SYSTEM));
    }
}
