package cn.tongban.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Tomcat refuses before any servlet sees it (an encoded slash or a null character in the path)
 * answers {@code application/problem+json} too, in place of Tomcat's HTML error page.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(TomcatProblems.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> replaceErrorReport(context.getParent()));
    }

    /** After Spring Boot's own customizer, which adds an HTML error report valve of its own. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    private static void replaceErrorReport(Container parent) {
        Pipeline pipeline = parent.getPipeline();
        for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve) {
                pipeline.removeValve(valve);
            }
        }
        pipeline.addValve(new ProblemReportValve());
        if (parent instanceof StandardHost host) {
            // Else the host adds Tomcat's HTML one when it starts.
            host.setErrorReportValveClass(ProblemReportValve.class.getName());
        }
    }

    /** Tomcat's error report, as a problem; reached only by requests no servlet answered. */
    public static final class ProblemReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            if (response.getStatus() < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            write(response, problem(response.getStatus(), throwable));
        }

        private static Map<String, Object> problem(int code, Throwable throwable) {
            HttpStatus status = HttpStatus.resolve(code);
            if (status == null || status.is5xxServerError() || throwable != null) {
                String incident = UUID.randomUUID().toString();
                log.error(
                        "incident {}: {} before the API",
                        incident,
                        throwable == null ? code : throwable.getClass().getName());
                log.debug("incident {}", incident, throwable);
                Map<String, Object> body = body(code, "internal", "internal error; quote incident " + incident);
                body.put("incident", incident);
                return body;
            }
            log.debug("refused with {} before the API", code);
            Map<String, Object> body = body(
                    code,
                    ApiExceptionHandler.kebab(status.name()),
                    status.getReasonPhrase().toLowerCase());
            if (status == HttpStatus.BAD_REQUEST) {
                // Tomcat answers 400 itself only for a request target it cannot take.
                body.put("detail", ApiException.REFUSED_PATH.field() + ": " + ApiException.REFUSED_PATH.message());
                body.put("errors", List.of(ApiException.REFUSED_PATH));
            }
            return body;
        }

        private static Map<String, Object> body(int status, String type, String detail) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", ApiExceptionHandler.TYPE_PREFIX + type);
            HttpStatus known = HttpStatus.resolve(status);
            body.put("title", known == null ? "Error" : known.getReasonPhrase());
            body.put("status", status);
            body.put("detail", detail);
            return body;
        }

        private static void write(Response response, Map<String, Object> problem) {
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(JSON.writeValueAsString(problem));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                log.debug(
                        "the error report could not be written: {}",
                        e.getClass().getName());
            }
        }
    }
}
