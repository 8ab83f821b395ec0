package cn.tongban.security.internal;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * How a login is checked: the account, then its password, then its lock. The lock comes after
 * the password so that a locked login takes as long as a wrong one and is answered the same
 * 401 (ADR 0003): the answer never tells whether the account exists or is locked.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LockoutProperties.class)
class LoginConfiguration {

    @Bean
    AuthenticationProvider accountAuthentication(AccountRepository accounts, PasswordEncoder passwords, Clock clock) {
        UserDetailsService details = username -> accounts.findForLogin(username)
                .map(AccountPrincipal::new)
                .orElseThrow(() -> new UsernameNotFoundException("no such account"));
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(details);
        provider.setPasswordEncoder(passwords);
        provider.setPostAuthenticationChecks(user -> {
            if (user instanceof AccountPrincipal account && account.lockedAt(clock.instant())) {
                throw new LockedException("locked");
            }
        });
        return provider;
    }
}
