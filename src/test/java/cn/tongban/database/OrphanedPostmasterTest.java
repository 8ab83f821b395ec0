package cn.tongban.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only an orphaned postmaster of the data directory is ever stopped (the crash itself: CrashRestartScenario). */
class OrphanedPostmasterTest {

    @TempDir
    Path dataDir;

    @Test
    void aStalePidFileIsLeftToPostgresql() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        pidFile(gone.pid());

        OrphanedPostmaster.stopIfAny(dataDir);

        assertThat(OrphanedPostmaster.runningPostmaster(dataDir)).isEmpty();
        assertThat(dataDir.resolve(OrphanedPostmaster.PID_FILE)).exists();
    }

    @Test
    void aPidNowUsedByAnotherProcessIsNeverSignalled() throws Exception {
        pidFile(ProcessHandle.current().pid());

        OrphanedPostmaster.stopIfAny(dataDir);

        assertThat(OrphanedPostmaster.runningPostmaster(dataDir)).isEmpty();
    }

    @Test
    void theServerOfALiveHubIsLeftRunning() throws Exception {
        try (EmbeddedPostgres live = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setRegisterShutdownHook(false)
                .start()) {
            assertThat(OrphanedPostmaster.runningPostmaster(dataDir)).isPresent();

            OrphanedPostmaster.stopIfAny(dataDir);

            try (Connection connection = live.getPostgresDatabase().getConnection()) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    private void pidFile(long pid) throws Exception {
        Files.writeString(dataDir.resolve(OrphanedPostmaster.PID_FILE), pid + "\n" + dataDir + "\n");
    }
}
