package cn.tongban.ledger;

import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for entries raised outside any transaction (synchronous queries, above all): many
 * callers' entries are appended in one transaction, and each caller waits until its entries are
 * durable. One commit — one fsync, one turn of the chain-head lock — serves every query that
 * arrived meanwhile, instead of one each. Two workers take groups in turn: while one commits, the
 * other already holds the next group and waits for the chain head inside PostgreSQL, so a query
 * that arrives during a commit waits for the rest of that commit and its own, not for a whole
 * extra cycle. The head lock still orders the chain by commit.
 */
@Component
class GroupAppender {

    private static final int MAX_GROUP = 5_000;
    private static final int WORKERS = 2;

    private final Ledger ledger;
    private final TransactionTemplate transaction;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    private record Pending(List<LedgerEntry> entries, CompletableFuture<Void> done) {}

    GroupAppender(Ledger ledger, TransactionTemplate transaction) {
        this.ledger = ledger;
        this.transaction = transaction;
        for (int i = 1; i <= WORKERS; i++) {
            Thread worker = new Thread(this::run, "ledger-group-append-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    /** Appends and returns once the entries are committed. */
    void appendAndWait(List<LedgerEntry> entries) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(entries, done));
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the ledger was writing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the ledger could not record the event", e);
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                List<LedgerEntry> all = new ArrayList<>();
                group.forEach(p -> all.addAll(p.entries()));
                transaction.executeWithoutResult(status -> ledger.append(all));
                group.forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                group.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        workers.forEach(Thread::interrupt);
    }
}
