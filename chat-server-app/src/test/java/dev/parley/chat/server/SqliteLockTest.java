package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two servers on one SQLite file (in one JVM here; {@link ServerProcessTest} has two processes). */
class SqliteLockTest {
    @TempDir
    Path dir;

    @Test
    void theLockFileSitsBesideTheDatabase() {
        assertThat(SqliteLock.lockFile(Path.of("data/parley.db")))
                .isEqualTo(Path.of("data/parley.db.lock").toAbsolutePath());
    }

    @Test
    void aSecondServerOnTheSameFileFailsAndTheFirstKeepsServing() throws Exception {
        try (ParleyServer first = TestClient.startServer(dir)) {
            ParleyServer second = new ParleyServer(ServerConfig.fromEnvironment(Map.of(
                    "PARLEY_PORT", "0", "PARLEY_DB_URL", "jdbc:sqlite:" + dir.resolve("parley.db"))));
            Path db = dir.resolve("parley.db").toAbsolutePath();
            assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                    .hasMessage("the SQLite database " + db + " is in use by another Parley server in this process "
                            + "(pid " + ProcessHandle.current().pid() + "), which holds the lock " + db + ".lock. "
                            + "Stop that server first, or give this one its own PARLEY_DB_URL.");
            second.close();
            assertThat(new TestClient(first.uri()).get("/health/ready", null).status()).isEqualTo(200);
        }
        // closed: the lock is free again, and its file stays (harmless)
        assertThat(Files.readString(dir.resolve("parley.db.lock")).strip())
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        try (ParleyServer again = TestClient.startServer(dir)) {
            assertThat(new TestClient(again.uri()).get("/health/ready", null).status()).isEqualTo(200);
        }
    }

    @Test
    void theLockCreatesTheDatabasesDirectory() throws Exception {
        try (SqliteLock lock = SqliteLock.acquire(dir.resolve("new/dir/parley.db"))) {
            assertThat(lock.file()).exists();
        }
    }
}
