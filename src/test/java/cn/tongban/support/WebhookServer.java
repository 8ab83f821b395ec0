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

    private HttpServer server;
    private final int port;
    private final List<JsonNode> envelopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger calls = new AtomicInteger();

    public WebhookServer() {
        server = bind(0);
        port = server.getAddress().getPort();
    }

    private HttpServer bind(int port) {
        HttpServer bound;
        try {
            bound = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bound.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            int answer = status.get();
            if (answer / 100 == 2 && body.length > 0) {
                Api.json(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                        .get("deliveries")
                        .forEach(envelopes::add);
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        bound.start();
        return bound;
    }

    /** The demander's system goes away: connections to its port are refused. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** The demander's system comes back on the same address. */
    public synchronized void start() {
        server = bind(port);
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hook";
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
    public synchronized void close() {
        server.stop(0);
    }
}
