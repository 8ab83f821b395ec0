package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import cn.tongban.fuzz.Hostile;
import cn.tongban.schema.WireFormat;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The intake channels' own parsers over seeded hostile input (#13): never an exception, never a hang. */
class IntakeParsersFuzzTest {

    private static final List<Schema> SCHEMAS = Hostile.shippedSchemas();

    static Stream<Long> seeds() {
        return IntStream.range(0, 40).mapToObj(i -> 0x13L * 1_000 + i);
    }

    /**
     * Random Avro bodies, some claiming huge lengths and counts, under every shipped schema: a
     * record, or a record held with the reason it cannot be read — the Kafka poll never fails (#13).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void kafkaBodiesAreReadOrHeldWithAReason(long seed) {
        Random random = new Random(seed);
        Schema schema = SCHEMAS.get(random.nextInt(SCHEMAS.size()));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 40; i++) {
                byte[] body = new byte[random.nextInt(200)];
                random.nextBytes(body);
                if (random.nextBoolean() && body.length > 5) {
                    // A varint claiming about 2^31, as an attacker would write a length or a count.
                    System.arraycopy(
                            new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, 0, body, 0, 5);
                }
                IntakeService.IncomingRecord read =
                        KafkaIntake.read("k-" + i, WireFormat.frame(1, body), schema, schema);
                assertThat(read.record() != null || !read.channelProblems().isEmpty())
                        .isTrue();
            }
        });
    }

    /** Lines of random length: each at most the limit, the overlong ones marked, as many as there are. */
    @ParameterizedTest
    @MethodSource("seeds")
    void boundedLinesNeverHoldMoreThanTheLimit(long seed) throws Exception {
        Random random = new Random(seed);
        int max = 1 + random.nextInt(200);
        List<Integer> lengths = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0, n = random.nextInt(30); i < n; i++) {
            int length = random.nextInt(3 * max);
            lengths.add(length);
            text.append("a".repeat(length)).append(random.nextBoolean() ? "\n" : "\r\n");
        }
        BoundedLines lines = new BoundedLines(new StringReader(text.toString()), max);
        for (int expected : lengths) {
            BoundedLines.Line line = lines.next();
            assertThat(line.length()).isEqualTo(expected);
            assertThat(line.over()).isEqualTo(expected > max);
            assertThat(line.text().length()).isLessThanOrEqualTo(max);
        }
        assertThat(lines.next()).isNull();
    }

    /** A CSV cell of any text under any field's type: JSON the intake reads, never an exception. */
    @ParameterizedTest
    @MethodSource("seeds")
    void csvCellsBecomeJsonWhateverTheirText(long seed) {
        Random random = new Random(seed);
        Schema schema = SCHEMAS.get(random.nextInt(SCHEMAS.size()));
        for (Schema.Field field : schema.getFields()) {
            String text = Hostile.pick(
                    random,
                    List.of(Hostile.pathValue(random), "9".repeat(400), "1e999", "-", " 12 ", "\u0000", "NaN", ""));
            assertThat(FileDropIntake.cell(field.schema(), text)).isNotNull();
        }
    }
}
