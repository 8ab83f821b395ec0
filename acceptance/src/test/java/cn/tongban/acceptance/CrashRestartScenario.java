package cn.tongban.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A power cut in the middle of the exchange: a supplier is pushing batches and the hub is
 * delivering them to a demander's system when the hub and its database are killed (SIGKILL). After
 * the restart the supplier re-sends what it had no answer for, as any at-least-once sender does.
 * Every record is delivered, none is lost, and a record delivered twice carries the same
 * idempotency key both times. Then kill -9 of the hub's JVM alone, which leaves its embedded
 * PostgreSQL running: the next start stops that orphan and starts, and loses nothing either.
 */
class CrashRestartScenario {

    static final String EDUCATION = ExchangeScenario.EDUCATION;
    static final int BATCHES = 12;
    static final int BATCH_SIZE = 200;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void noRecordIsLostAndDuplicatesKeepTheirIdempotencyKey() throws Exception {
        int port = Hub.freePort();
        String[] settings = {"--tongban.demo.simulate=false", "--tongban.exchange.dispatch-batch=25"};
        Hub hub = Hub.isolated("crash-hub", port, true, settings);
        String url = hub.url;
        String code = "JY-CR-" + ThreadLocalRandom.current().nextInt(1000, 10000);
        List<Long> leftOver;
        try (DemanderSystem notarySystem = new DemanderSystem()) {
            notarySystem.slow(40);
            openExchange(url, code, notarySystem);

            // The supplier pushes in the background and re-sends any batch it got no answer for.
            AtomicInteger acknowledged = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<String> refused = new java.util.concurrent.atomic.AtomicReference<>();
            Thread supplier = new Thread(() -> {
                for (int b = 0; b < BATCHES; b++) {
                    String body = batch(b);
                    while (true) {
                        try {
                            HttpResponse<String> answer = call(url, "jy-admin", "/api/exchange/intake/" + code, body);
                            if (answer.statusCode() == 202) {
                                acknowledged.incrementAndGet();
                                break;
                            }
                            if (answer.statusCode() / 100 == 4) {
                                refused.set(answer.body());
                                return;
                            }
                        } catch (IOException | InterruptedException hubDown) {
                            // no answer: send the same batch again
                        }
                        pause(200);
                    }
                }
            });
            supplier.start();

            // Power cut once deliveries are under way and before the supplier is done.
            DemanderSystem.eventually(
                    Duration.ofSeconds(60),
                    "deliveries under way",
                    () -> refused.get() != null || notarySystem.envelopes().size() >= 300);
            assertEquals(null, refused.get(), "the hub refused a batch");
            hub.crash();
            int before = notarySystem.envelopes().size();
            assertTrue(before < BATCHES * BATCH_SIZE, "the crash came before everything was delivered");

            long down = System.nanoTime();
            hub = Hub.isolated("crash-hub", port, false, settings);
            long restarted = System.nanoTime();
            supplier.join(Duration.ofMinutes(3).toMillis());
            assertEquals(BATCHES, acknowledged.get(), "every batch is finally acknowledged");
            try {
                DemanderSystem.eventually(
                        Duration.ofMinutes(3),
                        "every record delivered",
                        () -> distinct(notarySystem) == BATCHES * BATCH_SIZE);
            } catch (AssertionError lost) {
                // Which acknowledged batches never arrived: the hub answered 202 for them.
                Map<String, Integer> perBatch = new java.util.TreeMap<>();
                notarySystem.envelopes().forEach(e -> perBatch.merge(
                        e.get("sourceRecordId").asText().replaceAll("-[0-9]+$", ""), 1, Integer::sum));
                throw new AssertionError(lost.getMessage() + "; envelopes per batch: " + perBatch, lost);
            }

            Map<String, Set<String>> keys = new HashMap<>();
            for (JsonNode envelope : notarySystem.envelopes()) {
                keys.computeIfAbsent(envelope.get("sourceRecordId").asText(), k -> new HashSet<>())
                        .add(envelope.get("deliveryId").asText());
            }
            assertEquals(BATCHES * BATCH_SIZE, keys.size());
            assertTrue(
                    keys.values().stream().allMatch(k -> k.size() == 1),
                    "a record delivered more than once carries the same idempotency key");
            System.out.printf(
                    "crash test: %d envelopes before the crash, %d received in all for %d records;"
                            + " restart took %d s, delivering the rest %d s%n",
                    before,
                    notarySystem.envelopes().size(),
                    keys.size(),
                    (restarted - down) / 1_000_000_000L,
                    (System.nanoTime() - restarted) / 1_000_000_000L);

            // kill -9 of the JVM alone, right after three more batches are acknowledged.
            ProcessHandle orphan = pushThenKillTheJvm(hub, code);
            int early = distinct(notarySystem);
            down = System.nanoTime();
            hub = Hub.isolated("crash-hub", port, false, settings);
            Duration restart = Duration.ofNanos(System.nanoTime() - down);
            assertRestartedWithoutTheOrphan(hub, orphan, restart);
            // Minutes, as above: the restarted business clock (tongban.calendar.start-at) starts over,
            // so deliveries made by the killed run come due only once it catches up.
            DemanderSystem.eventually(
                    Duration.ofMinutes(3),
                    "every acknowledged record delivered",
                    () -> distinct(notarySystem) == (BATCHES + 3) * BATCH_SIZE);
            System.out.printf(
                    "JVM crash test: %d of %d records delivered before the kill; restart took %d s%n",
                    early - BATCHES * BATCH_SIZE, 3 * BATCH_SIZE, restart.toSeconds());
        } finally {
            hub.stop();
            leftOver = hub.stopLeftoverPostgres();
        }
        assertEquals(List.of(), leftOver, "no PostgreSQL is left running on the data directory");
    }

