package dev.parley.chat.bus.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.testkit.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgresBus through a {@link TcpProxy} that cuts or stalls its connections to the server. */
class PostgresBusOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The default poll interval (500 ms) + 1 s idle + the 2 s validity check, with a margin for a busy machine. */
    private static final Duration STALL_NOTICED = Duration.ofSeconds(5);

    private final String channel = TestDatabase.unique("outage");
    private TcpProxy proxy;
    private PostgresBus bus;
    private final RecordingReceiver receiver = new RecordingReceiver();

    @BeforeEach
    void start() {
        TestDatabase.require();
        proxy = TestDatabase.proxy();
        bus = PostgresBus.builder(TestDatabase.urlThrough(proxy))
                .channel(channel)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        bus.start(receiver);
        receiver.awaitConnected(1, WAIT);
    }

    @AfterEach
    void stop() {
        if (bus != null) {
            bus.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void noticesACutConnectionAndReconnectsAfterRestore() {
        proxy.cut();
        receiver.awaitDisconnected(1, Duration.ofSeconds(3));

        proxy.restore();
        receiver.awaitConnected(2, Duration.ofSeconds(5));
        assertThat(receiver.count("disconnected")).isEqualTo(1);
        bus.publish("after the outage");
        receiver.awaitMessages(1, WAIT);
        assertThat(receiver.messages()).containsExactly("after the outage");
        receiver.assertNoOverlap();
    }

    @Test
    void noticesAStalledConnectionWithinFiveSecondsAndRecoversAfterRestore() {
        bus.publish("before");
        receiver.awaitMessages(1, WAIT);

        long start = System.nanoTime();
        proxy.stall();
        receiver.awaitDisconnected(1, STALL_NOTICED);
        System.out.printf("stall noticed after %d ms: %s%n", (System.nanoTime() - start) / 1_000_000,
                receiver.events().get(1));

        proxy.restore();
        receiver.awaitConnected(2, WAIT);
        assertThat(receiver.count("disconnected")).isEqualTo(1);
        bus.publish("after");
        receiver.awaitMessages(2, WAIT);
        assertThat(receiver.messages()).containsExactly("before", "after");
    }

    @Test
    void dropsAndCountsPayloadsPublishedWhileDisconnected() {
        proxy.cut();
        receiver.awaitDisconnected(1, Duration.ofSeconds(3));
        long before = bus.dropped();

        bus.publish("one");
        bus.publish("two");
        bus.publish("three");

        assertThat(bus.dropped()).isEqualTo(before + 3);
        proxy.restore();
        receiver.awaitConnected(2, WAIT);
        bus.publish("four");
        receiver.awaitMessages(1, WAIT);
        assertThat(receiver.messages()).containsExactly("four");
    }

    @Test
    void reconnectWhileDisconnectedDoesNothingMore() {
        proxy.cut();
        receiver.awaitDisconnected(1, Duration.ofSeconds(3));
        bus.reconnect();
        proxy.restore();
        receiver.awaitConnected(2, WAIT);
        assertThat(receiver.events()).hasSize(3);
    }

    @Test
    void closeDuringAnOutageReturnsPromptlyAndLeavesNoThreads() {
        proxy.stall();
        receiver.awaitDisconnected(1, STALL_NOTICED);
        long start = System.nanoTime();
        bus.close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("close during a stall took %d ms%n", millis);
        assertThat(millis).isLessThan(1_500);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("parley-bus-pg-") && n.endsWith(channel));
    }
}
