package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An expired session token gets one answer, {@code invalid_token}, on every check, over REST and on the socket,
 * whatever was asked before (RFC 6750 §3.1: an expired token is an invalid token).
 */
class SessionExpiryTest {
    @TempDir
    static Path dir;

    static final ManualClock clock = new ManualClock();
    static ParleyServer server;
    static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir, clock, "PARLEY_SESSION_IDLE_TIMEOUT", "PT1H",
                "PARLEY_SESSION_LIFETIME", "PT3H");
        client = new TestClient(server.uri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void assertInvalidToken(Reply reply) {
        RestApiTest.assertProblem(reply, 401, "invalid_token");
        assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer");
    }

    static String socketAuth(String token) throws Exception {
        try (TestSocket s = TestSocket.connect(server.uri(), null)) {
            s.send(TestClient.json("type", "auth", "token", token));
            return s.awaitCloseWithReason();
        }
    }

    @Test
    void anIdleExpiredTokenIsInvalidTokenOnEveryCallOverRestAndTheSocket() throws Exception {
        String token = client.signUp("idle");
        clock.advance(Duration.ofMinutes(61));
        assertInvalidToken(client.get("/api/rooms", token));
        assertInvalidToken(client.get("/api/rooms", token));
        assertThat(socketAuth(token)).isEqualTo("1008 invalid_token");
        assertInvalidToken(client.get("/api/rooms", token));
    }

    @Test
    void aTokenPastItsLifetimeIsInvalidTokenOnTheSocketFirstAndOverRestAfter() throws Exception {
        String token = client.signUp("busy");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(30));
            assertThat(client.get("/api/rooms", token).status()).isEqualTo(200); // in use: the idle timeout waits
        }
        clock.advance(Duration.ofMinutes(31)); // 3 h and 1 min after login, 31 min after its last use
        assertThat(socketAuth(token)).isEqualTo("1008 invalid_token");
        assertThat(socketAuth(token)).isEqualTo("1008 invalid_token");
        assertInvalidToken(client.get("/api/rooms", token));
    }
}
