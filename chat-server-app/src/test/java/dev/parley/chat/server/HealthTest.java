package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness on a real server and SQLite file. Readiness must see what clients see: while another
 * process holds the database's write lock, reads still work (WAL) but every write fails, so the server is not ready.
 */
class HealthTest {
    /** Generous: the lock is noticed after SQLite's 5-second busy timeout. */
    static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private ParleyServer server;
    private TestClient client;

    @BeforeEach
    void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void livenessAndReadinessAnswerOkWhileTheStoreWorks() {
        for (String path : new String[] {"/health/live", "/health/ready", "/health"}) {
            Reply reply = client.get(path, null);
            assertThat(reply.status()).as(path).isEqualTo(200);
            assertThat(reply.json().getString("status")).isEqualTo("ok");
            assertThat(reply.header("Cache-Control")).hasValue("no-store");
            RestApiTest.assertProblem(client.post(path, null, "{}"), 405, "method_not_allowed");
        }
    }

    @Test
    void readinessFailsWhileAnotherProcessHoldsTheWriteLockAndLivenessDoesNot() throws Exception {
        String token = client.signUp("alice");
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("parley.db"));
                Statement lock = other.createStatement()) {
            lock.execute("BEGIN EXCLUSIVE");

            assertThat(client.get("/health/live", null).status()).isEqualTo(200);
            assertThat(client.get("/api/rooms", token).status()).as("reads still work").isEqualTo(200);
            Reply ready = notReadyWithinBound(client);
            RestApiTest.assertProblem(ready, 503, "storage_unavailable");
            assertThat(ready.json().getString("detail"))
                    .startsWith("the database is locked by another connection or process");
            RestApiTest.assertProblem(client.get("/health", null), 503, "storage_unavailable");
            RestApiTest.assertProblem(withinBound(() -> client.post("/api/messages", token,
                    json("room", "general", "body", "during the lock"))), 503, "storage_unavailable");
            assertThat(client.get("/health/live", null).status()).isEqualTo(200);

            lock.execute("ROLLBACK");
        }
        assertThat(eventuallyReady(client)).isEqualTo(200);
    }

    static Reply withinBound(java.util.function.Supplier<Reply> call) {
        long start = System.nanoTime();
        Reply reply = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered within %s: %s", BOUND, reply)
                .isLessThan(BOUND);
        return reply;
    }

    /** Polls readiness (it is re-probed at most once a second) until 200 or 30 s; returns the last status. */
    static int eventuallyReady(TestClient client) throws InterruptedException {
        return poll(client, 200, Duration.ofSeconds(30)).status();
    }

    /**
     * Polls readiness until it is not 200, within {@link #BOUND}: the storage probes at most once a second, so the
     * first answer after a failure began may still be the last probe's success.
     */
    static Reply notReadyWithinBound(TestClient client) throws InterruptedException {
        Reply reply = poll(client, 503, BOUND);
        assertThat(reply.status()).as("not ready within %s", BOUND).isNotEqualTo(200);
        return reply;
    }

    private static Reply poll(TestClient client, int wanted, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Reply reply;
        while ((reply = client.get("/health/ready", null)).status() != wanted && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return reply;
    }
}
