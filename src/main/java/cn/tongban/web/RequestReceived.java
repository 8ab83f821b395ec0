package cn.tongban.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * When the hub received a request: the moment Tomcat began reading it, before any filter, security
 * check or body parsing, so that what the hub reports as its own time (Server-Timing, the query
 * timers) counts all of it. A Tomcat valve, because only the connector knows that moment.
 */
@Component
public class RequestReceived implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final String ATTRIBUTE = RequestReceived.class.getName();

    /** {@link System#nanoTime()} when the request began to arrive; now, if no valve saw it. */
    public static long nanos(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Long received ? received : System.nanoTime();
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addEngineValves(new Stamp());
    }

    private static final class Stamp extends ValveBase {

        Stamp() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            long started = request.getCoyoteRequest().getStartTimeNanos();
            request.setAttribute(ATTRIBUTE, started > 0 ? started : System.nanoTime());
            getNext().invoke(request, response);
        }
    }
}
