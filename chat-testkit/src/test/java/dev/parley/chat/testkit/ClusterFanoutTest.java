package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.cluster.ClusterFanout;
import dev.parley.chat.core.spi.Fanout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClusterFanoutTest extends CrossNodeFanoutContract {
    private MemoryBusNetwork network;

    @Override
    protected Fanout createFanout() {
        network = new MemoryBusNetwork();
        return ClusterFanout.builder(network.bus()).build();
    }

    @Override
    protected Fanout createPeer() {
        return ClusterFanout.builder(network.bus()).build();
    }

    /** What the cluster fan-out adds to the contract: outages, deaf buses and overflows end in a re-check. */
    @Nested
    class Failures {
        private final MemoryBusNetwork net = new MemoryBusNetwork();
        private final List<AutoCloseable> toClose = new ArrayList<>();

        @AfterEach
        void closeAll() throws Exception {
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }

        private ClusterFanout node(MemoryBusNetwork.MemoryBus bus, ClusterFanout.Builder... ignored) {
            ClusterFanout f = ClusterFanout.builder(bus).probeInterval(Duration.ofMillis(50))
                    .downPollInterval(Duration.ofMillis(50)).build();
            toClose.add(f);
            await(() -> f.state() == ClusterFanout.State.CONNECTED, "connected");
            return f;
        }

        @Test
        void whileTheBusIsDownListenersAreToldToPollTheStore() {
            MemoryBusNetwork.MemoryBus bus = net.bus();
            ClusterFanout f = node(bus);
            LossCounter room = new LossCounter();
            f.subscribe(1, room);
            int before = room.losses.get();
            bus.cut();
            await(() -> f.state() == ClusterFanout.State.DISCONNECTED, "disconnected");
            await(() -> room.losses.get() >= before + 3, "three polls while down");
        }

        @Test
        void afterAReconnectEveryListenerOnEveryNodeReChecks() {
            MemoryBusNetwork.MemoryBus cutBus = net.bus();
            ClusterFanout cut = node(cutBus);
            ClusterFanout other = node(net.bus());
            LossCounter onCut = new LossCounter();
            LossCounter onOther = new LossCounter();
            cut.subscribe(1, onCut);
            other.subscribe(1, onOther);
            cutBus.cut();
            await(() -> cut.state() == ClusterFanout.State.DISCONNECTED, "disconnected");
            int otherBefore = onOther.losses.get();
            cutBus.restore();
            await(() -> cut.state() == ClusterFanout.State.CONNECTED, "connected again");
            // The node that was away may have published changes nobody heard: the others re-check too.
            await(() -> onOther.losses.get() > otherBefore, "the other node re-checks");
            assertThat(cut.stats().disconnects()).isEqualTo(1);
        }

        @Test
        void aDeafBusIsFoundByTheProbeAndReconnected() {
            MemoryBusNetwork.MemoryBus bus = net.bus();
            ClusterFanout f = node(bus);
            bus.deafen();
            await(() -> bus.reconnects.get() >= 1, "the bus was told to reconnect");
            await(() -> f.state() == ClusterFanout.State.CONNECTED, "connected again");
            assertThat(f.stats().deafProbes()).isGreaterThanOrEqualTo(1);
        }

        @Test
        void aChangeFromAnotherNodeArrivesAsAHintWithoutTheMessageText() {
            ClusterFanout a = node(net.bus());
            ClusterFanout b = node(net.bus());
            RecordingListener onB = new RecordingListener();
            b.subscribe(1, onB);
            a.publish(new ChatEvent.MessagePosted(new Message(10, 1, "room", 1, 3, 7, "alice", "secret text",
                    Instant.parse("2026-01-01T00:00:00Z"), null, null, false)));
            onB.awaitChangeOrHint(3, Duration.ofSeconds(5));
            assertThat(onB.hints()).contains(3L);
            assertThat(onB.events()).isEmpty();
        }

        @Test
        void aFullReceiveQueueDropsAndThenMakesEveryListenerReCheck() throws Exception {
            MemoryBusNetwork.MemoryBus slowBus = net.bus();
            ClusterFanout slow = ClusterFanout.builder(slowBus).receiveQueueCapacity(1)
                    .probeInterval(Duration.ofSeconds(30)).build();
            toClose.add(slow);
            await(() -> slow.state() == ClusterFanout.State.CONNECTED, "connected");
            ClusterFanout fast = node(net.bus());
            BlockingListener blocked = new BlockingListener();
            slow.subscribe(1, blocked);
            for (int i = 1; i <= 50; i++) {
                fast.publish(new ChatEvent.MemberJoined(1, "room", new dev.parley.chat.core.User(i, "u" + i,
                        Instant.EPOCH), i));
            }
            await(() -> slow.stats().overflows() > 0, "an overflow");
            blocked.release();
            await(() -> blocked.losses.get() > 0, "a re-check after the overflow");
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static class LossCounter implements Fanout.Listener {
        final AtomicInteger losses = new AtomicInteger();

        @Override
        public void onEvent(ChatEvent event) {
        }

        @Override
        public void onPossibleLoss() {
            losses.incrementAndGet();
        }
    }

    /** Holds the dispatcher on its first hint until released, so that the receive queue fills. */
    private static final class BlockingListener extends LossCounter {
        private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void onHint(long change) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void release() {
            gate.countDown();
        }
    }
}
