package cn.tongban.limits.internal;

import cn.tongban.limits.LimitsProperties;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * 限流: each participant (each account, for platform staff, who belong to none) has its own
 * allowance of requests per period; over it, 429 with Retry-After. Counted after authentication,
 * so that one participant's runaway client never uses up another's allowance.
 */
@Configuration(proxyBeanMethods = false)
class RateLimits {

    /** After Spring Security's filter chain (order -100), which sets who is calling. */
    static final int ORDER = 0;

    @Bean
    FilterRegistrationBean<Filter> rateLimitFilter(LimitsProperties limits) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Filter(limits.rate()));
        registration.setOrder(ORDER);
        registration.setEnabled(limits.rate().enabled());
        return registration;
    }

    static final class Filter extends OncePerRequestFilter {

        private final RateLimiterRegistry limiters;
        private final long retryAfterSeconds;

        Filter(LimitsProperties.Rate rate) {
            this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                    .limitForPeriod(rate.limitForPeriod())
                    .limitRefreshPeriod(rate.refreshPeriod())
                    // Refuse at once: a waiting request would hold a server thread.
                    .timeoutDuration(Duration.ZERO)
                    .build());
            this.retryAfterSeconds = Math.max(1, (rate.refreshPeriod().toMillis() + 999) / 1000);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<Actor> actor = CurrentActor.find();
            if (actor.isPresent() && !limiter(actor.get()).acquirePermission()) {
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
                Problems.write(
                        response,
                        new ApiException(
                                HttpStatus.TOO_MANY_REQUESTS,
                                "too many requests from this participant: send again after " + retryAfterSeconds + " s",
                                List.of()));
                return;
            }
            chain.doFilter(request, response);
        }

        private RateLimiter limiter(Actor actor) {
            String key = actor.participantUscc() != null
                    ? "participant:" + actor.participantUscc()
                    : "account:" + actor.name();
            return limiters.rateLimiter(key);
        }
    }
}
