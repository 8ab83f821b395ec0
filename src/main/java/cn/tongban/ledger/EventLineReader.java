package cn.tongban.ledger;

import cn.tongban.signing.Sm3;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an evidence bundle's event line in the layout {@link BundleWriter} writes (no whitespace,
 * keys in record order, absent or null when empty, string values) and recomputes its hash straight from the line's
 * UTF-8 bytes: text without escapes is already the canonical encoding, so nothing is decoded to a
 * String and encoded back. Written by hand because the offline verifier reads a million lines
 * and a JSON library spent a quarter of its time here; any line laid out otherwise is left to the
 * JSON library ({@link BundleFormat.EventLine#parse}), so this reader only ever takes the fast way
 * through lines it fully understands.
 */
final class EventLineReader {

    /** The keys after {@code seq}, in the writer's order: 14 hashed text fields, then the two hashes. */
    private static final byte[][] KEYS = keys(
            "occurredAt",
            "type",
            "actor",
            "participantUscc",
            "resourceCode",
            "agreementId",
            "purpose",
            "serviceItemCode",
            "outcome",
            "sourceRecordId",
            "deliveryKey",
            "personRef",
            "payloadDigest",
            "details",
            "prevHash",
            "hash");

    private static final int TEXT_FIELDS = LedgerEvent.FIELD_COUNT;
    private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private final int[] starts = new int[KEYS.length];
    private final int[] ends = new int[KEYS.length];
    private final boolean[] escaped = new boolean[KEYS.length];
    private final LedgerEvent.Layout layout = new LedgerEvent.Layout(new Sm3.Reused());

    /** A reader keeps its scratch space between lines; one per thread. */
    EventLineReader() {}

    /** A line read: its sequence number, stated links, the hash recomputed from its content, where the next line starts. */
    record Read(long seq, byte[] prevHash, byte[] hash, byte[] recomputed, int next, boolean namesLeaves) {}

    /** How details that name leaves (ADR 0012) read inside the line's JSON string. */
    private static final byte[] LEAVES = "\\\"leaves\\\":".getBytes(StandardCharsets.US_ASCII);

    private static final int DETAILS = TEXT_FIELDS - 1;

    /**
     * The line starting at {@code from}, which must end with a newline before {@code limit}; null if it is not
     * in the writer's layout. Strings cannot hold a raw newline, so the line ends right after its closing brace
     * and no separate pass looks for line ends.
     */
    Read read(byte[] line, int from, int limit) {
        int p = expect(line, from, limit, SEQ);
        if (p < 0 || p >= limit || line[p] < '1' || line[p] > '9') {
            return null;
        }
        long seq = 0;
        while (p < limit && line[p] >= '0' && line[p] <= '9') {
            if (seq > (Long.MAX_VALUE - 9) / 10) {
                return null;
            }
            seq = seq * 10 + (line[p++] - '0');
        }
        Arrays.fill(starts, -1); // absent or null (the hub writes without nulls)
        Arrays.fill(escaped, false);
        int next = 0;
        while (p < limit && line[p] != '}') {
            if (p + 2 > limit || line[p++] != ',' || line[p++] != '"') {
                return null;
            }
            int name = p;
            while (p < limit && line[p] != '"' && line[p] != '\\') {
                p++;
            }
            if (p + 2 > limit || line[p++] != '"' || line[p++] != ':') {
                return null;
            }
            int k = next;
            while (k < KEYS.length && !named(line, name, p - 2, KEYS[k])) {
                k++;
            }
            if (k == KEYS.length) {
                return null; // unknown, repeated or out of order: the JSON path decides
            }
            next = k + 1;
            if (p + 4 <= limit && line[p] == 'n' && line[p + 1] == 'u' && line[p + 2] == 'l' && line[p + 3] == 'l') {
                p += 4;
                continue;
            }
            if (p >= limit || line[p++] != '"') {
                return null;
            }
            starts[k] = p;
            while (p < limit && line[p] != '"') {
                if (line[p] == '\\') {
                    escaped[k] = true;
                    p++;
                } else if ((line[p] & 0xff) < 0x20) {
                    return null; // not JSON: let the JSON library say so
                }
                p++;
            }
            if (p >= limit) {
                return null;
            }
            ends[k] = p++;
        }
        if (p + 1 >= limit || line[p] != '}' || line[p + 1] != '\n' || starts[0] < 0) {
            return null; // a line without its time is refused by the JSON path, with its reason
        }
        byte[] prevHash = hex(line, starts[TEXT_FIELDS], ends[TEXT_FIELDS]);
        byte[] hash = hex(line, starts[TEXT_FIELDS + 1], ends[TEXT_FIELDS + 1]);
        if (prevHash == null || hash == null) {
            return null;
        }

        // Text without escapes is already its canonical UTF-8; escaped text is resolved as JSON does.
        layout.start(seq);
        for (int k = 0; k < TEXT_FIELDS; k++) {
            if (starts[k] < 0) {
                layout.field(line, 0, 0);
            } else if (escaped[k]) {
                byte[] text = unescape(line, starts[k], ends[k]);
                if (text == null) {
                    return null;
                }
                layout.field(text, 0, text.length);
            } else {
                layout.field(line, starts[k], ends[k] - starts[k]);
            }
        }
        return new Read(
                seq,
                prevHash,
                hash,
                layout.hash(prevHash),
                p + 2,
                escaped[DETAILS] && contains(line, starts[DETAILS], ends[DETAILS], LEAVES));
    }

    private static boolean contains(byte[] line, int from, int to, byte[] text) {
        for (int i = from; i <= to - text.length; i++) {
            if (line[i] == text[0] && Arrays.equals(line, i, i + text.length, text, 0, text.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean named(byte[] line, int from, int to, byte[] key) {
        if (to - from != key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (line[from + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static int expect(byte[] line, int p, int to, byte[] text) {
        if (p + text.length > to) {
            return -1;
        }
        for (byte b : text) {
            if (line[p++] != b) {
                return -1;
            }
        }
        return p;
    }

    /** A JSON string's escapes resolved, as UTF-8; null for an escape JSON does not have. */
    private static byte[] unescape(byte[] line, int from, int to) {
        String raw = new String(line, from, to - from, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                text.append(c);
                continue;
            }
            if (++i >= raw.length()) {
                return null;
            }
            switch (raw.charAt(i)) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case '/' -> text.append('/');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    if (i + 4 >= raw.length()) {
                        return null;
                    }
                    int code = 0;
                    for (int d = 1; d <= 4; d++) {
                        int digit = Character.digit(raw.charAt(i + d), 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    text.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** 64 lower- or upper-case hex digits to 32 bytes; null otherwise. */
    private static byte[] hex(byte[] line, int from, int to) {
        if (from < 0 || to - from != 64) {
            return null;
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int high = Character.digit(line[from + 2 * i], 16);
            int low = Character.digit(line[from + 2 * i + 1], 16);
            if (high < 0 || low < 0) {
                return null;
            }
            out[i] = (byte) (high << 4 | low);
        }
        return out;
    }

    private static byte[][] keys(String... names) {
        byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }
}
