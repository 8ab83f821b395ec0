package cn.tongban.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile input: valid JSON bent out of shape in the ways that break
 * parsers and databases (truncation, wrong types, deep nesting, huge numbers, NUL, invalid UTF-8,
 * duplicate keys), and values that break path and query handling. The same seed, the same input.
 */
public final class Hostile {

    /** What each JSON mutation does, in the order {@link #json} draws them. */
    public enum Mutation {
        TRUNCATE,
        FLIP_BYTE,
        NUL_IN_STRING,
        RAW_NUL_BYTE,
        DEEP_NESTING,
        HUGE_NUMBER,
        HUGE_EXPONENT,
        INVALID_UTF8,
        LONE_SURROGATE,
        DUPLICATE_KEYS,
        WRONG_TYPE,
        EMPTY,
        NOT_AN_OBJECT,
        LONG_STRING
    }

    private Hostile() {}

    public static Mutation mutation(Random random) {
        return Mutation.values()[random.nextInt(Mutation.values().length)];
    }

    /** The valid JSON text bent by the mutation. */
    public static byte[] json(String valid, Mutation mutation, Random random) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        return switch (mutation) {
            case TRUNCATE -> java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            case FLIP_BYTE -> {
                byte[] flipped = bytes.clone();
                int at = random.nextInt(flipped.length);
                flipped[at] = (byte) (flipped[at] ^ (1 << random.nextInt(8)));
                yield flipped;
            }
            case NUL_IN_STRING -> utf8(insertIntoString(valid, "\\u0000", random));
            case RAW_NUL_BYTE -> utf8(insertIntoString(valid, "\u0000", random));
            case DEEP_NESTING -> utf8(replaceValue(valid, "[".repeat(5_000 + random.nextInt(5_000)), random));
            case HUGE_NUMBER -> utf8(replaceValue(valid, "9".repeat(500 + random.nextInt(5_000)), random));
            case HUGE_EXPONENT -> utf8(replaceValue(valid, "1e" + (100_000 + random.nextInt(1_000_000_000)), random));
            case INVALID_UTF8 -> {
                byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
                String marker = insertIntoString(valid, "\u0001", random);
                int at = marker.indexOf('\u0001');
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(utf8(marker.substring(0, at)));
                out.write(bad, 0, 1 + random.nextInt(bad.length));
                out.writeBytes(utf8(marker.substring(at + 1)));
                yield out.toByteArray();
            }
            case LONE_SURROGATE -> utf8(insertIntoString(valid, "\\ud800", random));
            case DUPLICATE_KEYS -> utf8(valid.replaceFirst("\\{\"", "{\"dup\":1,\"dup\":\"2\",\""));
            case WRONG_TYPE ->
                utf8(replaceValue(valid, pick(random, List.of("{}", "[]", "true", "-1", "1.5e300", "\"\"")), random));
            case EMPTY -> new byte[0];
            case NOT_AN_OBJECT -> utf8(pick(random, List.of("null", "[]", "42", "\"text\"", "[{}]")));
            case LONG_STRING ->
                utf8(replaceValue(valid, "\"" + "字".repeat(20_000 + random.nextInt(40_000)) + "\"", random));
        };
    }

    /** Path segments and query values that break routing, parsing and databases. */
    public static String pathValue(Random random) {
        return pick(
                random,
                List.of(
                        "not-a-uuid",
                        "00000000-0000-0000-0000-00000000000g",
                        "-1",
                        "0",
                        "99999999999999999999",
                        "2147483648",
                        "%2F..%2F..%2Fetc%2Fpasswd",
                        "a%2Fb",
                        "%252F",
                        "%00",
                        "%C3%28",
                        "%FF%FE",
                        "..",
                        "%E5%AD%97".repeat(200),
                        "x".repeat(2_000),
                        "%3Cscript%3E",
                        "'%20or%201=1--",
                        "1e309",
                        "NaN",
                        "%20"));
    }

    /** The Avro schemas the hub ships (schemas/), in a fixed order. */
    public static List<org.apache.avro.Schema> shippedSchemas() {
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("schemas"))) {
            return files.filter(p -> p.toString().endsWith(".avsc"))
                    .sorted()
                    .map(p -> {
                        try {
                            return new org.apache.avro.Schema.Parser().parse(java.nio.file.Files.readString(p));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Inserted just after the opening quote of a random string in the text (or at the end). */
    private static String insertIntoString(String json, String insert, Random random) {
        List<Integer> quotes = new java.util.ArrayList<>();
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == '"') {
                quotes.add(i);
            }
        }
        if (quotes.isEmpty()) {
            return json + insert;
        }
        int at = quotes.get(random.nextInt(quotes.size())) + 1;
        return json.substring(0, at) + insert + json.substring(at);
    }

    /** A random member's value (after a colon) replaced by the given text, the rest left as it was. */
    private static String replaceValue(String json, String value, Random random) {
        List<Integer> colons = new java.util.ArrayList<>();
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == ':') {
                colons.add(i);
            }
        }
        if (colons.isEmpty()) {
            return value;
        }
        int at = colons.get(random.nextInt(colons.size())) + 1;
        int end = at;
        if (end < json.length() && json.charAt(end) == '"') {
            end = json.indexOf('"', end + 1) + 1;
        } else {
            while (end < json.length() && ",}]".indexOf(json.charAt(end)) < 0) {
                end++;
            }
        }
        return json.substring(0, at) + value + json.substring(Math.max(end, at));
    }
}