    /** Three more batches, each acknowledged, then SIGKILL of the JVM; returns its PostgreSQL. */
    private ProcessHandle pushThenKillTheJvm(Hub hub, String code) throws Exception {
        for (int b = BATCHES; b < BATCHES + 3; b++) {
            expect(202, call(hub.url, "jy-admin", "/api/exchange/intake/" + code, batch(b)));
        }
        ProcessHandle orphan = hub.killJvm();
        assertTrue(orphan.isAlive(), "the embedded PostgreSQL outlives the killed JVM, as in a real crash");
        return orphan;
    }

    private static void assertRestartedWithoutTheOrphan(Hub hub, ProcessHandle orphan, Duration restart) {
        assertTrue(restart.compareTo(Duration.ofSeconds(60)) < 0, "restarted in " + restart);
        assertTrue(
                hub.postmasters().stream().noneMatch(p -> p.pid() == orphan.pid()),
                "the orphaned PostgreSQL was stopped");
    }

    /** The education bureau publishes the resource; the notary office demands it by webhook. */
    private void openExchange(String url, String code, DemanderSystem notarySystem) throws Exception {
        expect(201, call(url, "jy-admin", "/api/catalog/resources", ExchangeScenario.resource(code)));
        expect(201, call(url, "gz-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "%s", "fields": ["certificateNo", "name", "school"],
                 "serviceItemCode": "GZ-XLGZ-0001", "purpose": "学历核验", "legalBasis": "《中华人民共和国公证法》第二十九条",
                 "mode": "BATCH", "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(HubScenario.NOTARY_OFFICE, code)));
        expect(201, call(url, "gz-admin", "/api/catalog/participants/" + HubScenario.NOTARY_OFFICE + "/endpoints", """
                {"direction": "DEMAND", "kind": "WEBHOOK", "address": "%s", "resourceCode": "%s"}
                """.formatted(notarySystem.url(), code)));
    }

    private static int distinct(DemanderSystem system) {
        Set<String> ids = new HashSet<>();
        system.envelopes().forEach(e -> ids.add(e.get("sourceRecordId").asText()));
        return ids.size();
    }

    private static String batch(int b) {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < BATCH_SIZE; i++) {
            String id = ExchangeScenario.idNumber("43010219900101" + String.format("%03d", i));
            records.append(i == 0 ? "" : ",")
                    .append("{\"sourceRecordId\": \"C-%d-%d\", \"record\": {\"certificateNo\": \"1053%d%03d\", \"name\": \"测试\", \"idNumber\": \"%s\", \"school\": \"湖南大学\", \"mobile\": \"13812345678\"}}"
                            .formatted(b, i, b, i, id));
        }
        return "{\"records\": [" + records + "]}";
    }

    private HttpResponse<String> call(String url, String user, String path, String json)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", Hub.basic(user))
                        .header("Content-Type", "application/json;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), () -> "answer: " + response.body());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
