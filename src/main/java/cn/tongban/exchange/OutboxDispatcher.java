package cn.tongban.exchange;

import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.schema.WireFormat;
import cn.tongban.security.Actor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * 投递: drains the outbox. Each pass claims due deliveries (a person's records in order), sends
 * them — webhook batches with each record's idempotency key, Kafka in the Confluent wire format,
 * or into the demander's mailbox — and marks them in the same transaction. At least once: a crash
 * before the mark sends again with the same key. Failures back off exponentially, then dead-letter.
 */
@Component("outboxDispatcher")
public class OutboxDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);
    private static final long DRAIN_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ExchangeStore store;
    private final EnvelopeAssembler assembler;
    private final JsonMapper json;
    private final TransactionTemplate transaction;
    private final ExchangeProperties properties;
    private final SchemaRegistry registry;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final HttpClient http;
    private KafkaProducer<String, byte[]> kafka;

    OutboxDispatcher(
            ExchangeStore store,
            EnvelopeAssembler assembler,
            JsonMapper json,
            TransactionTemplate transaction,
            ExchangeProperties properties,
            SchemaRegistry registry,
            ApplicationEventPublisher events,
            Clock clock) {
        this.store = store;
        this.assembler = assembler;
        this.json = json;
        this.transaction = transaction;
        this.properties = properties;
        this.registry = registry;
        this.events = events;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.webhookTimeout())
                .build();
    }

    /**
     * Drains what is due: passes of up to {@code dispatchBatch} deliveries, one after another
     * while a pass comes back full, for at most {@link #DRAIN_BUDGET_NANOS} so the timer route
     * gets the thread back. Waiting a timer period between full passes would cap the outbox at
     * one batch per period, however large the backlog after an outage. Returns how many it handled.
     */
    public int dispatchDue() {
        long deadline = System.nanoTime() + DRAIN_BUDGET_NANOS;
        int total = 0;
        int handled;
        do {
            handled = dispatchPass();
            total += handled;
        } while (handled >= properties.dispatchBatch() && System.nanoTime() < deadline);
        return total;
    }

    private int dispatchPass() {
        Integer handled = transaction.execute(status -> {
            List<DeliveryRow> due = store.claimDue(clock.instant(), properties.dispatchBatch());
            Map<String, List<DeliveryRow>> byEndpoint = new LinkedHashMap<>();
            for (DeliveryRow row : due) {
                byEndpoint
                        .computeIfAbsent(
                                row.endpointKind() + " " + row.demanderUscc() + " " + row.endpointAddress(),
                                k -> new ArrayList<>())
                        .add(row);
            }
            byEndpoint.values().forEach(this::deliver);
            return due.size();
        });
        return handled == null ? 0 : handled;
    }

    private void deliver(List<DeliveryRow> rows) {
        DeliveryRow first = rows.get(0);
        Instant now = clock.instant();
        try {
            switch (first.endpointKind()) {
                case "MAILBOX" -> store.markDelivered(ids(rows), "AVAILABLE", now);
                case "WEBHOOK" -> {
                    postWebhook(first.endpointAddress(), rows);
                    store.markDelivered(ids(rows), "DELIVERED", now);
                }
                case "KAFKA_TOPIC" -> {
                    sendKafka(first.endpointAddress(), rows);
                    store.markDelivered(ids(rows), "DELIVERED", now);
                }
                default -> throw new DeliveryException("unsupported endpoint kind " + first.endpointKind());
            }
            events.publishEvent(new ExchangeEvents.DeliveriesCompleted(
                    first.endpointKind(),
                    first.demanderUscc(),
                    rows.size(),
                    rows.stream().map(ExchangeEvents::delivery).toList(),
                    now));
        } catch (DeliveryException e) {
            // A down endpoint fails a whole pass: one update and one report per attempt count, not per delivery.
            Map<Integer, List<DeliveryRow>> byAttempts = new LinkedHashMap<>();
            for (DeliveryRow row : rows) {
                byAttempts
                        .computeIfAbsent(row.attempts() + 1, k -> new ArrayList<>())
                        .add(row);
            }
            byAttempts.forEach((attempts, failed) -> {
                boolean dead = attempts >= properties.maxAttempts();
                store.markFailed(
                        ids(failed),
                        dead ? "DEAD" : "PENDING",
                        attempts,
                        now.plus(properties.backoff(attempts)),
                        e.getMessage());
                events.publishEvent(new ExchangeEvents.DeliveriesFailed(
                        first.demanderUscc(),
                        attempts,
                        dead,
                        failed.stream().map(ExchangeEvents::delivery).toList(),
                        e.getMessage(),
                        now));
            });
            log.warn(
                    "{} deliveries to {} of {} failed: {}",
                    rows.size(),
                    first.endpointKind(),
                    first.demanderUscc(),
                    e.getMessage());
        }
    }

    private void postWebhook(String url, List<DeliveryRow> rows) {
        List<Object> envelopes = new ArrayList<>(rows.size());
        for (DeliveryRow row : rows) {
            envelopes.add(assembler.assemble(row));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(properties.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", rows.size() == 1 ? rows.get(0).idempotencyKey() : "batch")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(Map.of("deliveries", envelopes))))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryException("webhook answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new DeliveryException("webhook unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted");
        }
    }

    /**
     * Kafka deliveries carry the projected record in the Confluent wire format (schema registered
     * under {@code <topic>-value}) and the signed envelope, minus the record, in a header.
     */
    private void sendKafka(String topic, List<DeliveryRow> rows) {
        KafkaProducer<String, byte[]> producer = kafka();
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (DeliveryRow row : rows) {
                Envelope envelope = assembler.assemble(row);
                int id = registry.register(topic + "-value", envelope.schema(), Actor.platform("exchange-kafka"));
                byte[] value = WireFormat.frame(id, Base64.getDecoder().decode(envelope.recordAvro()));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, row.orderKey(), value);
                record.headers().add("tongban-envelope", json.writeValueAsBytes(envelope.withoutRecordJson()));
                record.headers()
                        .add(
                                "tongban-idempotency-key",
                                row.idempotencyKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                sent.add(producer.send(record));
            }
            for (var future : sent) {
                future.get(properties.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted");
        } catch (Exception e) {
            throw new DeliveryException("Kafka send failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private synchronized KafkaProducer<String, byte[]> kafka() {
        if (properties.kafkaBootstrapServers().isBlank()) {
            throw new DeliveryException("no Kafka brokers configured (tongban.exchange.kafka-bootstrap-servers)");
        }
        if (kafka == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.kafkaBootstrapServers());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.put(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    properties.webhookTimeout().toMillis());
            kafka = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return kafka;
    }

    private static List<Long> ids(List<DeliveryRow> rows) {
        return rows.stream().map(DeliveryRow::id).toList();
    }

    /** A delivery attempt that failed; the message is safe to store and log (no payload). */
    static final class DeliveryException extends RuntimeException {
        DeliveryException(String message) {
            super(message);
        }
    }
}
