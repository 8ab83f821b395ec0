package cn.tongban.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written event-line reader agrees with the JSON library on every line the hub writes —
 * with or without nulls, with escapes, Chinese and control characters — and hands anything else
 * back to it.
 */
class EventLineReaderTest {

    static final JsonMapper WITH_NULLS = JsonMapper.builder().build();
    static final JsonMapper WITHOUT_NULLS = JsonMapper.builder()
            .changeDefaultPropertyInclusion(
                    incl -> incl.withValueInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
            .build();
    static final String[] PIECES = {
        "学历公证核验",
        "a",
        "\"",
        "\\",
        "/",
        "\n",
        "\t",
        "\u0001",
        "\u2028",
        "😀",
        "{\"endpoint\":\"WEBHOOK\"}",
        "{\"batch\":\"b\",\"leaves\":3}",
        " ",
        "é"
    };

    @Test
    void agreesWithTheJsonLibraryOnWhatTheHubWrites() {
        Random random = new Random(20261129);
        EventLineReader reader = new EventLineReader();
        byte[] prev = new byte[32];
        for (int i = 0; i < 2_000; i++) {
            LedgerEvent event = LedgerEvent.chain(1 + random.nextInt(1_000_000), entry(random), prev);
            prev = event.hash();
            for (JsonMapper json : new JsonMapper[] {WITH_NULLS, WITHOUT_NULLS}) {
                byte[] line = (json.writeValueAsString(BundleFormat.EventLine.of(event)) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                EventLineReader.Read read = reader.read(line, 0, line.length);
                assertThat(read).as(new String(line, StandardCharsets.UTF_8)).isNotNull();
                assertThat(read.next()).isEqualTo(line.length);
                BundleFormat.EventLine parsed = BundleFormat.EventLine.parse(WITH_NULLS, line, 0, line.length - 1);
                assertThat(read.seq()).isEqualTo(parsed.seq()).isEqualTo(event.seq());
                assertThat(read.prevHash()).isEqualTo(HexFormat.of().parseHex(parsed.prevHash()));
                assertThat(read.hash()).isEqualTo(event.hash());
                assertThat(read.recomputed())
                        .as("recomputed from the line: %s", new String(line, StandardCharsets.UTF_8))
                        .isEqualTo(parsed.recomputedHash())
                        .isEqualTo(event.hash());
                // The verifier reads an event that names leaves in full; the reader must not miss one.
                String details = event.entry().details();
                assertThat(read.namesLeaves()).isEqualTo(details != null && details.contains("\"leaves\":"));
                if (event.leafCount() > 0) {
                    assertThat(read.namesLeaves()).isTrue();
                }
            }
        }
    }

    @Test
    void aChangedCharacterChangesTheRecomputedHash() {
        LedgerEvent event = LedgerEvent.chain(5, entry(new Random(1)), new byte[32]);
        String text = WITHOUT_NULLS.writeValueAsString(BundleFormat.EventLine.of(event));
        byte[] line = (text.replace("\"type\":\"", "\"type\":\"X") + "\n").getBytes(StandardCharsets.UTF_8);
        EventLineReader.Read read = new EventLineReader().read(line, 0, line.length);
        assertThat(read).isNotNull();
        assertThat(read.recomputed()).isNotEqualTo(read.hash());
    }

    @Test
    void anyOtherLayoutIsLeftToTheJsonLibrary() {
        LedgerEvent event = LedgerEvent.chain(5, entry(new Random(2)), new byte[32]);
        String text = WITH_NULLS.writeValueAsString(BundleFormat.EventLine.of(event));
        EventLineReader reader = new EventLineReader();
        byte[] noNewline = text.getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read(noNewline, 0, noNewline.length)).as("no newline").isNull();
        for (String other : new String[] {
            text.replace(",\"type\":", ", \"type\":"), // whitespace
            text.replace("{\"seq\":5,", "{\"seq\":5,\"colour\":\"red\","), // an unknown key
            text.replace("{\"seq\":5,", "{\"seq\":5,\"hash\":\"" + "0".repeat(64) + "\","), // out of order
            text.replace("{\"seq\":5", "{\"seq\":05"),
            text.substring(0, text.length() - 1), // cut off
            text + " ", // not at the line's end
            text.replace("\"hash\":\"", "\"hash\":\"zz").replaceFirst("zz..", "zz") // not hex
        }) {
            byte[] line = (other + "\n").getBytes(StandardCharsets.UTF_8);
            assertThat(reader.read(line, 0, line.length)).as(other).isNull();
        }
    }

    private static LedgerEntry entry(Random random) {
        return new LedgerEntry(
                Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000_000)),
                text(random, false),
                text(random, false),
                text(random, true),
                text(random, true),
                random.nextBoolean() ? UUID.randomUUID() : null,
                text(random, true),
                text(random, true),
                text(random, false),
                text(random, true),
                text(random, true),
                random.nextBoolean() ? "a".repeat(64) : null,
                text(random, true),
                text(random, true));
    }

    private static String text(Random random, boolean nullable) {
        if (nullable && random.nextInt(4) == 0) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(6) + (nullable ? 0 : 1);
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }
}
