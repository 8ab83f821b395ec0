package cn.tongban.security.internal;

import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;

/** A loaded account as Spring Security sees it, carrying the participant it belongs to. */
public class AccountPrincipal extends User {

    private final transient Actor actor;

    AccountPrincipal(String username, String secretHash, boolean enabled, String participantUscc, Set<Role> roles) {
        super(
                username,
                secretHash,
                enabled,
                true,
                true,
                true,
                roles.stream()
                        .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                        .collect(Collectors.toSet()));
        this.actor = new Actor(username, participantUscc, roles);
    }

    public Actor actor() {
        return actor;
    }
}
