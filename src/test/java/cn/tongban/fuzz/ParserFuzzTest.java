package cn.tongban.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import cn.tongban.exchange.Envelope;
import cn.tongban.exchange.EnvelopeVerifier;
import cn.tongban.exchange.JsonRecords;
import cn.tongban.schema.WireFormat;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hub's parsers over hostile input from seeded generators (#13): each either reads the input
 * or refuses it in the one way its caller handles — never another exception, never a hang.
 */
class ParserFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration QUICKLY = Duration.ofSeconds(5);
    private static final List<Schema> SCHEMAS = Hostile.shippedSchemas();

    static Stream<Long> seeds() {
        return IntStream.range(0, 60).mapToObj(i -> 0x7B13L * 31 + i);
    }

    /** Random frames: an id, or the Kafka SerializationException the intake turns into a quarantine reason. */
    @ParameterizedTest
    @MethodSource("seeds")
    void wireFormatReadsAnIdOrRefuses(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length > 0) {
                bytes[0] = WireFormat.MAGIC;
            }
            Throwable thrown = catchThrowable(() -> WireFormat.schemaId(bytes));
            boolean framed = bytes.length >= WireFormat.HEADER_LENGTH && bytes[0] == WireFormat.MAGIC;
            if (framed) {
                assertThat(thrown).isNull();
            } else {
                assertThat(thrown).isInstanceOf(SerializationException.class);
            }
        }
    }

    /** Random JSON trees read as records: problems naming fields, never an exception. */
    @ParameterizedTest
    @MethodSource("seeds")
    void jsonRecordsReportProblemsNeverThrow(long seed) {
        Random random = new Random(seed);
        Schema schema = SCHEMAS.get(random.nextInt(SCHEMAS.size()));
        String valid = JSON.writeValueAsString(sample(schema));
        for (int i = 0; i < 20; i++) {
            byte[] bent = Hostile.json(valid, Hostile.mutation(random), random);
            JsonNode tree;
            try {
                tree = JSON.readTree(bent);
            } catch (JacksonException unreadable) {
                continue; // refused by the parser: the API answers 400 for it
            }
            JsonRecords.Read read = JsonRecords.read(schema, tree);
            assertThat(read.ok() || !read.problems().isEmpty()).isTrue();
            read.problems().forEach(p -> assertThat(p.field()).doesNotContain("\u0000"));
        }
    }

    /** Envelopes with random and bent members: a reason they do not verify, never an exception. */
    @ParameterizedTest
    @MethodSource("seeds")
    void envelopeVerifierNamesAProblemForAnyBentEnvelope(long seed) {
        Random random = new Random(seed);
        PublicKey key = KEY;
        assertTimeoutPreemptively(QUICKLY, () -> {
            for (int i = 0; i < 10; i++) {
                Envelope envelope = bentEnvelope(random);
                assertThat(EnvelopeVerifier.problem(envelope, key)).isNotNull();
            }
        });
    }

    private static final PublicKey KEY = cn.tongban.signing.Sm2Signer.generate().getPublic();

    private static Envelope bentEnvelope(Random random) {
        String schema = random.nextBoolean()
                ? SCHEMAS.get(random.nextInt(SCHEMAS.size())).toString()
                : "{\"type\":\"array\",\"items\":" + "{\"type\":\"array\",\"items\":".repeat(random.nextInt(50))
                        + "\"null\"";
        byte[] avro = new byte[random.nextInt(64)];
        random.nextBytes(avro);
        String base64 =
                random.nextInt(4) == 0 ? "%%not base64%%" : Base64.getEncoder().encodeToString(avro);
        Envelope.Batch batch = new Envelope.Batch(
                Hostile.pathValue(random),
                random.nextLong(),
                random.nextLong(),
                random.nextBoolean() ? "zz" : "00".repeat(32),
                random.nextBoolean() ? null : List.of("abc", "00".repeat(random.nextInt(40))),
                Hostile.pathValue(random));
        Envelope.Signature signature = new Envelope.Signature(
                Hostile.pick(random, java.util.Arrays.asList("RECORD", "BATCH", null, "")),
                "SM3withSM2",
                "1234567812345678",
                "k",
                random.nextBoolean() ? null : base64,
                random.nextBoolean() ? null : batch);
        return new Envelope(
                random.nextInt(4),
                Hostile.pathValue(random),
                Hostile.pathValue(random),
                Hostile.pathValue(random),
                Hostile.pathValue(random),
                null,
                Hostile.pathValue(random),
                Hostile.pathValue(random),
                random.nextBoolean() ? null : Hostile.pathValue(random),
                Hostile.pathValue(random),
                random.nextBoolean() ? cn.tongban.signing.Sm3.hex(schema) : Hostile.pathValue(random),
                schema,
                base64,
                random.nextBoolean() ? null : JSON.readTree("{\"a\":1}"),
                signature);
    }

    /** A record-shaped sample: every field a string, which the mutations then bend. */
    private static JsonNode sample(Schema schema) {
        var node = JSON.createObjectNode();
        schema.getFields().forEach(f -> node.put(f.name(), "v-" + f.name()));
        return node;
    }
}
