package cn.tongban.exchange;

import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.IntakeTopic.Part;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.QuarantineRow;
import cn.tongban.signing.DataCipher;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * 接收主题的消费: the steps of the {@code intake-topic} route. Each part of a pushed batch is
 * taken in by the intake pipeline in one PostgreSQL transaction that also marks the part's offset
 * as taken ({@code exchange_intake_offset}), so a part consumed twice — after a rebalance, or a
 * crash between the commit and Kafka's — is taken in once, and a partition's parts in their
 * order. The Kafka offset is committed after. A part the pipeline refuses by now (the resource
 * withdrawn, the supplier's rights gone) is quarantined record by record with that reason.
 */
@Component("intakeTopicConsumer")
public class IntakeTopicConsumer {

    static final String ROUTE = "intake-topic";
    /** The consumer group every instance's {@code intake-topic} route joins. */
    public static final String GROUP = "tongban-pipeline";

    private static final Logger log = LoggerFactory.getLogger(IntakeTopicConsumer.class);

    private final IntakeTopic topic;
    private final IntakeTopicProperties settings;
    private final ExchangeProperties exchange;
    private final IntakeService intake;
    private final ExchangeStore store;
    private final TransactionTemplate transaction;
    private final SupplyList supplyList;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final CamelContext camel;
    private final RouteControls controls;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final org.springframework.context.ApplicationEventPublisher events;

    /** What became of a part this instance was given. */
    enum PartOutcome {
        /** Run through the pipeline here. */
        TAKEN,
        /** Taken in before (by this or another instance): only its Kafka offset is committed. */
        REPEAT,
        /** Refused by the pipeline by now: its records held in quarantine. */
        REFUSED,
        /** Not sealed with a hub's data key: skipped. */
        UNREADABLE
    }

    IntakeTopicConsumer(
            IntakeTopic topic,
            IntakeTopicProperties settings,
            ExchangeProperties exchange,
            IntakeService intake,
            ExchangeStore store,
            TransactionTemplate transaction,
            SupplyList supplyList,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            CamelContext camel,
            RouteControls controls,
            io.micrometer.core.instrument.MeterRegistry meters,
            org.springframework.context.ApplicationEventPublisher events) {
        this.meters = meters;
        this.events = events;
        this.topic = topic;
        this.settings = settings;
        this.exchange = exchange;
        this.intake = intake;
        this.store = store;
        this.transaction = transaction;
        this.supplyList = supplyList;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.camel = camel;
        this.controls = controls;
        if (topic.enabled() && exchange.kafkaBootstrapServers().isBlank()) {
            throw new IllegalStateException(
                    "tongban.exchange.transport=kafka needs the brokers in tongban.exchange.kafka-bootstrap-servers");
        }
    }

    /** In the Kafka mode: the intake topic made if it is not there, and this instance's consumers started. */
    @EventListener(ApplicationReadyEvent.class)
    void start() throws Exception {
        if (!topic.enabled() || camel.getRoute(ROUTE) != null) {
            return;
        }
        createTopic();
        camel.addRouteFromTemplate(
                ROUTE,
                ROUTE,
                Map.of(
                        "topic", settings.topic(),
                        "brokers", exchange.kafkaBootstrapServers(),
                        "consumers", settings.consumers(),
                        "sessionTimeoutMs", settings.sessionTimeout().toMillis(),
                        "group", GROUP));
        int ready = topic.prepareProducers();
        if (ready < settings.producers()) {
            log.warn(
                    "intake topic: {} of {} producers ready at start (the brokers did not answer)",
                    ready,
                    settings.producers());
        }
        controls.applyTo(ROUTE);
        log.info(
                "intake through Kafka: topic {} ({} partitions), {} consumer(s) on this instance",
                settings.topic(),
                settings.partitions(),
                settings.consumers());
    }

    /** Every instance asks; the first one makes it. The brokers being away is no reason not to start. */
    private void createTopic() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, exchange.kafkaBootstrapServers());
        int timeoutMs = (int) settings.sendTimeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        try (Admin admin = Admin.create(config)) {
            NewTopic intakeTopic = new NewTopic(settings.topic(), settings.partitions(), settings.replicationFactor())
                    .configs(Map.of(
                            "max.message.bytes",
                            Integer.toString(IntakeTopic.MAX_PART_BYTES),
                            "min.insync.replicas",
                            Integer.toString(Math.min(2, settings.replicationFactor()))));
            admin.createTopics(List.of(intakeTopic))
                    .all()
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            log.info("intake topic {} created", settings.topic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn(
                        "intake topic {} not made: {}",
                        settings.topic(),
                        e.getCause().getClass().getSimpleName());
            }
        } catch (TimeoutException e) {
            log.warn("intake topic {} not made: the brokers did not answer", settings.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One part: taken in (or found taken), then its offset committed to Kafka. */
    public void take(Exchange exchange) {
        Message message = exchange.getMessage();
        String topicName = message.getHeader(KafkaConstants.TOPIC, String.class);
        int partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
        long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
        Part part = open(message, topicName, partition, offset);
        PartOutcome outcome = part == null ? PartOutcome.UNREADABLE : takeIn(part, topicName, partition, offset);
        parts(outcome).increment();
        KafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    private Part open(Message message, String topicName, int partition, long offset) {
        byte[] keyHeader = message.getHeader(IntakeTopic.KEY_ID_HEADER, byte[].class);
        String keyId = keyHeader == null ? null : new String(keyHeader, StandardCharsets.US_ASCII);
        if (!cipher.knows(keyId)) {
            // Sealed with a data key rotated in elsewhere: not skipped (it would be lost), polled again.
            throw new IllegalStateException("a part of the intake topic is sealed with data key " + keyId
                    + ", which this instance does not hold: give it the key directory the other instances use");
        }
        try {
            return topic.open(message.getBody(byte[].class), keyId);
        } catch (IntakeTopic.NotSealedByAHub e) {
            // Not sealed with a hub's data key: not a part any hub wrote. Nothing of it is taken in.
            log.warn(
                    "intake topic {} partition {} offset {}: not a part sealed by a hub ({}), skipped",
                    topicName,
                    partition,
                    offset,
                    e.getMessage());
            return null;
        }
    }

    private PartOutcome takeIn(Part part, String topicName, int partition, long offset) {
        try {
            return transaction.execute(status -> {
                if (!store.takeIntakeMessage(topicName, partition, offset, exchange.instanceId(), clock.instant())
                        || store.batch(part.batchId()).isPresent()) {
                    // Taken before: at this offset, or the same part written to the topic again.
                    return PartOutcome.REPEAT;
                }
                intake.ingestQueued(part);
                return PartOutcome.TAKEN;
            });
        } catch (ApiException refusal) {
            return transaction.execute(status -> {
                if (!store.takeIntakeMessage(topicName, partition, offset, exchange.instanceId(), clock.instant())
                        || store.batch(part.batchId()).isPresent()) {
                    return PartOutcome.REPEAT;
                }
                quarantineRefused(part, refusal);
                return PartOutcome.REFUSED;
            });
        }
    }

    /** Parts of the intake topic this instance was given, by outcome ({@code tongban_intake_topic_parts_total}). */
    io.micrometer.core.instrument.Counter parts(PartOutcome outcome) {
        return io.micrometer.core.instrument.Counter.builder("tongban.intake.topic.parts")
                .description("Parts of pushed batches this instance was given from the intake topic")
                .tag("outcome", outcome.name())
                .register(meters);
    }

    private String supplierOf(Part part) {
        try {
            return supplyList.get(part.resourceCode()).providerUscc();
        } catch (ApiException gone) {
            return part.actor().participantUscc();
        }
    }

    /** Held, each record, with the refusal as its reason; the supplier sees them in its quarantine. */
    private void quarantineRefused(Part part, ApiException refusal) {
        String supplier = supplierOf(part);
        if (supplier == null) {
            // Nobody to hold the records for (a platform administrator's push to a resource since
            // removed): not skipped — the part stays in its lane, polled again, until an operator acts.
            throw new IllegalStateException(
                    "batch " + part.batchId() + " is refused now and has no supplier to be held in quarantine for");
        }
        List<FieldProblem> reasons = refusal.problems().isEmpty()
                ? List.of(new FieldProblem("resource", "refused", refusal.getMessage()))
                : refusal.problems();
        Instant now = clock.instant();
        List<QuarantineRow> held = new ArrayList<>(part.records().size());
        List<byte[]> bodies = new ArrayList<>(part.records().size());
        for (IntakeService.IncomingRecord record : part.records()) {
            byte[] body = json.writeValueAsBytes(record.record() == null ? json.nullNode() : record.record());
            bodies.add(body);
            held.add(new QuarantineRow(
                    UUID.randomUUID(),
                    part.batchId(),
                    part.resourceCode(),
                    supplier,
                    RecordLimits.storable(record.sourceRecordId()),
                    json.writeValueAsString(reasons),
                    cipher.encrypt(body),
                    cipher.keyId(),
                    "HELD",
                    now));
        }
        store.insertQuarantine(held);
        List<ExchangeEvents.Received> received = new ArrayList<>(held.size());
        for (int i = 0; i < held.size(); i++) {
            received.add(new ExchangeEvents.Received(
                    held.get(i).sourceRecordId(),
                    null,
                    java.util.HexFormat.of().formatHex(cn.tongban.signing.Sm3.digest(bodies.get(i))),
                    false,
                    reasons.stream().map(r -> r.field() + ":" + r.rule()).toList()));
        }
        events.publishEvent(new ExchangeEvents.RecordsReceived(
                part.batchId(),
                part.resourceCode(),
                supplier,
                part.channel(),
                part.actor().name(),
                received,
                now));
        store.insertBatch(new ExchangeStore.BatchRow(
                part.batchId(),
                part.resourceCode(),
                supplier,
                part.channel(),
                part.mode().name(),
                now,
                held.size(),
                0,
                held.size(),
                0,
                null,
                null,
                null,
                null,
                null));
        log.warn(
                "batch {} refused when taken in from the intake topic ({}): {} records held in quarantine",
                part.batchId(),
                reasons.get(0).rule(),
                held.size());
    }
}
