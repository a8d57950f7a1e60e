package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginThrottleTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void repeatedFailedLoginsAreAnswered429WithRetryAfter(@TempDir Path dir) throws Exception {
        try (ParleyServer server = TestClient.startServer(dir)) {
            TestClient c = new TestClient(server.uri());
            c.signUp("jon");
            String wrong = json("username", "jon", "password", "not the password");
            for (int i = 0; i < 5; i++) {
                assertThat(c.post("/api/login", null, wrong).status()).isEqualTo(401);
            }
            Reply limited = c.post("/api/login", null, wrong);
            RestApiTest.assertProblem(limited, 429, "rate_limited");
            long retryAfter = Long.parseLong(limited.header("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 15 * 60L);
            // the right password is refused too while the username is throttled: no oracle
            RestApiTest.assertProblem(c.post("/api/login", null,
                    json("username", "jon", "password", "correct horse battery")), 429, "rate_limited");
            // the address is throttled as well: another username from the same client is refused
            RestApiTest.assertProblem(c.post("/api/login", null,
                    json("username", "someone-else", "password", "whatever1")), 429, "rate_limited");
        }
    }

    @Test
    void failuresExpireWithTheWindow() {
        ManualClock clock = new ManualClock();
        LoginThrottle t = new LoginThrottle(clock, 3, Duration.ofMinutes(15), 100);
        for (int i = 0; i < 3; i++) {
            assertThat(t.retryAfter("kim", "10.0.0.1")).isEmpty();
            t.failed("kim", "10.0.0.1");
            clock.advance(Duration.ofMinutes(1));
        }
        // oldest failure at t=0, now t=3min: 12 minutes to wait
        assertThat(t.retryAfter("kim", "10.0.0.2")).hasValue(Duration.ofMinutes(12));
        assertThat(t.retryAfter("KIM", "10.0.0.2")).as("case-insensitive").isPresent();
        assertThat(t.retryAfter("lee", "10.0.0.1")).as("same address").isPresent();
        assertThat(t.retryAfter("lee", "10.0.0.3")).isEmpty();
        clock.advance(Duration.ofMinutes(12));
        assertThat(t.retryAfter("kim", "10.0.0.1")).isEmpty();
    }

    @Test
    void aSuccessfulLoginClearsTheUsernameButNotTheAddress() {
        ManualClock clock = new ManualClock();
        LoginThrottle t = new LoginThrottle(clock, 2, Duration.ofMinutes(15), 100);
        t.failed("max", "10.0.0.1");
        t.failed("max", "10.0.0.1");
        t.succeeded("max");
        assertThat(t.retryAfter("max", "10.0.0.9")).isEmpty();
        assertThat(t.retryAfter("other", "10.0.0.1")).isPresent();
    }

    @Test
    void memoryIsBounded() {
        LoginThrottle t = new LoginThrottle(new ManualClock(), 1, Duration.ofMinutes(15), 10);
        for (int i = 0; i < 1000; i++) {
            t.failed("user" + i, "10.0.0." + i);
        }
        // the most recent keys are kept, the oldest forgotten
        assertThat(t.retryAfter("user999", "x")).isPresent();
        assertThat(t.retryAfter("user0", "y")).isEmpty();
    }
}
