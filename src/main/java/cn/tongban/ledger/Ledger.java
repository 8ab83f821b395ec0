package cn.tongban.ledger;

import cn.tongban.ledger.internal.LedgerStore;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * 审计账本: appends entries to the hash chain, seals the chain periodically (an SM2-signed RFC 6962
 * Merkle root over the events since the last seal, seals chained too), and checks chain and seals.
 */
@Service
public class Ledger {

    private final LedgerStore store;
    private final HubKeys keys;
    private final Clock clock;
    private final LedgerProperties properties;
    private volatile Instant lastSealAt = Instant.MIN;

    Ledger(LedgerStore store, HubKeys keys, Clock clock, LedgerProperties properties) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Appends in the caller's transaction (or a new one): the head is locked until commit, so the
     * chain order is the commit order and no two transactions ever link to the same predecessor.
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public void append(List<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        LedgerStore.Head head = store.lockHead();
        long seq = head.seq();
        byte[] prev = head.hash();
        List<LedgerEvent> events = new ArrayList<>(entries.size());
        for (LedgerEntry entry : entries) {
            LedgerEvent event = LedgerEvent.chain(++seq, entry, prev);
            events.add(event);
            prev = event.hash();
        }
        store.insertMovingHead(events);
    }

    /** Seals when enough events wait or enough time has passed; returns the new seal, if any. */
    @Transactional
    public Optional<LedgerSeal> sealDue() {
        return seal(false);
    }

    /**
     * Seals everything committed so far (before an evidence export), waiting for a sealer that is
     * at work elsewhere; returns the last sealed sequence number.
     */
    @Transactional
    public long sealNow() {
        store.sealLock();
        Optional<LedgerSeal> sealed = seal(true);
        while (sealed.isPresent() && sealed.get().toSeq() < store.head().seq()) {
            sealed = seal(true); // more than one seal's worth was waiting
        }
        return store.lastSeal().map(LedgerSeal::toSeq).orElse(0L);
    }

    /**
     * How far sealing lags: events committed after the last seal, and when that seal was made
     * (null before the first). Operators watch it; a sealer that stopped shows as a growing lag.
     */
    public record SealLag(long unsealedEvents, Instant lastSealedAt) {}

    public SealLag sealLag() {
        long committed = store.head().seq();
        Optional<LedgerSeal> last = store.lastSeal();
        return new SealLag(
                committed - last.map(LedgerSeal::toSeq).orElse(0L),
                last.map(s -> Instant.parse(s.sealedAt())).orElse(null));
    }

    /** The longest the sealer waits before sealing what is committed. */
    public Duration sealPeriod() {
        return properties.sealPeriod();
    }

    private Optional<LedgerSeal> seal(boolean now) {
        if (!now && !store.trySealLock()) {
            return Optional.empty();
        }
        long committed = store.head().seq();
        Optional<LedgerSeal> last = store.lastSeal();
        long from = last.map(s -> s.toSeq() + 1).orElse(1L);
        long waiting = committed - from + 1;
        Instant at = clock.instant();
        boolean due = now
                || waiting >= properties.sealEvery()
                || Duration.between(lastSealAt, at).compareTo(properties.sealPeriod()) >= 0;
        if (waiting <= 0 || !due) {
            return Optional.empty();
        }
        long to = Math.min(committed, from + properties.maxSealSize() - 1);
        LedgerSeal seal = LedgerSeal.sign(
                last.map(s -> s.id() + 1).orElse(1L),
                from,
                to,
                store.hashes(from, to),
                last.map(LedgerSeal::sealHash).orElse(new byte[32]),
                LedgerEvent.instant(at),
                keys);
        store.insertSeal(seal);
        lastSealAt = at;
        return Optional.of(seal);
    }

    /** The first thing wrong in the chain and its seals, or an all-clear with how much was checked. */
    public record ChainCheck(boolean intact, long eventsChecked, long sealsChecked, Long brokenSeq, String problem) {}

