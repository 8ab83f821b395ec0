package cn.tongban.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/** A demander's system: a real HTTP server on loopback that records the envelopes posted to it. */
public final class WebhookServer implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> envelopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger calls = new AtomicInteger();

    public WebhookServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            int answer = status.get();
            if (answer / 100 == 2) {
                Api.json(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                        .get("deliveries")
                        .forEach(envelopes::add);
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answer every call with this status from now on (e.g. 503 while "down"). */
    public void answer(int httpStatus) {
        status.set(httpStatus);
    }

    public List<JsonNode> envelopes() {
        return envelopes;
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
