package dev.parley.chat.bus.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The builder checks every setting at build() and names the one out of range; no database needed. */
class PostgresBusBuilderTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void buildsWithTheDefaults() {
        try (PostgresBus bus = PostgresBus.builder(URL).build()) {
            assertThat(bus.maxPayloadBytes()).isEqualTo(7_900);
            assertThat(bus.dropped()).isZero();
            assertThat(bus).hasToString("PostgresBus[channel=parley]");
        }
    }

    @Test
    void acceptsSettingsAtTheirLimits() {
        PostgresBus.builder(URL)
                .user("u").password("p")
                .channel("_" + "a".repeat(62))
                .pollInterval(Duration.ofMillis(10))
                .batchDelay(Duration.ZERO)
                .connectTimeout(Duration.ofMillis(250))
                .applicationName("x".repeat(63))
                .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
                .maxQueuedPayloads(1)
                .build()
                .close();
    }

    @Test
    void namesTheSettingOutOfRange() {
        rejects(b -> b.channel("1abc"), "channel");
        rejects(b -> b.channel("with space"), "channel");
        rejects(b -> b.channel("quote\""), "channel");
        rejects(b -> b.channel("a".repeat(64)), "channel");
        rejects(b -> b.channel(""), "channel");
        rejects(b -> b.pollInterval(Duration.ofMillis(9)), "pollInterval");
        rejects(b -> b.pollInterval(Duration.ofSeconds(6)), "pollInterval");
        rejects(b -> b.batchDelay(Duration.ofMillis(-1)), "batchDelay");
        rejects(b -> b.connectTimeout(Duration.ofMillis(100)), "connectTimeout");
        rejects(b -> b.applicationName(""), "applicationName");
        rejects(b -> b.applicationName("naïve"), "applicationName");
        rejects(b -> b.reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)), "reconnectBackoff min");
        rejects(b -> b.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "reconnectBackoff max");
        rejects(b -> b.maxQueuedPayloads(0), "maxQueuedPayloads");
        assertThatThrownBy(() -> PostgresBus.builder("jdbc:mysql://x/y").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbcUrl");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> PostgresBus.builder(null)).hasMessage("jdbcUrl == null");
        assertThatThrownBy(() -> PostgresBus.builder(URL).channel(null)).hasMessage("channel == null");
        assertThatThrownBy(() -> PostgresBus.builder(URL).reconnectBackoff(Duration.ZERO, null))
                .hasMessage("max == null");
        try (PostgresBus bus = PostgresBus.builder(URL).build()) {
            assertThatThrownBy(() -> bus.start(null)).hasMessage("receiver == null");
        }
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheMaximum() {
        Settings settings = new Settings(URL, null, null, "parley", Duration.ofMillis(500), Duration.ofMillis(5),
                Duration.ofSeconds(5), "parley-bus", Duration.ofMillis(50), Duration.ofSeconds(2), 10);
        Listener listener = new Listener(settings, null, new Outbox(10));
        for (int i = 0; i < 100; i++) {
            assertThat(listener.backoffNanos(1)).isBetween(25_000_000L, 50_000_000L);
            assertThat(listener.backoffNanos(3)).isBetween(100_000_000L, 200_000_000L);
            assertThat(listener.backoffNanos(7)).isBetween(1_000_000_000L, 2_000_000_000L);
            assertThat(listener.backoffNanos(1_000)).isBetween(1_000_000_000L, 2_000_000_000L);
        }
    }

    private static void rejects(UnaryOperator<PostgresBus.Builder> setting, String name) {
        assertThatThrownBy(() -> setting.apply(PostgresBus.builder(URL)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name);
    }
}
