package cn.tongban.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.signing.Sm3;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event hash is SM3 of the documented canonical bytes, and every field is in it. */
class LedgerEventTest {

    static final LedgerEntry ENTRY = new LedgerEntry(
            Instant.parse("2026-11-29T06:00:00.123456789Z"),
            "DELIVERED",
            "system:dispatcher",
            "11430100445509870F",
            "JY-XL-0001",
            UUID.fromString("6f1d3c1e-0a5b-4c1e-9d7f-2b0c8e5a4d31"),
            "学历公证核验",
            "GZ-XLGZ-0001",
            "DELIVERED",
            "S-1",
            "k",
            "a".repeat(64),
            "b".repeat(64),
            "{\"endpoint\":\"WEBHOOK\"}");

    @Test
    void theHashIsSm3OfTheCanonicalBytesWithTimesToTheMicrosecond() {
        LedgerEvent event = LedgerEvent.chain(7, ENTRY, new byte[32]);
        assertThat(event.hash()).isEqualTo(Sm3.digest(LedgerEvent.canonicalBytes(7, event.entry(), new byte[32])));
        assertThat(event.intact()).isTrue();
        assertThat(LedgerEvent.instant(event.entry().at())).isEqualTo("2026-11-29T06:00:00.123456Z");
        assertThat(LedgerEvent.instant(Instant.parse("2026-11-01T00:00:00Z"))).isEqualTo("2026-11-01T00:00:00.000000Z");
    }

    @Test
    void changingAnyFieldOrTheLinkChangesTheHash() {
        LedgerEvent event = LedgerEvent.chain(7, ENTRY, new byte[32]);
        LedgerEntry changed = new LedgerEntry(
                ENTRY.at(),
                ENTRY.type(),
                ENTRY.actor(),
                ENTRY.participantUscc(),
                ENTRY.resourceCode(),
                ENTRY.agreementId(),
                ENTRY.purpose(),
                ENTRY.serviceItemCode(),
                "REFUSED",
                ENTRY.sourceRecordId(),
                ENTRY.deliveryKey(),
                ENTRY.personRef(),
                ENTRY.payloadDigest(),
                ENTRY.details());
        assertThat(LedgerEvent.chain(7, changed, new byte[32]).hash()).isNotEqualTo(event.hash());
        byte[] otherLink = new byte[32];
        otherLink[31] = 1;
        assertThat(LedgerEvent.chain(7, ENTRY, otherLink).hash()).isNotEqualTo(event.hash());
        assertThat(LedgerEvent.chain(8, ENTRY, new byte[32]).hash()).isNotEqualTo(event.hash());
    }
}
