package cn.tongban.exchange;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.history.ChangeLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * 接入通道: keeps one running Camel route per supplier Kafka topic and per file-drop directory
 * registered in the catalog, created from the YAML templates {@code kafka-intake} and
 * {@code file-drop-intake}, ids {@code intake-kafka-<endpoint id>} and {@code intake-file-<endpoint id>}.
 * It follows the catalog's change events, and compares the catalog with the running routes on a
 * slow pass too (changes made through another hub instance).
 */
@Component("intakeChannels")
public class IntakeChannels {

    private static final Logger log = LoggerFactory.getLogger(IntakeChannels.class);
    static final String KAFKA_PREFIX = "intake-kafka-";
    static final String FILE_PREFIX = "intake-file-";

    private final CamelContext camel;
    private final ParticipantRegistry participants;
    private final ExchangeProperties properties;
    private final RouteControls controls;
    private final Set<String> refused = new HashSet<>();

    @TransactionalEventListener(fallbackExecution = true)
    void catalogChanged(ChangeLog.ChangeRecorded change) throws Exception {
        if (change.entityType().equals("endpoint")) {
            sync();
        }
    }

    IntakeChannels(
            CamelContext camel,
            ParticipantRegistry participants,
            ExchangeProperties properties,
            RouteControls controls) {
        this.camel = camel;
        this.controls = controls;
        this.participants = participants;
        this.properties = properties;
    }

    /** Starts the routes of new endpoints and removes those of endpoints that are gone. */
    public synchronized void sync() throws Exception {
        Map<String, Map<String, Object>> wanted = new LinkedHashMap<>();
        boolean brokers = !properties.kafkaBootstrapServers().isBlank();
        for (Endpoint endpoint : participants.endpoints(EndpointKind.Direction.SUPPLY, EndpointKind.KAFKA_TOPIC)) {
            if (!brokers) {
                refuseOnce(endpoint, "no Kafka brokers are configured (tongban.exchange.kafka-bootstrap-servers)");
                continue;
            }
            wanted.put(
                    KAFKA_PREFIX + endpoint.id(),
                    Map.of(
                            "topic", endpoint.address(),
                            "brokers", properties.kafkaBootstrapServers(),
                            "supplier", endpoint.participantUscc(),
                            "resource", endpoint.resourceCode()));
        }
        Path root = properties.fileDropRoot().toAbsolutePath().normalize();
        for (Endpoint endpoint : participants.endpoints(EndpointKind.Direction.SUPPLY, EndpointKind.FILE_DROP)) {
            Path directory = Path.of(endpoint.address()).normalize();
            // A department chooses the directory; the hub only ever moves files below its drop root.
            if (!directory.startsWith(root)) {
                refuseOnce(endpoint, "the directory is outside the hub's file-drop root " + root);
                continue;
            }
            Files.createDirectories(directory);
            wanted.put(
                    FILE_PREFIX + endpoint.id(),
                    Map.of(
                            "directory", directory.toString(),
                            "supplier", endpoint.participantUscc(),
                            "resource", endpoint.resourceCode()));
        }
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if ((id.startsWith(KAFKA_PREFIX) || id.startsWith(FILE_PREFIX)) && !wanted.containsKey(id)) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
                log.info("intake route {} removed: its endpoint left the catalog", id);
            }
        }
        for (Map.Entry<String, Map<String, Object>> entry : wanted.entrySet()) {
            if (camel.getRoute(entry.getKey()) == null) {
                String template = entry.getKey().startsWith(KAFKA_PREFIX) ? "kafka-intake" : "file-drop-intake";
                camel.addRouteFromTemplate(entry.getKey(), template, entry.getValue());
                controls.applyTo(entry.getKey());
                log.info("intake route {} started", entry.getKey());
            }
        }
    }

    private void refuseOnce(Endpoint endpoint, String why) {
        if (refused.add(endpoint.id() + why)) {
            log.warn("supply endpoint {} ({}) is not watched: {}", endpoint.id(), endpoint.kind(), why);
        }
    }
}
