package cn.tongban.limits.internal;

import cn.tongban.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A refusal written by a filter, before Spring MVC: the same problem+json the API's handler writes. */
final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    static void write(HttpServletResponse response, ApiException refusal) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        String name = refusal.status().name().toLowerCase().replace('_', '-');
        body.put("type", "urn:tongban:problem:" + name);
        body.put("title", refusal.status().getReasonPhrase());
        body.put("status", refusal.status().value());
        body.put("detail", refusal.getMessage());
        List<ApiException.FieldProblem> problems = refusal.problems();
        if (!problems.isEmpty()) {
            body.put("errors", problems);
        }
        response.setStatus(refusal.status().value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
