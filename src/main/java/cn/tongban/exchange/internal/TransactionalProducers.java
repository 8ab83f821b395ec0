package cn.tongban.exchange.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka producers that write a set of messages whole or not at all, one Kafka transaction each.
 *
 * <p>Written by hand rather than with Camel's Kafka producer: a Camel endpoint shares one producer
 * between every exchange sent through it, and a Kafka transaction belongs to one producer used by
 * one thread at a time, so concurrent pushes would interleave their transactions. Here each
 * concurrent write borrows its own producer, with its own transactional id ({@code <prefix>-n}:
 * an instance restarted under the same id fences off what its predecessor left open).
 */
public final class TransactionalProducers implements AutoCloseable {

    private final Map<String, Object> settings;
    private final String idPrefix;
    private final BlockingQueue<Slot> idle;
    private final Duration timeout;
    private volatile boolean closed;

    /** One producer's place in the pool; the producer is made on first use (the brokers may be down at start). */
    private final class Slot {
        final String transactionalId;
        KafkaProducer<String, byte[]> producer;

        Slot(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        KafkaProducer<String, byte[]> producer() {
            if (producer == null) {
                Map<String, Object> config = new java.util.HashMap<>(settings);
                config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
                KafkaProducer<String, byte[]> made =
                        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                try {
                    made.initTransactions();
                } catch (KafkaException e) {
                    made.close(Duration.ofSeconds(2));
                    throw e;
                }
                producer = made;
            }
            return producer;
        }

        void discard() {
            if (producer != null) {
                try {
                    producer.close(Duration.ofSeconds(2));
                } catch (RuntimeException ignored) {
                    // It is being given up on either way.
                }
                producer = null;
            }
        }
    }

    /**
     * @param maxMessageBytes the largest message the producers may write (the topic must allow it)
     */
    public TransactionalProducers(
            String bootstrapServers, String idPrefix, int size, Duration timeout, int maxMessageBytes) {
        this.idPrefix = idPrefix;
        this.timeout = timeout;
        Map<String, Object> config = new java.util.HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1_000));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 1_000));
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // What is written is SM4-GCM ciphertext, which does not compress: no CPU spent trying.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * maxMessageBytes));
        // A transaction a lost producer leaves open holds back read-committed consumers until it times out.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, 3 * timeout.toMillis()));
        this.settings = Map.copyOf(config);
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(new Slot(idPrefix + "-" + i));
        }
    }

    /** Every message written and committed, or none visible to a read-committed consumer; throws otherwise. */
    public void writeAll(List<ProducerRecord<String, byte[]>> messages) {
        Slot slot = borrow();
        try {
            KafkaProducer<String, byte[]> producer = slot.producer();
            producer.beginTransaction();
            try {
                List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
                for (ProducerRecord<String, byte[]> message : messages) {
                    sent.add(producer.send(message));
                }
                for (Future<RecordMetadata> each : sent) {
                    each.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
                commit(producer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abortOrDiscard(slot);
                throw new KafkaException("interrupted while writing to Kafka", e);
            } catch (ExecutionException | TimeoutException | KafkaException | IllegalStateException e) {
                abortOrDiscard(slot);
                throw e instanceof KafkaException ke ? ke : new KafkaException("the write to Kafka failed", e);
            }
        } finally {
            giveBack(slot);
        }
    }

    /** A commit that timed out may still complete: Kafka lets it be asked again, which says how it ended. */
    private static void commit(KafkaProducer<String, byte[]> producer) {
        try {
            producer.commitTransaction();
        } catch (org.apache.kafka.common.errors.TimeoutException timedOut) {
            producer.commitTransaction();
        }
    }

    /**
     * An abortable failure is aborted and the producer kept; a fatal one (fenced by a newer
     * producer of the same id, a broken sequence, refused) closes it — with time for the close to
     * end cleanly — and the next write makes a new one, whose initialisation aborts what was left.
     */
    private static void abortOrDiscard(Slot slot) {
        try {
            slot.producer.abortTransaction();
        } catch (RuntimeException fatal) {
            slot.discard();
        }
    }

    /**
     * Makes every producer now, each initialising its transactions: an instance restarted under the
     * same id fences off at once what its predecessor left open, rather than at its first push.
     * Returns how many are ready (the brokers may be away; the rest are made on first use).
     */
    public int prepare() {
        List<Slot> all = new ArrayList<>();
        idle.drainTo(all);
        int ready = 0;
        boolean reachable = true;
        for (Slot slot : all) {
            try {
                if (reachable) {
                    slot.producer();
                    ready++;
                }
            } catch (KafkaException e) {
                reachable = false; // the brokers are away: the others are made on first use, not waited for now
            } finally {
                giveBack(slot);
            }
        }
        return ready;
    }

    /** How many partitions the topic has, as the brokers say (the producer's metadata). */
    public int partitionCount(String topic) {
        Slot slot = borrow();
        try {
            return slot.producer().partitionsFor(topic).size();
        } finally {
            giveBack(slot);
        }
    }

    private void giveBack(Slot slot) {
        if (closed) {
            slot.discard();
        }
        idle.add(slot);
    }

    private Slot borrow() {
        if (closed) {
            throw new KafkaException("the intake topic's producers are closed");
        }
        try {
            Slot slot = idle.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (slot == null) {
                throw new KafkaException("every Kafka producer of " + idPrefix + " is busy");
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for a Kafka producer", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        List<Slot> all = new ArrayList<>();
        idle.drainTo(all);
        all.forEach(Slot::discard);
    }
}
