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
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof AccountPrincipal principal) {
            return principal.actor();
        }
        throw new ApiException(HttpStatus.UNAUTHORIZED, "authentication required", java.util.List.of());
    }
}
