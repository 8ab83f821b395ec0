package cn.tongban.federation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * 对端连接: one signed request to a peer and its signed answer, as bytes. A plain JDK client rather
 * than a Camel producer: each call's answer must be verified against the peer's anchor before
 * anything is marked, and the synchronous questions (queries, verifications) need the answer in
 * the caller's thread; the per-peer Camel route drives the sending and carries its health.
 * Redirects are never followed: a message goes only to the address the registry pins.
 */
@Component
class PeerClient {

    /** What a peer answered: status, body and its signature header. */
    record Answer(int status, byte[] body, String signature) {}

    private final HttpClient http;
    private final Duration timeout;

    PeerClient(FederationProperties properties) {
        this.timeout = properties.timeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Answer post(String url, byte[] body, String signature, Duration wait) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(wait == null ? timeout : wait)
                .header("Content-Type", "application/json")
                .header(FederationWire.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return exchange(request);
    }

    Answer get(String url) throws IOException {
        return exchange(
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
    }

    private Answer exchange(HttpRequest request) throws IOException {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            Optional<String> signature = response.headers().firstValue(FederationWire.SIGNATURE_HEADER);
            return new Answer(response.statusCode(), response.body(), signature.orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
