package cn.tongban.ledger;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * 账本事件: an entry in its place in the chain. Its hash is SM3 over its canonical bytes, which
 * end with the previous event's hash; change any field, or the order, and every later link breaks.
 * The canonical form (docs/ledger.md) is what outside verifiers recompute.
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
                entry.details());
        return new LedgerEvent(seq, stored, prevHash, Sm3.digest(canonicalBytes(seq, stored, prevHash)));
    }

    public static byte[] canonicalBytes(long seq, LedgerEntry e, byte[] prevHash) {
        return new CanonicalBytes()
                .text(DOMAIN)
                .number(seq)
                .text(instant(e.at()))
                .text(e.type())
                .text(e.actor())
                .text(e.participantUscc())
                .text(e.resourceCode())
                .text(e.agreementId() == null ? null : e.agreementId().toString())
                .text(e.purpose())
                .text(e.serviceItemCode())
                .text(e.outcome())
                .text(e.sourceRecordId())
                .text(e.deliveryKey())
                .text(e.personRef())
                .text(e.payloadDigest())
                .text(e.details())
                .bytes(prevHash)
                .toByteArray();
    }

    /** Whether the stored hash is the hash of the stored content. */
    public boolean intact() {
        return Arrays.equals(hash, Sm3.digest(canonicalBytes(seq, entry, prevHash)));
    }

    /** ISO-8601 UTC with exactly six fraction digits, so the text never depends on trailing zeros. */
    public static String instant(Instant at) {
        Instant micros = at.truncatedTo(ChronoUnit.MICROS);
        String whole = micros.truncatedTo(ChronoUnit.SECONDS).toString();
        return whole.substring(0, whole.length() - 1) + String.format(".%06dZ", micros.getNano() / 1000);
    }
}
