package dev.parley.chat.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Unit tests for the pieces that need no socket. */
class InternalsTest {

    @Test
    void originsAreNormalisedAndComparedWithTheHostHeader() {
        assertThat(Settings.Origins.normalise("HTTP://LocalHost:8080")).isEqualTo("http://localhost:8080");
        assertThat(Settings.Origins.normalise("https://chat.example:443")).isEqualTo("https://chat.example");
        assertThat(Settings.Origins.normalise("http://chat.example:80")).isEqualTo("http://chat.example");
        assertThat(Settings.Origins.normalise("null")).isNull();
        assertThat(Settings.Origins.normalise("file:///etc/passwd")).isNull();
        assertThat(Settings.Origins.normalise("http://chat.example/path")).isNull();
        assertThat(Settings.Origins.normalise("http://user@chat.example")).isNull();

        assertThat(Settings.Origins.sameHost("http://localhost:8080", "localhost:8080")).isTrue();
        assertThat(Settings.Origins.sameHost("http://localhost:8080", "LOCALHOST:8080")).isTrue();
        assertThat(Settings.Origins.sameHost("https://chat.example", "chat.example")).isTrue();
        assertThat(Settings.Origins.sameHost("https://chat.example", "chat.example:443")).isTrue();
        assertThat(Settings.Origins.sameHost("http://chat.example", "chat.example:8080")).isFalse();
        assertThat(Settings.Origins.sameHost("http://localhost:8080", "localhost:8081")).isFalse();
        assertThat(Settings.Origins.sameHost("http://evil.example", "chat.example")).isFalse();
        assertThat(Settings.Origins.sameHost("http://[::1]:8080", "[::1]:8080")).isTrue();
        assertThat(Settings.Origins.sameHost("http://chat.example", null)).isFalse();
        assertThatThrownBy(() -> Settings.normaliseOrigin("chat.example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedOrigins");
    }

    @Test
    void frameSizeIsMeasuredInUtf8Bytes() {
        assertThat(Inbound.fits("a".repeat(1024), 1024)).isTrue();
        assertThat(Inbound.fits("a".repeat(1025), 1024)).isFalse();
        assertThat(Inbound.fits("é".repeat(512), 1024)).isTrue(); // 2 bytes each
        assertThat(Inbound.fits("é".repeat(513), 1024)).isFalse();
        assertThat(Inbound.fits("😀".repeat(256), 1024)).isTrue(); // 4 bytes per surrogate pair
        assertThat(Inbound.fits("😀".repeat(257), 1024)).isFalse();
    }

    @Test
    void theRateLimiterRefusesOverTheRateAndFlagsAbuseAtThreeTimesIt() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire(0)).isEqualTo(RateLimiter.Verdict.OK);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire(0)).isEqualTo(RateLimiter.Verdict.LIMITED);
        }
        assertThat(limiter.acquire(0)).isEqualTo(RateLimiter.Verdict.ABUSIVE);
        // 100 ms later one soft token is back (10/s), and three hard ones.
        assertThat(limiter.acquire(100)).isEqualTo(RateLimiter.Verdict.OK);

        RateLimiter steady = new RateLimiter(10, 5, 0);
        for (long t = 0; t < 10_000; t += 100) { // exactly at the rate: always served
            assertThat(steady.acquire(t)).isEqualTo(RateLimiter.Verdict.OK);
        }
    }

    @Test
    void inboundFieldsAreTypedAndValidated() {
        Inbound in = Inbound.parse("{\"type\":\"read\",\"room\":\"general\",\"seq\":3,\"ref\":\"r\"}");
        assertThat(in.type()).isEqualTo("read");
        assertThat(in.ref()).isEqualTo("r");
        assertThat(in.string("room")).isEqualTo("general");
        assertThat(in.integer("seq", 0)).isEqualTo(3);
        assertThat(in.optionalString("clientMsgId")).isNull();
        assertThatThrownBy(() -> in.string("body")).hasFieldOrPropertyWithValue("code", "missing_field");
        assertThatThrownBy(() -> in.string("seq")).hasFieldOrPropertyWithValue("code", "invalid_field");
        assertThatThrownBy(() -> Inbound.parse("{\"seq\":99999999999999999999}").integer("seq", 0))
                .hasFieldOrPropertyWithValue("code", "invalid_field");
        assertThatThrownBy(() -> Inbound.parse("nope")).hasFieldOrPropertyWithValue("code", "malformed_json");
        assertThatThrownBy(() -> Inbound.parse("\"str\"")).hasFieldOrPropertyWithValue("code", "malformed_json");
        assertThat(Inbound.parse("{}").type()).isNull();
    }
}
