package dev.parley.chat.testkit;

import dev.parley.chat.core.cluster.ClusterFanout;
import dev.parley.chat.core.spi.Bus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Buses in memory for testing {@link ClusterFanout}: every payload reaches every connected bus of the network on that
 * bus's own delivery thread, like a real bus's I/O thread. A bus can be cut (disconnected: it drops what it publishes
 * and receives nothing), restored, or made deaf (connected, receiving nothing, as after a bad failover).
 */
final class MemoryBusNetwork {
    private final List<MemoryBus> buses = new CopyOnWriteArrayList<>();

    MemoryBus bus() {
        return new MemoryBus();
    }

    final class MemoryBus implements Bus {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memory-bus");
            t.setDaemon(true);
            return t;
        });
        private volatile Receiver receiver;
        private volatile boolean connected;
        private volatile boolean deaf;
        private volatile boolean closed;
        final AtomicLong dropped = new AtomicLong();
        final AtomicInteger reconnects = new AtomicInteger();

        @Override
        public void start(Receiver r) {
            receiver = r;
            buses.add(this);
            restore();
        }

        @Override
        public void publish(String payload) {
            if (payload.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("line feed");
            }
            if (!connected) {
                dropped.incrementAndGet();
                return;
            }
            for (MemoryBus b : buses) {
                if (b.connected && !b.deaf) {
                    b.thread.execute(() -> b.receiver.onMessage(payload));
                }
            }
        }

        @Override
        public int maxPayloadBytes() {
            return 8_000;
        }

        @Override
        public void reconnect() {
            reconnects.incrementAndGet();
            cut();
            restore();
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        void cut() {
            if (connected) {
                connected = false;
                thread.execute(() -> receiver.onDisconnected("cut"));
            }
        }

        void restore() {
            deaf = false;
            if (!connected && !closed) {
                connected = true;
                thread.execute(() -> receiver.onConnected());
            }
        }

        void deafen() {
            deaf = true;
        }

        @Override
        public void close() {
            closed = true;
            connected = false;
            buses.remove(this);
            thread.shutdownNow();
        }
    }
}
