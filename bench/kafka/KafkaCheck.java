import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** bench/kafka.sh check: creates a topic, produces one message (acks=all) and reads it back. */
public class KafkaCheck {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = "bench-check-" + UUID.randomUUID().toString().substring(0, 8);
        String value = "通办 " + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            System.out.println("cluster " + admin.describeCluster().clusterId().get() + ", topic " + topic + " created");
        }
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap, "acks", "all",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
            var meta = producer.send(new ProducerRecord<>(topic, "k", value)).get();
            System.out.printf("produced to %s-%d at offset %d%n", meta.topic(), meta.partition(), meta.offset());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap, "group.id", "bench-check", "auto.offset.reset", "earliest",
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!r.value().equals(value)) {
                        throw new IllegalStateException("read back " + r.value() + ", sent " + value);
                    }
                    System.out.printf("consumed it back (offset %d) in %d ms: ok%n", r.offset(), (System.nanoTime() - t0) / 1_000_000);
                    return;
                }
            }
            throw new IllegalStateException("nothing consumed in 60 s");
        }
    }
}
