package dev.parley.chat.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.spi.Bus;
import dev.parley.chat.testkit.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisBusTest {
    @RegisterExtension
    final RedisTestSupport redis = new RedisTestSupport();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void twoBusesOnOneChannelEachReceiveEveryPayloadOfBothInSenderOrder() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        RedisBus busA = started(RedisTestSupport.URI_STRING, a);
        RedisBus busB = started(RedisTestSupport.URI_STRING, b);
        a.awaitConnected();
        b.awaitConnected();

        Thread senderB = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
                busB.publish("b-" + i);
            }
        });
        senderB.start();
        for (int i = 0; i < 1_000; i++) {
            busA.publish("a-" + i);
        }
        senderB.join();

        for (Recorder r : List.of(a, b)) {
            r.awaitMessages(2_000);
            assertThat(r.messages.stream().filter(m -> m.startsWith("a-")))
                    .containsExactlyElementsOf(numbered("a-", 1_000));
            assertThat(r.messages.stream().filter(m -> m.startsWith("b-")))
                    .containsExactlyElementsOf(numbered("b-", 1_000));
            r.assertNeverOverlapped();
        }
        assertThat(busA.dropped()).isZero();
        assertThat(busB.dropped()).isZero();
    }

    @Test
    void fiveThousandQuickPayloadsArriveCompleteAndInOrder() throws Exception {
        Recorder sender = new Recorder();
        Recorder other = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, sender);
        started(RedisTestSupport.URI_STRING, other);
        sender.awaitConnected();
        other.awaitConnected();

        for (int i = 0; i < 5_000; i++) {
            bus.publish("m-" + i + "-" + "x".repeat(100));
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            expected.add("m-" + i + "-" + "x".repeat(100));
        }
        sender.awaitMessages(5_000);
        other.awaitMessages(5_000);
        assertThat(sender.messages).containsExactlyElementsOf(expected);
        assertThat(other.messages).containsExactlyElementsOf(expected);
        assertThat(bus.dropped()).isZero();
    }

    @Test
    void payloadUpToTheLimitPassesAndLongerOnesOrLineFeedsAreRejected() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, r);
        r.awaitConnected();
        assertThat(bus.maxPayloadBytes()).isEqualTo(64 * 1024);

        String ascii = "a".repeat(bus.maxPayloadBytes());
        String multiByte = "€".repeat(bus.maxPayloadBytes() / 3) + "a"; // 3 bytes each: exactly the limit
        String emoji = "\uD83D\uDE00".repeat(bus.maxPayloadBytes() / 4); // 4 bytes each
        bus.publish(ascii);
        bus.publish(multiByte);
        bus.publish(emoji);
        bus.publish("carriage\rreturn and tab\t are fine");
        r.awaitMessages(4);
        assertThat(r.messages).containsExactly(ascii, multiByte, emoji, "carriage\rreturn and tab\t are fine");

        assertThatThrownBy(() -> bus.publish(ascii + "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65537 bytes");
        assertThatThrownBy(() -> bus.publish(multiByte + "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65537 bytes");
        assertThatThrownBy(() -> bus.publish("two\nlines"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line feed at index 3");
        assertThatThrownBy(() -> bus.publish(null)).isInstanceOf(NullPointerException.class);
        assertThat(bus.dropped()).isZero();
    }

    @Test
    void clientKillOfTheSubscriptionReportsDisconnectedThenConnectedAndLaterPayloadsArrive() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, r);
        r.awaitConnected();
        bus.publish("before");
        r.awaitMessages(1);

        assertThat(RedisTestSupport.killPubSubClients("parley-bus:" + redis.prefix())).isEqualTo(1);

        assertThat(r.awaitEvent()).startsWith("disconnected: connection lost");
        assertThat(r.awaitEvent()).isEqualTo("connected");
        publishAndAwait(bus, r, "after");
        r.assertNeverOverlapped();
    }

    @Test
    void proxyCutReportsDisconnectedAndRestoreReconnectsWithinSeconds() throws Exception {
        ThroughProxy rig = connectedThroughProxy();
        TcpProxy proxy = rig.proxy();
        Recorder r = rig.recorder();
        RedisBus bus = rig.bus();

        proxy.cut();
        assertThat(r.awaitEvent()).startsWith("disconnected: connection lost");
        Thread.sleep(1_500); // a few of Lettuce's reconnect attempts fail meanwhile
        restoreAndAwaitConnected(proxy, r, "cut");
        publishAndAwait(bus, r, "after restore");
        r.assertNeverOverlapped();
    }

    @Test
    void stalledConnectionRecoversThroughReconnectOnceTheProxyIsRestored() throws Exception {
        ThroughProxy rig = connectedThroughProxy();
        TcpProxy proxy = rig.proxy();
        Recorder r = rig.recorder();
        RedisBus bus = rig.bus();

        proxy.stall();
        bus.publish("into the stall");
        Thread.sleep(500);
        assertThat(r.messages).isEmpty();
        assertThat(r.events).isEmpty(); // Lettuce does not notice a silent connection: the probe's job

        bus.reconnect();
        assertThat(r.awaitEvent()).isEqualTo("disconnected: reconnect requested");
        Thread.sleep(3_000); // new connections through the stall fail their handshake and are retried
        assertThat(r.events).isEmpty();

        restoreAndAwaitConnected(proxy, r, "stalled");
        publishAndAwait(bus, r, "after restore");
        assertThat(r.messages).containsExactly("after restore");
        assertThat(bus.dropped()).as("the payload sent into the stall").isEqualTo(1);
        r.assertNeverOverlapped();
    }

    @Test
    void reconnectOnAHealthyBusReportsDisconnectedThenConnectedAndKeepsDelivering() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, r);
        r.awaitConnected();

        for (int round = 0; round < 3; round++) {
            bus.reconnect();
            assertThat(r.awaitEvent()).isEqualTo("disconnected: reconnect requested");
            assertThat(r.awaitEvent()).isEqualTo("connected");
        }
        publishAndAwait(bus, r, "still here");
        r.assertNeverOverlapped();
    }

    @Test
    void receiverCallsNeverOverlapWhileReconnectsRaceWithTraffic() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, r);
        r.awaitConnected();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 3_000; i++) {
                bus.publish("p-" + i);
            }
        });
        sender.start();
        for (int i = 0; i < 5; i++) {
            bus.reconnect();
            Thread.sleep(20);
        }
        sender.join();
        awaitTrue(() -> r.connectedNow);
        r.assertNeverOverlapped();
        assertThat(r.threads).hasSize(1);
        // Whatever got through, per-sender order holds.
        List<Integer> received = r.messages.stream().map(m -> Integer.parseInt(m.substring(2))).toList();
        assertThat(received).isSorted();
    }

    @Test
    void aReSubscriptionThatRedisRefusesIsRetriedOnNewConnectionsUntilItSucceeds() throws Exception {
        // Redis 7 drops a subscriber whose channel permission is revoked; Lettuce then reconnects, and its own
        // re-subscription fails with NOPERM, which it only logs.
        String user = "u-" + redis.prefix();
        RedisTestSupport.command("ACL", "SETUSER", user, "on", ">pw", "~*", "&*", "+@all");
        try {
            Recorder r = new Recorder();
            RedisBus bus = started(RedisTestSupport.URI_STRING.replace("//", "//" + user + ":pw@"), r);
            r.awaitConnected();

            RedisTestSupport.command("ACL", "SETUSER", user, "resetchannels");
            assertThat(r.awaitEvent()).startsWith("disconnected: connection lost");
            Thread.sleep(3_500); // past the wait for a confirmation: the bus has started over at least once
            assertThat(r.events).isEmpty();

            RedisTestSupport.command("ACL", "SETUSER", user, "allchannels");
            assertThat(r.awaitEvent()).isEqualTo("connected");
            publishAndAwait(bus, r, "allowed again");
            bus.close(); // before its user goes, which would drop its connections
        } finally {
            RedisTestSupport.command("ACL", "DELUSER", user);
        }
    }

    @Test
    void publishWhileDisconnectedDropsAndCounts() throws Exception {
        ThroughProxy rig = connectedThroughProxy();
        TcpProxy proxy = rig.proxy();
        Recorder r = rig.recorder();
        RedisBus bus = rig.bus();

        proxy.cut();
        assertThat(r.awaitEvent()).startsWith("disconnected");
        for (int i = 0; i < 10; i++) {
            bus.publish("lost " + i);
        }
        awaitTrue(() -> bus.dropped() == 10);
        proxy.restore();
        assertThat(r.awaitEvent()).isEqualTo("connected");
        Thread.sleep(200);
        assertThat(r.messages).isEmpty();
        assertThat(bus.dropped()).isEqualTo(10);
    }

    @Test
    void publishBeforeStartAndAfterCloseDropsAndCounts() {
        RedisBus bus = RedisBus.builder(RedisTestSupport.URI_STRING).prefix(redis.prefix()).build();
        bus.publish("too early");
        assertThat(bus.dropped()).isEqualTo(1);
        bus.close();
        bus.publish("too late");
        assertThat(bus.dropped()).isEqualTo(2);
    }

    @Test
    void closeIsIdempotentAndLeavesNoLettuceThreadsBehind() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = RedisBus.builder(RedisTestSupport.URI_STRING).prefix(redis.prefix()).build();
        bus.start(r);
        r.awaitConnected();
        assertThat(RedisTestSupport.threadsNow(bus.threadPrefix())).isNotEmpty();

        long started = System.nanoTime();
        bus.close();
        bus.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(millis).as("close took %d ms", millis).isLessThan(2_000);
        assertThat(RedisTestSupport.threadsLeft(bus.threadPrefix())).isEmpty();
        assertThat(RedisTestSupport.threadsLeft("lettuce-")).isEmpty();
        assertThat((String) RedisTestSupport.command("CLIENT", "LIST"))
                .doesNotContain("name=parley-bus:" + redis.prefix() + " ");
        assertThatThrownBy(() -> bus.start(new Recorder()))
                .isInstanceOf(IllegalStateException.class).hasMessage("bus is closed");
        bus.reconnect(); // does nothing
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.URI_STRING, r);
        assertThatThrownBy(() -> bus.start(new Recorder()))
                .isInstanceOf(IllegalStateException.class).hasMessage("bus already started");
        r.awaitConnected();
    }

    @Test
    void startWhileRedisIsAwayConnectsOnceItIsBack() throws Exception {
        TcpProxy proxy = closing(RedisTestSupport.proxy());
        proxy.cut();
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.throughProxy(proxy), r);
        Thread.sleep(1_500);
        assertThat(r.events).isEmpty();
        proxy.restore();
        assertThat(r.awaitEvent()).isEqualTo("connected");
        publishAndAwait(bus, r, "hello");
    }

    @Test
    void builderNamesTheBadSetting() {
        assertThatThrownBy(() -> RedisBus.builder("http://127.0.0.1:6379").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: ");
        assertThatThrownBy(() -> RedisBus.builder("redis://127.0.0.1:6379/x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: ");
        assertThatThrownBy(() -> RedisBus.builder("not a uri").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: ");
        assertThatThrownBy(() -> RedisBus.builder(RedisTestSupport.URI_STRING).prefix("has space").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prefix: ");
        assertThatThrownBy(() -> RedisBus.builder(RedisTestSupport.URI_STRING).prefix("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prefix: ");
        assertThatThrownBy(() -> RedisBus.builder(RedisTestSupport.URI_STRING).maxInFlight(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxInFlight: ");
        assertThatThrownBy(() -> RedisBus.builder(RedisTestSupport.URI_STRING).timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout: ");
        assertThatThrownBy(() -> RedisBus.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("uri == null");
        assertThatThrownBy(() -> RedisBus.builder(RedisTestSupport.URI_STRING).prefix(null))
                .isInstanceOf(NullPointerException.class).hasMessage("prefix == null");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private RedisBus started(String uri, Recorder receiver) {
        RedisBus bus = RedisBus.builder(uri).prefix(redis.prefix()).build();
        toClose.add(bus);
        bus.start(receiver);
        return bus;
    }

    /**
     * Restores the proxy and expects the bus to be connected again within a few seconds (printing how long it
     * took: the numbers quoted in reviews come from here).
     */
    private static void restoreAndAwaitConnected(TcpProxy proxy, Recorder r, String how) throws InterruptedException {
        long restored = System.nanoTime();
        proxy.restore();
        assertThat(r.awaitEvent()).isEqualTo("connected");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored);
        System.out.println("connected again " + millis + " ms after the " + how + " proxy was restored");
        assertThat(millis).isLessThan(3_000);
    }

    /** Once connected, one publish is enough: the payload must come back, and be the only one received. */
    private static void publishAndAwait(RedisBus bus, Recorder r, String payload) throws InterruptedException {
        int before = r.messages.size();
        long droppedBefore = bus.dropped();
        bus.publish(payload);
        r.awaitMessages(before + 1);
        assertThat(r.messages.get(before)).isEqualTo(payload);
        assertThat(bus.dropped()).isEqualTo(droppedBefore);
    }

    /** A bus connected through a fault proxy, and what its receiver heard. */
    private record ThroughProxy(TcpProxy proxy, Recorder recorder, RedisBus bus) {
    }

    private ThroughProxy connectedThroughProxy() throws InterruptedException {
        TcpProxy proxy = closing(RedisTestSupport.proxy());
        Recorder r = new Recorder();
        RedisBus bus = started(RedisTestSupport.throughProxy(proxy), r);
        r.awaitConnected();
        return new ThroughProxy(proxy, r, bus);
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(prefix + i);
        }
        return list;
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Records what a bus tells it, and whether two calls ever ran at once. */
    static final class Recorder implements Bus.Receiver {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicInteger inside = new AtomicInteger();
        private volatile boolean overlapped;
        volatile boolean connectedNow;

        @Override
        public void onMessage(String payload) {
            enter();
            messages.add(payload);
            exit();
        }

        @Override
        public void onConnected() {
            enter();
            connectedNow = true;
            events.add("connected");
            exit();
        }

        @Override
        public void onDisconnected(String reason) {
            enter();
            connectedNow = false;
            events.add("disconnected: " + reason);
            exit();
        }

        private void enter() {
            threads.add(Thread.currentThread().getName());
            if (inside.incrementAndGet() != 1) {
                overlapped = true;
            }
            Thread.yield();
        }

        private void exit() {
            inside.decrementAndGet();
        }

        void awaitConnected() throws InterruptedException {
            assertThat(awaitEvent()).isEqualTo("connected");
        }

        String awaitEvent() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("no connection event in 10 s").isNotNull();
            return event;
        }

        void awaitMessages(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (messages.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(messages).as("messages received").hasSizeGreaterThanOrEqualTo(count);
            Thread.sleep(100); // and no more
            assertThat(messages).hasSize(count);
        }

        void assertNeverOverlapped() {
            assertThat(overlapped).as("receiver calls overlapped").isFalse();
        }
    }
}
