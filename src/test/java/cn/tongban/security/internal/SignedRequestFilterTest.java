package cn.tongban.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.security.Role;
import cn.tongban.security.SignedRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.unit.DataSize;

/** The filter's own work: the body cap, the body handed on intact, and the Basic refusal. */
class SignedRequestFilterTest {

    private static final String HEADER = SignedRequests.SCHEME + " keyId=k, timestamp=1, nonce=n, signature=s";

    private final List<byte[]> verifiedBodies = new ArrayList<>();

    private final SignedRequestVerifier verifier =
            new SignedRequestVerifier(null, null, new SignedRequestProperties(null, DataSize.ofBytes(16)), null) {
                @Override
                AccountPrincipal verify(
                        String method, String pathAndQuery, String authorization, String contentSm3, byte[] body) {
                    verifiedBodies.add(body);
                    return AccountPrincipal.of("sm2:test", "UNIT", Set.of(Role.SYSTEM));
                }
            };

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theControllerReadsTheBodyThatWasHashed() throws Exception {
        MockHttpServletRequest request = signed("{\"a\":\"数\"}".getBytes(StandardCharsets.UTF_8), true);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new SignedRequestFilter(verifier).doFilter(request, response, chain);

        HttpServletRequest passed = (HttpServletRequest) chain.getRequest();
        assertThat(passed.getInputStream().readAllBytes()).isEqualTo(verifiedBodies.get(0));
        assertThat(passed.getReader().readLine()).isEqualTo("{\"a\":\"数\"}");
        assertThat(SecurityContextHolder.getContext().getAuthentication().getName())
                .isEqualTo("sm2:test");
    }

    @Test
    void aBodyOverTheCapIsRefusedBeforeVerifying() throws Exception {
        for (boolean declared : new boolean[] {true, false}) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();
            new SignedRequestFilter(verifier).doFilter(signed(new byte[17], declared), response, chain);
            assertThat(response.getStatus()).as("declared length: " + declared).isEqualTo(413);
            assertThat(response.getContentAsString()).contains("\"rule\":\"max-size\"");
            assertThat(chain.getRequest()).isNull();
        }
        assertThat(verifiedBodies).isEmpty();
    }

    @Test
    void aBasicSystemCredentialIsRefusedOnlyWhereSignaturesAreRequired() throws Exception {
        AccountPrincipal system = AccountPrincipal.of("sys-1", "UNIT", Set.of(Role.SYSTEM));
        AccountPrincipal person = AccountPrincipal.of("adm", "UNIT", Set.of(Role.DEPARTMENT_ADMIN));
        assertThat(status(system, false)).isEqualTo(200);
        assertThat(status(system, true)).isEqualTo(401);
        assertThat(status(person, true)).isEqualTo(200);
    }

    private int status(AccountPrincipal account, boolean required) throws Exception {
        // As the login loads it: the participant's requirement comes with the account.
        AccountPrincipal principal = AccountPrincipal.of(
                account.getUsername(),
                account.actor().participantUscc(),
                account.actor().roles(),
                required);
        SecurityContextHolder.getContext()
                .setAuthentication(
                        UsernamePasswordAuthenticationToken.authenticated(principal, null, principal.getAuthorities()));
        MockHttpServletResponse response = new MockHttpServletResponse();
        new SignedRequestFilter(verifier)
                .doFilter(new MockHttpServletRequest("GET", "/api/x"), response, new MockFilterChain());
        if (response.getStatus() == 401) {
            assertThat(response.getContentAsString()).contains("\"rule\":\"signed-requests-required\"");
        }
        return response.getStatus();
    }

    private static MockHttpServletRequest signed(byte[] body, boolean declareLength) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/x") {
            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                ByteArrayInputStream in = new ByteArrayInputStream(body);
                return new org.springframework.mock.web.DelegatingServletInputStream(in);
            }

            @Override
            public long getContentLengthLong() {
                return declareLength ? body.length : -1;
            }
        };
        request.addHeader("Authorization", HEADER);
        request.setCharacterEncoding("UTF-8");
        return request;
    }
}
