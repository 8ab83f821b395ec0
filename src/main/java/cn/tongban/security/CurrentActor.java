package cn.tongban.security;

import cn.tongban.security.internal.AccountPrincipal;
import cn.tongban.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The actor of the current request, from the authenticated principal. */
public final class CurrentActor {

    private CurrentActor() {}

    public static Actor get() {
        return find().orElseThrow(() ->
                new ApiException(HttpStatus.UNAUTHORIZED, "authentication required", java.util.List.of()));
    }

    /** The actor, when the request is authenticated (open paths are not). */
    public static java.util.Optional<Actor> find() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof AccountPrincipal principal) {
            return java.util.Optional.of(principal.actor());
        }
        return java.util.Optional.empty();
    }
}
