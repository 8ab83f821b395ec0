package cn.tongban.ledger;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * 账本事件: an entry in its place in the chain. Its hash is SM3 over its canonical bytes, which
 * end with the previous event's hash; change any field, or the order, and every later link breaks.
 * The canonical form (ADR 0008, {@link #canonicalBytes}) is what outside verifiers recompute.
 */
public record LedgerEvent(long seq, LedgerEntry entry, byte[] prevHash, byte[] hash) {

    public static final String DOMAIN = "tongban-ledger-event-v1";

    /** Chains an entry after {@code prevHash}; times are kept to the microsecond, as PostgreSQL stores them. */
    public static LedgerEvent chain(long seq, LedgerEntry entry, byte[] prevHash) {
        LedgerEntry stored = new LedgerEntry(
                entry.at().truncatedTo(ChronoUnit.MICROS),
                entry.type(),
                entry.actor(),
                entry.participantUscc(),
                entry.resourceCode(),
                entry.agreementId(),
                entry.purpose(),
                entry.serviceItemCode(),
                entry.outcome(),
                entry.sourceRecordId(),
                entry.deliveryKey(),
                entry.personRef(),
                entry.payloadDigest(),
                entry.details(),
                entry.leaves());
        return new LedgerEvent(seq, stored, prevHash, hashOf(seq, stored, prevHash));
    }

    /** The canonical bytes (what is hashed), spelled out; {@link #hash} feeds the same bytes to SM3 without copying. */
    public static byte[] canonicalBytes(long seq, LedgerEntry e, byte[] prevHash) {
        CanonicalBytes out = new CanonicalBytes().text(DOMAIN).number(seq);
        for (String field : fields(e)) {
            out.text(field);
        }
        return out.bytes(prevHash).toByteArray();
    }

    static byte[] hashOf(long seq, LedgerEntry e, byte[] prevHash) {
        return hash(seq, fields(e), prevHash);
    }

    /** The text fields in canonical order, after the sequence number. */
    static String[] fields(LedgerEntry e) {
        return new String[] {
            instant(e.at()),
            e.type(),
            e.actor(),
            e.participantUscc(),
            e.resourceCode(),
            e.agreementId() == null ? null : e.agreementId().toString(),
            e.purpose(),
            e.serviceItemCode(),
            e.outcome(),
            e.sourceRecordId(),
            e.deliveryKey(),
            e.personRef(),
            e.payloadDigest(),
            e.details()
        };
    }

    /** SM3 of the canonical bytes of an event given as text fields (the append path). */
    static byte[] hash(long seq, String[] fields, byte[] prevHash) {
        byte[][] encoded = new byte[fields.length][];
        for (int i = 0; i < fields.length; i++) {
            encoded[i] = fields[i] == null ? EMPTY : fields[i].getBytes(StandardCharsets.UTF_8);
        }
        return hashEncoded(seq, encoded, prevHash);
    }

    /** SM3 of the canonical bytes of an event whose text fields are already UTF-8 (null: empty). */
    static byte[] hashEncoded(long seq, byte[][] fields, byte[] prevHash) {
        int length = 4 + DOMAIN_BYTES.length + 8 + 4 * fields.length + 4 + prevHash.length;
        for (byte[] field : fields) {
            length += field == null ? 0 : field.length;
        }
        Layout layout = new Layout(new Sm3.Reused(), length).start(seq);
        for (byte[] field : fields) {
            byte[] text = field == null ? EMPTY : field;
            layout.field(text, 0, text.length);
        }
        return layout.hash(prevHash);
    }

    /**
     * The one place the hashed layout is built: laid out in one buffer and hashed in one update,
     * which is a third faster than feeding SM3 field by field and length byte by length byte. Reusable
     * (buffer and digest kept), so the offline verifier hashes a million events without allocating
     * for each; not thread-safe.
     */
    static final class Layout {
        private final Sm3.Reused digest;
        private byte[] buffer;
        private int length;
        private int fields;

        Layout(Sm3.Reused digest) {
            this(digest, 1024);
        }

        Layout(Sm3.Reused digest, int capacity) {
            this.digest = digest;
            this.buffer = new byte[capacity];
        }

        Layout start(long seq) {
            length = 0;
            fields = 0;
            putInt(DOMAIN_BYTES.length);
            put(DOMAIN_BYTES, 0, DOMAIN_BYTES.length);
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (seq >>> shift);
            }
            return this;
        }

        /** The next text field, as UTF-8 (empty for a null field). */
        Layout field(byte[] text, int from, int count) {
            fields++;
            putInt(count);
            put(text, from, count);
            return this;
        }

        byte[] hash(byte[] prevHash) {
            if (fields != FIELD_COUNT) {
                throw new IllegalStateException("an event has " + FIELD_COUNT + " text fields, not " + fields);
            }
            putInt(prevHash.length);
            put(prevHash, 0, prevHash.length);
            return digest.digest(buffer, 0, length);
        }

        private void putInt(int value) {
            room(4);
            buffer[length++] = (byte) (value >>> 24);
            buffer[length++] = (byte) (value >>> 16);
            buffer[length++] = (byte) (value >>> 8);
            buffer[length++] = (byte) value;
        }

        private void put(byte[] bytes, int from, int count) {
            room(count);
            System.arraycopy(bytes, from, buffer, length, count);
            length += count;
        }

        private void room(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }

    /** The text fields after the sequence number ({@link #fields}). */
    static final int FIELD_COUNT = 14;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.UTF_8);

    private static final java.util.regex.Pattern LEAVES = java.util.regex.Pattern.compile("\"leaves\":(\\d+)[,}]");

    /**
     * How many deliveries the event names as leaves (ADR 0012), as its details say; 0 for an event
     * that names its one delivery, or none, in its own columns.
     */
    public int leafCount() {
        return leafCount(entry.details());
    }

    static int leafCount(String details) {
        if (details == null || !details.contains("\"leaves\":")) {
            return 0;
        }
        java.util.regex.Matcher m = LEAVES.matcher(details);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Whether these leaves are the ones the event names: as many as it says, their Merkle root its digest. */
    public boolean coversExactly(java.util.List<LedgerLeaf> leaves) {
        return leaves.size() == leafCount()
                && !leaves.isEmpty()
                && LedgerLeaf.root(leaves).equals(entry.payloadDigest());
    }

    /** Whether the stored hash is the hash of the stored content. */
    public boolean intact() {
        return Arrays.equals(hash, hashOf(seq, entry, prevHash));
    }

    /** ISO-8601 UTC with exactly six fraction digits, so the text never depends on trailing zeros. */
    public static String instant(Instant at) {
        Instant micros = at.truncatedTo(ChronoUnit.MICROS);
        String whole = micros.truncatedTo(ChronoUnit.SECONDS).toString();
        String fraction = Integer.toString(1_000_000 + micros.getNano() / 1000).substring(1);
        return whole.substring(0, whole.length() - 1) + "." + fraction + "Z";
    }
}
