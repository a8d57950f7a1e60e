package dev.parley.chat.bus.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgresBus against a real server: delivery, batching, loss of backends, reconnect and close. */
class PostgresBusTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<PostgresBus> buses = new ArrayList<>();
    private String channel;

    @BeforeEach
    void requireServer() {
        TestDatabase.require();
        channel = TestDatabase.unique("bus");
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(PostgresBus::close);
    }

    /** A connected bus, its receiver and its application name. */
    private record Started(PostgresBus bus, RecordingReceiver receiver, String applicationName) {
        /** The server backends of the bus's two connections, the listener's first. */
        List<Integer> backends() throws java.sql.SQLException {
            return TestDatabase.backends(applicationName);
        }
    }

    /** A bus on this test's channel with an application name of its own starting with {@code prefix}, connected. */
    private Started started(String prefix) {
        RecordingReceiver receiver = new RecordingReceiver();
        String applicationName = TestDatabase.unique(prefix);
        return new Started(connected(applicationName, receiver), receiver, applicationName);
    }

    /** A started bus on this test's channel with an application name of its own, connected. */
    private PostgresBus connected(String applicationName, RecordingReceiver receiver) {
        PostgresBus bus = PostgresBus.builder(TestDatabase.URL)
                .channel(channel)
                .applicationName(applicationName)
                .build();
        buses.add(bus);
        bus.start(receiver);
        receiver.awaitConnected(1, WAIT);
        return bus;
    }

    @Test
    void deliversPayloadsToEveryBusIncludingTheSenderInPerSenderOrder() {
        RecordingReceiver a = new RecordingReceiver();
        RecordingReceiver b = new RecordingReceiver();
        PostgresBus busA = connected(TestDatabase.unique("a"), a);
        PostgresBus busB = connected(TestDatabase.unique("b"), b);

        List<String> fromA = IntStream.range(0, 300).mapToObj(i -> "a-" + i).toList();
        List<String> fromB = IntStream.range(0, 300).mapToObj(i -> "b-" + i).toList();
        for (int i = 0; i < 300; i++) {
            busA.publish(fromA.get(i));
            busB.publish(fromB.get(i));
        }

        a.awaitMessages(600, WAIT);
        b.awaitMessages(600, WAIT);
        for (RecordingReceiver receiver : List.of(a, b)) {
            assertThat(receiver.messagesFrom("a-")).containsExactlyElementsOf(fromA);
            assertThat(receiver.messagesFrom("b-")).containsExactlyElementsOf(fromB);
            assertThat(receiver.messages()).hasSize(600);
            receiver.assertNoOverlap();
        }
        assertThat(busA.dropped()).isZero();
        assertThat(busB.dropped()).isZero();
    }

    @Test
    void sendsABurstOfFiveThousandPayloadsCompleteInFarFewerNotifications() {
        RecordingReceiver sender = new RecordingReceiver();
        RecordingReceiver other = new RecordingReceiver();
        PostgresBus bus = connected(TestDatabase.unique("sender"), sender);
        connected(TestDatabase.unique("other"), other);

        // About 100 bytes each, as an envelope of ids would be.
        List<String> payloads = IntStream.range(0, 5_000)
                .mapToObj(i -> "{\"v\":1,\"node\":\"node-1\",\"kind\":\"hint\",\"room\":" + (i % 17) + ",\"seq\":" + i
                        + ",\"change\":" + i + "}")
                .toList();
        long start = System.nanoTime();
        payloads.forEach(bus::publish);

        other.awaitMessages(5_000, WAIT);
        sender.awaitMessages(5_000, WAIT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(other.messages()).containsExactlyElementsOf(payloads);
        assertThat(sender.messages()).containsExactlyElementsOf(payloads);
        assertThat(bus.dropped()).isZero();
        // 5,000 x ~60 bytes is ~300 KB: about 40 full NOTIFY payloads, a few round-trips.
        System.out.printf("5,000 payloads: %d NOTIFYs in %d round-trips, received in %d ms%n",
                bus.notificationsSent(), bus.notifyRoundTrips(), millis);
        assertThat(bus.notificationsSent()).isLessThanOrEqualTo(200);
        assertThat(bus.notifyRoundTrips()).isLessThanOrEqualTo(100);
    }

    @Test
    void deliversPayloadsOfTheLargestSizeAndEmptyOnes() {
        RecordingReceiver receiver = new RecordingReceiver();
        PostgresBus bus = connected(TestDatabase.unique("large"), receiver);
        String largest = "é".repeat(3_950); // 7,900 bytes in UTF-8
        bus.publish(largest);
        bus.publish("");
        bus.publish(largest);

        receiver.awaitMessages(3, WAIT);
        assertThat(receiver.messages()).containsExactly(largest, "", largest);
        assertThat(bus.maxPayloadBytes()).isEqualTo(7_900);
    }

    @Test
    void rejectsPayloadsThatCouldNotTravelUnaltered() {
        PostgresBus bus = PostgresBus.builder(TestDatabase.URL).channel(channel).build();
        buses.add(bus);
        assertThatThrownBy(() -> bus.publish("x".repeat(7_901))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7900");
        assertThatThrownBy(() -> bus.publish("é".repeat(3_951))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.publish("one\ntwo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line feed");
        assertThatThrownBy(() -> bus.publish("nul\0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.publish("\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.publish(null)).isInstanceOf(NullPointerException.class);
        assertThat(bus.dropped()).isZero();
    }

    @Test
    void reconnectsAfterTheListenerBackendIsTerminated() throws Exception {
        Started started = started("terminated");
        PostgresBus bus = started.bus();
        RecordingReceiver receiver = started.receiver();
        List<Integer> before = started.backends();
        assertThat(before).hasSize(2);

        TestDatabase.terminate(before.get(0)); // the listener connects first

        receiver.awaitConnected(2, WAIT);
        assertThat(receiver.events()).hasSize(3).startsWith("connected").endsWith("connected");
        assertThat(receiver.events().get(1)).startsWith("disconnected: ").contains("terminating connection");
        bus.publish("after");
        receiver.awaitMessages(1, WAIT);
        assertThat(receiver.messages()).containsExactly("after");
        assertThat(started.backends()).doesNotContainAnyElementsOf(before);
        receiver.assertNoOverlap();
    }

    @Test
    void reconnectsAfterTheNotifierBackendIsTerminated() throws Exception {
        Started started = started("notifier");
        PostgresBus bus = started.bus();
        RecordingReceiver receiver = started.receiver();
        List<Integer> before = started.backends();
        TestDatabase.terminate(before.get(1));

        bus.publish("lost"); // the send fails: the bus finds out and reconnects
        receiver.awaitConnected(2, WAIT);
        assertThat(bus.dropped()).isEqualTo(1);
        bus.publish("after");
        receiver.awaitMessages(1, WAIT);
        assertThat(receiver.messages()).containsExactly("after");
    }

    @Test
    void dropsAndCountsPayloadsPublishedBeforeStartAndAfterClose() {
        RecordingReceiver receiver = new RecordingReceiver();
        PostgresBus bus = PostgresBus.builder(TestDatabase.URL).channel(channel).build();
        buses.add(bus);
        bus.publish("too early");
        assertThat(bus.dropped()).isEqualTo(1);
        bus.start(receiver);
        receiver.awaitConnected(1, WAIT);
        bus.close();
        bus.publish("too late");
        assertThat(bus.dropped()).isEqualTo(2);
        assertThat(receiver.messages()).isEmpty();
    }

    @Test
    void reconnectCyclesTheConnections() throws Exception {
        Started started = started("cycled");
        PostgresBus bus = started.bus();
        RecordingReceiver receiver = started.receiver();
        List<Integer> before = started.backends();

        bus.reconnect();

        receiver.awaitConnected(2, WAIT);
        assertThat(receiver.events()).containsExactly("connected", "disconnected: reconnect requested", "connected");
        RecordingReceiver.await(WAIT, () -> backendsOrEmpty(started.applicationName()).size() == 2, "two new backends");
        assertThat(started.backends()).doesNotContainAnyElementsOf(before);
        bus.publish("after");
        receiver.awaitMessages(1, WAIT);
    }

    @Test
    void closeIsIdempotentAndLeavesNoThreadsOrConnections() throws Exception {
        Started started = started("closed");
        PostgresBus bus = started.bus();
        RecordingReceiver receiver = started.receiver();
        assertThat(busThreads()).hasSize(2);

        bus.close();
        bus.close();

        assertThat(busThreads()).isEmpty();
        RecordingReceiver.await(WAIT, () -> backendsOrEmpty(started.applicationName()).isEmpty(), "no backends");
        assertThat(receiver.events()).containsExactly("connected");
        bus.reconnect(); // nothing to do
        assertThatThrownBy(() -> bus.start(receiver)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startsOnlyOnce() {
        RecordingReceiver receiver = new RecordingReceiver();
        PostgresBus bus = connected(TestDatabase.unique("once"), receiver);
        assertThatThrownBy(() -> bus.start(receiver)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        PostgresBus unstarted = PostgresBus.builder(TestDatabase.URL).channel(channel).build();
        unstarted.close();
        assertThatThrownBy(() -> unstarted.start(receiver)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aReceiverThatThrowsKeepsReceiving() {
        List<String> received = new ArrayList<>();
        RecordingReceiver connection = new RecordingReceiver();
        PostgresBus bus = PostgresBus.builder(TestDatabase.URL).channel(channel).build();
        buses.add(bus);
        bus.start(new dev.parley.chat.core.spi.Bus.Receiver() {
            @Override
            public void onMessage(String payload) {
                synchronized (received) {
                    received.add(payload);
                }
                throw new IllegalStateException("receiver bug (expected by the test)");
            }

            @Override
            public void onConnected() {
                connection.onConnected();
            }

            @Override
            public void onDisconnected(String reason) {
                connection.onDisconnected(reason);
            }
        });
        connection.awaitConnected(1, WAIT);
        bus.publish("one");
        bus.publish("two");
        RecordingReceiver.await(WAIT, () -> {
            synchronized (received) {
                return received.size() == 2;
            }
        }, "both payloads");
        assertThat(connection.events()).containsExactly("connected");
    }

    private List<String> busThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("parley-bus-pg-") && n.endsWith(channel))
                .toList();
    }

    private static List<Integer> backendsOrEmpty(String name) {
        try {
            return TestDatabase.backends(name);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
