package cn.tongban.ledger;

import cn.tongban.signing.HubKeys;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bundles made without a database: a synthetic, valid ledger (invented events, sealed and signed
 * with the given keys), for the verifier's benchmark and tests. Nothing in it is a real person.
 */
public final class LedgerBundles {

    private LedgerBundles() {}

    public static void synthetic(OutputStream out, int count, int sealSize, HubKeys keys) throws Exception {
        synthetic(out, count, sealSize, keys, Integer.MAX_VALUE);
    }

    /** As above, with the hub's key rotated after the first {@code rotateAfterSeals} seals (ADR 0014). */
    public static void synthetic(OutputStream out, int count, int sealSize, HubKeys keys, int rotateAfterSeals)
            throws Exception {
        Random random = new Random(5);
        HexFormat hex = HexFormat.of();
        List<LedgerEvent> events = new ArrayList<>(count);
        byte[] prev = new byte[32];
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        String[] types = {"RECORD_RECEIVED", "DELIVERY_SIGNED", "DELIVERED", "DELIVERY_ACKNOWLEDGED"};
        UUID agreement = new UUID(random.nextLong(), random.nextLong());
        for (int i = 1; i <= count; i++) {
            byte[] person = new byte[32];
            random.nextBytes(person);
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            LedgerEvent event = LedgerEvent.chain(
                    i,
                    new LedgerEntry(
                            start.plusMillis(i),
                            types[i % types.length],
                            "system:intake",
                            "11430100445509870F",
                            "JY-XL-0001",
                            agreement,
                            "学历公证核验",
                            "GZ-XLGZ-0001",
                            "DELIVERED",
                            "S-" + i,
                            hex.formatHex(digest),
                            hex.formatHex(person),
                            hex.formatHex(digest),
                            "{\"endpoint\":\"WEBHOOK\"}"),
                    prev);
            events.add(event);
            prev = event.hash();
        }
        List<LedgerSeal> seals = new ArrayList<>();
        byte[] prevSeal = new byte[32];
        for (int from = 1, id = 1; from <= count; from += sealSize, id++) {
            int to = Math.min(count, from + sealSize - 1);
            LedgerSeal seal = LedgerSeal.sign(
                    id,
                    from,
                    to,
                    events.subList(from - 1, to).stream().map(LedgerEvent::hash).toList(),
                    prevSeal,
                    LedgerEvent.instant(start.plusMillis(to)),
                    keys);
            seals.add(seal);
            prevSeal = seal.sealHash();
            if (id == rotateAfterSeals) {
                keys.rotate();
            }
        }
        try (BundleWriter writer = new BundleWriter(
                out,
                JsonMapper.builder().build(),
                seq -> seals.get((int) ((seq - 1) / sealSize)),
                seal -> events.subList((int) seal.fromSeq() - 1, (int) seal.toSeq()).stream()
                        .map(LedgerEvent::hash)
                        .toList(),
                seq -> List.of(),
                keys)) {
            events.forEach(writer::event);
            writer.finish(Map.of("synthetic", true));
        }
    }
}
