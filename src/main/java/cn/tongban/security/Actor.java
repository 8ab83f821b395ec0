package cn.tongban.security;

import java.util.Set;

/**
 * Who is acting: a person or a participant's system (bound to one participant), or the platform.
 * Every service call that changes something takes the actor explicitly.
 */
public record Actor(String name, String participantUscc, Set<Role> roles) {

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
     * Whether this actor may change the given participant's entries: its administrators and
     * systems (catalog sync), or a platform administrator.
     */
    public boolean mayManage(String uscc) {
        return isPlatformAdmin() || (belongsTo(uscc) && (has(Role.DEPARTMENT_ADMIN) || has(Role.SYSTEM)));
    }
}
