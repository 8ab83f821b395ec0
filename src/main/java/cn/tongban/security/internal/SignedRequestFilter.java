package cn.tongban.security.internal;

import cn.tongban.security.Role;
import cn.tongban.security.SignedRequests;
import cn.tongban.security.internal.SignedRequestVerifier.Refusal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs after HTTP Basic: authenticates a {@code TONGBAN-SM2} request as the signing participant's
 * system (the body is read once, hashed, and handed on to the controller), and refuses a system
 * credential of a participant that requires signed requests. People's logins pass untouched.
 * Not a bean: as one, Boot would also register it outside the security chain.
 */
final class SignedRequestFilter extends OncePerRequestFilter {

    private final SignedRequestVerifier verifier;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    SignedRequestFilter(SignedRequestVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (SignedRequests.Authorization.claimedBy(authorization)) {
            signed(request, response, chain, authorization);
        } else if (basicCredentialOfSigningParticipant(contexts.getContext().getAuthentication())) {
            refuse(response, Refusal.SIGNATURE_REQUIRED);
        } else {
            chain.doFilter(request, response);
        }
    }

    private void signed(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String header)
            throws ServletException, IOException {
        long max = verifier.maxBody();
        if (request.getContentLengthLong() > max) {
            tooLarge(response, max);
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (body.length > max) {
            tooLarge(response, max);
            return;
        }
        String query = request.getQueryString();
        AccountPrincipal system;
        try {
            system = verifier.verify(
                    request.getMethod(),
                    request.getRequestURI() + (query == null ? "" : "?" + query),
                    header,
                    request.getHeader(SignedRequests.CONTENT_SM3),
                    body);
        } catch (SignedRequestVerifier.Refused refused) {
            refuse(response, refused.refusal);
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new SignedRequestAuthentication(system));
        contexts.setContext(context);
        // As HTTP Basic does: an async dispatch (a streamed answer) finds the authentication again.
        repository.saveContext(context, request, response);
        chain.doFilter(new ReadableAgain(request, body), response);
    }

    private boolean basicCredentialOfSigningParticipant(Authentication authentication) {
        return authentication instanceof UsernamePasswordAuthenticationToken
                && authentication.getPrincipal() instanceof AccountPrincipal principal
                && principal.actor().has(Role.SYSTEM)
                && principal.actor().participantUscc() != null
                && principal.signedRequestsRequired();
    }

    private static void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
        response.setHeader("WWW-Authenticate", SignedRequests.SCHEME + " realm=\"tongban\"");
        problem(response, 401, "Unauthorized", "Authorization", refusal.rule, refusal.message);
    }

    private static void tooLarge(HttpServletResponse response, long max) throws IOException {
        problem(
                response,
                413,
                "Content Too Large",
                "body",
                "max-size",
                "a signed request's body is at most " + max + " bytes");
    }

    // The messages are the hub's own constants, never submitted values: no escaping is needed.
    private static void problem(
            HttpServletResponse response, int status, String title, String field, String rule, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"error_code\":" + (status * 100 + 1) + ",\"type\":\"urn:tongban:problem:"
                        + title.toLowerCase().replace(' ', '-') + "\",\"title\":\"" + title + "\",\"status\":"
                        + status + ",\"detail\":\"" + field + ": " + message + "\",\"errors\":[{\"field\":\""
                        + field + "\",\"rule\":\"" + rule + "\",\"message\":\"" + message + "\"}]}");
    }

    /** A signed request's authentication: the system's principal, no credentials kept. */
    static final class SignedRequestAuthentication extends AbstractAuthenticationToken {

        private final AccountPrincipal principal;

        SignedRequestAuthentication(AccountPrincipal principal) {
            super(principal.getAuthorities());
            this.principal = principal;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public Object getPrincipal() {
            return principal;
        }
    }

    /** The request with its body, already read for the digest, served again from memory. */
    private static final class ReadableAgain extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadableAgain(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("a signed request's body is read synchronously");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
