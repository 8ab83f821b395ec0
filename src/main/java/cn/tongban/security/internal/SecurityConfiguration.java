package cn.tongban.security.internal;

import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Never anonymous: every API call is authenticated with HTTP Basic (the way Confluent and most
 * government systems' clients send credentials); only health and the API description are open.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleSessionProperties.class)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /**
     * The demo's simulated department systems are not part of the hub's API: like real ones they
     * accept calls from the hub only, by its request signature (cn.tongban.demo.HubCallCheck), so
     * the hub's own authentication does not apply to them.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain simulatedSystems(HttpSecurity http) throws Exception {
        http.securityMatcher("/demo/demanders/*/webhook", "/demo/suppliers/*/query")
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    /**
     * The inter-platform protocol (docs/federation-protocol.md): each message is authenticated by
     * its SM2 signature against the sending peer's pinned anchor, not by a login.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityFilterChain federation(HttpSecurity http) throws Exception {
        http.securityMatcher("/federation/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    /**
     * The console (cn.tongban.console): people log in with a form and keep a session, so CSRF is
     * on (htmx sends the token as a header). The accounts, password encoder and lockout are the
     * API's: the same {@code AuthenticationProvider} checks the login, and its failures reach
     * {@link LoginLockout} as the same events. System credentials never open the console.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 2)
    SecurityFilterChain console(HttpSecurity http, ConsoleSessionProperties session) throws Exception {
        String[] people = {"PLATFORM_ADMIN", "DEPARTMENT_ADMIN", "APPROVER", "AUDITOR", "OPERATOR"};
        SavedRequestAwareAuthenticationSuccessHandler landing = new SavedRequestAwareAuthenticationSuccessHandler();
        landing.setDefaultTargetUrl("/console");
        http.securityMatcher("/console/**", "/webjars/**")
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/console/login", "/console/console.css", "/console/console.js", "/webjars/**")
                        .permitAll()
                        .requestMatchers("/console/catalog/**")
                        .hasAnyRole("DEPARTMENT_ADMIN", "PLATFORM_ADMIN")
                        .requestMatchers("/console/approvals/**")
                        .hasAnyRole("APPROVER", "PLATFORM_ADMIN")
                        .requestMatchers("/console/audit/**")
                        .hasAnyRole("AUDITOR", "PLATFORM_ADMIN")
                        .requestMatchers("/console/ops/**")
                        .hasAnyRole("OPERATOR", "PLATFORM_ADMIN")
                        .requestMatchers("/console/disputes/**")
                        .hasAnyRole("DEPARTMENT_ADMIN", "AUDITOR", "PLATFORM_ADMIN")
                        .requestMatchers("/console/supervision/**")
                        .hasAnyRole("DEPARTMENT_ADMIN", "APPROVER", "AUDITOR", "PLATFORM_ADMIN")
                        .anyRequest()
                        .hasAnyRole(people))
                .formLogin(form -> form.loginPage("/console/login")
                        .loginProcessingUrl("/console/login")
                        .failureUrl("/console/login?error")
                        .successHandler((request, response, authentication) -> {
                            request.getSession().setMaxInactiveInterval((int)
                                    session.sessionTimeout().toSeconds());
                            landing.onAuthenticationSuccess(request, response, authentication);
                        }))
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?logout"))
                .exceptionHandling(handling -> handling.accessDeniedPage("/console/denied"))
                .sessionManagement(management -> management.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED));
        return http.build();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, SignedRequestVerifier signedRequests) throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/health",
                                "/actuator/health/**",
                                "/api/exchange/hub-certificate",
                                "/api/exchange/hub-certificates",
                                "/v3/api-docs/**",
                                "/swagger-ui/**",
                                "/swagger-ui.html",
                                "/error")
                        .permitAll()
                        // Metrics name participants and routes: for operators and administrators.
                        .requestMatchers("/actuator/**", "/api/ops/**")
                        .hasAnyRole("OPERATOR", "PLATFORM_ADMIN")
                        .anyRequest()
                        .authenticated())
                .httpBasic(basic ->
                        basic.authenticationEntryPoint((request, response, e) -> refuseAuthentication(response, e)))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(
                                (request, response, e) -> refuseAuthentication(response, e))
                        .accessDeniedHandler((request, response, e) ->
                                problem(response, HttpStatus.FORBIDDEN, "not permitted for this account")))
                // Stateless machine-to-machine API: no session, so no cookie to forge requests with.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterAfter(new SignedRequestFilter(signedRequests), BasicAuthenticationFilter.class);
        return http.build();
    }

    /**
     * The firewall's refusal of a path (an encoded slash, a null character, a semicolon...) is the
     * client's mistake: a problem naming the path, and no stack trace in the log.
     */
    @Bean
    RequestRejectedHandler rejectedRequests() {
        return (request, response, e) -> {
            log.debug("request refused by the firewall");
            FieldProblem path = ApiException.REFUSED_PATH;
            problem(
                    response,
                    HttpStatus.BAD_REQUEST,
                    path.field() + ": " + path.message(),
                    ",\"errors\":[{\"field\":\"" + path.field() + "\",\"rule\":\"" + path.rule() + "\",\"message\":\""
                            + path.message() + "\"}]");
        };
    }

    /**
     * Spring Security's own observations (a timer around each filter) cost a third of a query's
     * CPU and a sixteenth of its garbage; requests are still observed as a whole
     * (http.server.requests). Switching them off here, rather than by a metrics property, also
     * stops the filter chain being wrapped for them at all.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new VerifiedPasswordCache(
                new DelegatingPasswordEncoder(
                        "bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(), "sm3", new Sm3SecretEncoder())),
                java.time.Duration.ofMinutes(5));
    }

    /**
     * 401 for a caller who gave no or wrong credentials; 503 when the hub could not check them
     * (its database is unreachable): the caller did nothing wrong and should come back, not
     * rotate a key that is fine.
     */
    private static void refuseAuthentication(
            jakarta.servlet.http.HttpServletResponse response,
            org.springframework.security.core.AuthenticationException e)
            throws IOException {
        if (e instanceof org.springframework.security.authentication.InternalAuthenticationServiceException) {
            log.warn(
                    "credentials could not be checked: {}",
                    e.getCause() == null ? "?" : e.getCause().getClass().getSimpleName());
            response.setHeader("Retry-After", "5");
            problem(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "the hub cannot check credentials now: try again shortly");
            return;
        }
        problem(
                response,
                HttpStatus.UNAUTHORIZED,
                "authentication required: HTTP Basic with a login or a system credential");
    }

    private static void problem(jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        problem(response, status, detail, "");
    }

    private static void problem(
            jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String detail, String errors)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"tongban\"");
        }
        response.getWriter()
                // error_code: Confluent clients of the schema registry read it (40101, 40301).
                .write("{\"error_code\":" + (status.value() * 100 + 1) + ",\"type\":\"urn:tongban:problem:"
                        + status.name().toLowerCase().replace('_', '-')
                        + "\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                        + ",\"detail\":\"" + detail + "\"" + errors + "}");
    }
}
