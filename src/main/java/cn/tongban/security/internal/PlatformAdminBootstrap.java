package cn.tongban.security.internal;

import cn.tongban.security.Accounts;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A hub with no platform administrator cannot register anyone: the first start creates
 * {@code admin} with {@code TONGBAN_ADMIN_PASSWORD}, or with a random password printed once.
 */
@Component
@Order(100)
class PlatformAdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PlatformAdminBootstrap.class);

    private final AccountRepository repository;
    private final Accounts accounts;
    private final String password;

    PlatformAdminBootstrap(
            AccountRepository repository,
            Accounts accounts,
            @Value("${tongban.security.admin-password:}") String password) {
        this.repository = repository;
        this.accounts = accounts;
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (repository.anyPlatformAdmin()) {
            return;
        }
        String initial = password;
        if (initial.isBlank()) {
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            initial = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            log.warn("created platform administrator 'admin' with the one-time password {} — change it", initial);
        }
        accounts.createPerson(
                "admin", initial, "平台管理员", null, Set.of(Role.PLATFORM_ADMIN), Actor.platform("bootstrap"));
    }
}
