package cn.tongban.security.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tongban.security.lockout.*}: after {@code max-failures} wrong passwords in a row a
 * person's login is refused for {@code duration}, the right password included.
 */
@ConfigurationProperties("tongban.security.lockout")
record LockoutProperties(
        @DefaultValue("10") int maxFailures,
        @DefaultValue("15m") Duration duration) {

    LockoutProperties {
        if (maxFailures < 1 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(
                    "tongban.security.lockout needs max-failures >= 1 and a positive duration");
        }
    }
}
