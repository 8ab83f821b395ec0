package cn.tongban.limits.internal;

import cn.tongban.web.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * No query parameter carries U+0000 ({@code %00}): 400 naming the parameter. Tomcat already
 * refuses one in the path; PostgreSQL would refuse it in a query and answer a conflict.
 */
@Component
class NulInQuery extends OncePerRequestFilter implements Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 21;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && query.toLowerCase(Locale.ROOT).contains("%00")) {
            Problems.write(response, ApiException.invalid(parameter(query), NulCharacters.RULE, NulCharacters.MESSAGE));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The parameter's name, when the name itself is clean. */
    private static String parameter(String query) {
        for (String pair : query.split("&")) {
            if (!pair.toLowerCase(Locale.ROOT).contains("%00")) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            try {
                String decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
                if (decoded.matches("[A-Za-z0-9_.-]{1,64}")) {
                    return decoded;
                }
            } catch (IllegalArgumentException malformed) {
                break;
            }
            break;
        }
        return "query";
    }
}