    /**
     * Recomputes every event's hash and link from {@code fromSeq}, and every seal's root and
     * signature. Months archived to files (ADR 0009) leave gaps: a link across a gap is checked
     * against the archived hash kept for it, a seal partly archived is rebuilt with the archived
     * hashes, and a seal wholly archived is checked for its signature and seal chain only (its
     * events are checked in the archive file). Any other missing event is a break.
     */
    @Transactional(readOnly = true)
    public ChainCheck verify(long fromSeq) {
        long to = store.head().seq();
        Map<Long, byte[]> archived = new HashMap<>();
        for (LedgerStore.Archive archive : store.archives()) {
            ByteBuffer packed = ByteBuffer.wrap(archive.boundary());
            while (packed.remaining() >= 40) {
                long seq = packed.getLong();
                byte[] hash = new byte[32];
                packed.get(hash);
                archived.put(seq, hash);
            }
        }
        long[] checked = {0};
        long[] last = {Math.max(1, fromSeq) - 1};
        byte[][] expectedPrev = {null};
        String[] problem = {null};
        long[] broken = {0};
        store.range(Math.max(1, fromSeq), to, event -> {
            if (problem[0] != null) {
                return;
            }
            checked[0]++;
            byte[] prev = event.seq() == last[0] + 1 ? expectedPrev[0] : archived.get(event.seq() - 1);
            if (!event.intact()) {
                problem[0] = "event " + event.seq() + ": its content does not match its hash";
                broken[0] = event.seq();
            } else if (prev == null && event.seq() != last[0] + 1) {
                problem[0] = "events " + (last[0] + 1) + ".." + (event.seq() - 1) + " are missing";
                broken[0] = last[0] + 1;
            } else if (prev != null && !Arrays.equals(prev, event.prevHash())) {
                problem[0] = "event " + event.seq() + ": it does not link to event " + (event.seq() - 1);
                broken[0] = event.seq();
            } else if (event.leafCount() > 0 && !event.coversExactly(store.leaves(event.seq()))) {
                problem[0] = "event " + event.seq() + ": its leaves do not match its digest";
                broken[0] = event.seq();
            }
            expectedPrev[0] = event.hash();
            last[0] = event.seq();
        });
        if (problem[0] != null) {
            return new ChainCheck(false, checked[0], 0, broken[0], problem[0]);
        }
        if (last[0] < to && to >= Math.max(1, fromSeq) && !archived.containsKey(to)) {
            return new ChainCheck(
                    false, checked[0], 0, last[0] + 1, "events " + (last[0] + 1) + ".." + to + " are missing");
        }
        long seals = 0;
        byte[] prevSeal = new byte[32];
        // Seals wholly before the first event left in the database cover archived months only.
        long archivedBelow = archived.isEmpty() ? 1 : store.firstSeq();
        for (LedgerSeal seal : store.seals(1, Long.MAX_VALUE)) {
            seals++;
            if (seal.toSeq() >= archivedBelow) {
                List<byte[]> leaves = leaves(seal, archived);
                if (leaves.size() != seal.treeSize()
                        || !Arrays.equals(LedgerSeal.treeOf(leaves).root(), seal.root())) {
                    return new ChainCheck(
                            false,
                            checked[0],
                            seals,
                            seal.fromSeq(),
                            "seal " + seal.id() + ": its root does not match events " + seal.fromSeq() + ".."
                                    + seal.toSeq());
                }
            }
            // Each seal is checked with the certificate it names: seals made before a rotation too.
            java.security.PublicKey sealKey = keys.publicKey(seal.keyId()).orElse(null);
            if (sealKey == null) {
                return new ChainCheck(
                        false,
                        checked[0],
                        seals,
                        null,
                        "seal " + seal.id() + ": its hub key " + seal.keyId() + " is not a published certificate");
            }
            if (!Sm2Signer.verify(sealKey, seal.signedBytes(), seal.signature())) {
                return new ChainCheck(
                        false, checked[0], seals, null, "seal " + seal.id() + ": the signature does not verify");
            }
            if (!Arrays.equals(prevSeal, seal.prevSealHash())) {
                return new ChainCheck(
                        false,
                        checked[0],
                        seals,
                        null,
                        "seal " + seal.id() + ": it does not link to seal " + (seal.id() - 1));
            }
            prevSeal = seal.sealHash();
        }
        return new ChainCheck(true, checked[0], seals, null, null);
    }

    /** The seal's leaves from the database, completed with archived hashes; missing ones are left out. */
    private List<byte[]> leaves(LedgerSeal seal, Map<Long, byte[]> archived) {
        Map<Long, byte[]> inDatabase = store.seqHashes(seal.fromSeq(), seal.toSeq());
        List<byte[]> leaves = new ArrayList<>((int) (seal.toSeq() - seal.fromSeq() + 1));
        for (long seq = seal.fromSeq(); seq <= seal.toSeq(); seq++) {
            byte[] hash = inDatabase.get(seq);
            if (hash == null) {
                hash = archived.get(seq);
            }
            if (hash != null) {
                leaves.add(hash);
            }
        }
        return leaves;
    }
}
