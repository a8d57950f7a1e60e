package dev.parley.chat.core.cluster;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.internal.LocalListeners;
import dev.parley.chat.core.spi.Bus;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A {@link Fanout} for several nodes over a {@link Bus}: the store is the truth, the bus is a hint.
 *
 * <ul>
 *   <li><b>Publishing</b> delivers to this node's listeners at once, on the calling thread, then sends a small
 *       envelope on the bus: for a stored change only the room and its change number (other nodes read the change
 *       from the store, so a message's text never crosses the bus), for typing and notices ids and names.
 *   <li><b>Receiving</b>: the bus's thread only enqueues, into a bounded queue; one dispatcher thread decodes and
 *       calls listeners ({@link Listener#onHint} for changes). A full queue drops payloads and then tells every
 *       listener to re-check its position against the store ({@link Listener#onPossibleLoss}): a slow node
 *       resynchronises from the store and never pushes back on the bus or on other nodes.
 *   <li><b>Outages</b>: while the bus is disconnected every listener is told to re-check about once a
 *       {@linkplain Builder#downPollInterval(Duration) poll interval}, so feeds poll the store. Once the bus is
 *       connected again every listener re-checks, and the node tells the others to re-check too (they may have
 *       missed what it published while cut off).
 *   <li><b>A deaf bus</b> (connected, delivering nothing, as after some failovers or a stalled connection) is found
 *       by a probe the node sends to itself every {@linkplain Builder#probeInterval(Duration) probe interval}: when
 *       none has come back for three intervals the bus is told to {@linkplain Bus#reconnect() reconnect}.
 * </ul>
 *
 * Changes a node committed but never published (it crashed in between) are found by the service's periodic
 * position check ({@code ChatSettings.feedRecheckInterval}), which a cluster must enable.
 *
 * <p>Thread-safe. Holds two daemon threads and the bus, which {@link #close()} closes.
 */
public final class ClusterFanout implements Fanout {
    private static final System.Logger LOG = System.getLogger(ClusterFanout.class.getName());
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The bus connection as this fan-out sees it. */
    public enum State {
        /** Started; the bus has not confirmed its subscription yet. */
        CONNECTING,
        /** Subscribed, and the last probe came back in time. */
        CONNECTED,
        /** Disconnected, or found deaf and reconnecting; listeners poll the store. */
        DISCONNECTED,
        /** Closed. */
        CLOSED
    }

    /**
     * Counters since start, for metrics.
     *
     * @param received payloads received from the bus, this node's own included
     * @param overflows payloads dropped because the receive queue was full
     * @param resyncs times every listener was told to re-check (reconnects, overflows, other nodes rejoining)
     * @param disconnects times the bus reported a lost connection or was found deaf
     * @param deafProbes times the probe found the bus deaf
     * @param publishFailures payloads the bus refused or dropped
     * @param queued payloads waiting in the receive queue now
     */
    public record Stats(long received, long overflows, long resyncs, long disconnects, long deafProbes,
            long publishFailures, int queued) {
    }

    private final Bus bus;
    private final String nodeId;
    private final Duration probeInterval;
    private final Duration downPollInterval;
    private final LocalListeners local = new LocalListeners();
    private final BlockingQueue<String> queue;
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final AtomicBoolean rejoin = new AtomicBoolean();
    private final AtomicLong probeSeq = new AtomicLong();
    private volatile long lastProbeNanos;
    private final LongAdder received = new LongAdder();
    private final LongAdder overflows = new LongAdder();
    private final LongAdder resyncs = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder deafProbes = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final Thread dispatcher;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterFanout(Builder b) {
        this.bus = b.bus;
        this.nodeId = b.nodeId != null ? b.nodeId : "node-" + UUID.randomUUID();
        this.probeInterval = b.probeInterval;
        this.downPollInterval = b.downPollInterval;
        this.queue = new ArrayBlockingQueue<>(b.receiveQueueCapacity);
        this.dispatcher = new Thread(this::dispatchLoop, "parley-cluster-dispatch-" + nodeId);
        dispatcher.setDaemon(true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-cluster-timer-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * A builder for a fan-out over the bus.
     *
     * @param bus a bus not yet started; the fan-out starts it and closes it
     * @return a builder
     */
    public static Builder builder(Bus bus) {
        return new Builder(Objects.requireNonNull(bus, "bus == null"));
    }

    private void start() {
        lastProbeNanos = System.nanoTime();
        dispatcher.start();
        long probe = probeInterval.toMillis();
        timer.scheduleWithFixedDelay(this::probe, probe, probe, TimeUnit.MILLISECONDS);
        long poll = downPollInterval.toMillis();
        timer.scheduleWithFixedDelay(this::pollWhileDown, poll, poll, TimeUnit.MILLISECONDS);
        bus.start(new Receiver());
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    /** The bus connection's state. */
    public State state() {
        return state.get();
    }

    /** The counters since start. */
    public Stats stats() {
        return new Stats(received.sum(), overflows.sum(), resyncs.sum(), disconnects.sum(), deafProbes.sum(),
                publishFailures.sum() + bus.dropped(), queue.size());
    }

    /**
     * Delivers to this node's listeners, then sends the room and change number (or, for typing, the names) to the
     * other nodes. A bus that refuses the payload is counted; other nodes repair by their position checks.
     */
    @Override
    public void publish(ChatEvent event) {
        Objects.requireNonNull(event, "event == null");
        local.deliver(event);
        if (event instanceof ChatEvent.RoomChange change) {
            send(Envelope.hint(nodeId, change.roomId(), change.change()));
        } else if (event instanceof ChatEvent.Typing typing) {
            send(Envelope.typing(nodeId, typing));
        }
    }

    /** Delivers to this node's notice listeners, then to the other nodes'. */
    @Override
    public void publish(Notice notice) {
        Objects.requireNonNull(notice, "notice == null");
        local.deliver(notice);
        send(Envelope.notice(nodeId, notice));
    }

    @Override
    public Subscription subscribe(long roomId, Listener listener) {
        return local.subscribe(roomId, listener);
    }

    @Override
    public Subscription subscribeNotices(NoticeListener listener) {
        return local.subscribeNotices(listener);
    }

    /** Stops the threads and closes the bus. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state.set(State.CLOSED);
        timer.shutdownNow();
        dispatcher.interrupt();
        try {
            bus.close();
        } finally {
            local.close();
            try {
                dispatcher.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void send(String payload) {
        if (closed.get()) {
            return;
        }
        try {
            bus.publish(payload);
        } catch (RuntimeException e) {
            publishFailures.increment();
            throw e;
        }
    }

    private void dispatchLoop() {
        while (!closed.get()) {
            String payload;
            try {
                payload = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (payload != null) {
                dispatch(payload);
            }
            if (overflowed.getAndSet(false)) {
                LOG.log(Level.WARNING, "node " + nodeId + ": the bus receive queue overflowed; every room re-checks"
                        + " its position against the store");
                resync();
            }
            if (rejoin.getAndSet(false)) {
                resync();
                trySend(Envelope.rejoined(nodeId));
            }
        }
    }

    private void dispatch(String payload) {
        Envelope.Decoded d;
        try {
            d = Envelope.decode(payload);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "node " + nodeId + ": ignoring a malformed bus payload: " + e.getMessage());
            return;
        }
        if (d == null) {
            return;
        }
        if (d.node().equals(nodeId)) {
            if (d instanceof Envelope.Probe) {
                lastProbeNanos = System.nanoTime();
            }
            return; // this node's own events were delivered when published
        }
        if (d instanceof Envelope.Hint h) {
            local.hint(h.roomId(), h.change());
        } else if (d instanceof Envelope.Event e) {
            local.deliver(e.event());
        } else if (d instanceof Envelope.NoticeOf n) {
            local.deliver(n.notice());
        } else if (d instanceof Envelope.Rejoined) {
            resync();
        }
    }

    private void resync() {
        resyncs.increment();
        local.possibleLoss();
    }

    private void probe() {
        try {
            if (state.get() != State.CONNECTED) {
                return;
            }
            long silentNanos = System.nanoTime() - lastProbeNanos;
            if (silentNanos > probeInterval.toNanos() * 3) {
                deafProbes.increment();
                disconnects.increment();
                state.set(State.DISCONNECTED);
                LOG.log(Level.WARNING, "node " + nodeId + ": no probe came back over the bus for "
                        + Duration.ofNanos(silentNanos).toMillis() + " ms; reconnecting it");
                bus.reconnect();
                return;
            }
            trySend(Envelope.probe(nodeId, probeSeq.incrementAndGet()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "node " + nodeId + ": bus probe failed", e);
        }
    }

    private void pollWhileDown() {
        State s = state.get();
        if (s == State.DISCONNECTED || s == State.CONNECTING) {
            local.possibleLoss(); // feeds poll the store until the bus is back
        }
    }

    private void trySend(String payload) {
        try {
            send(payload);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "node " + nodeId + ": bus publish failed", e);
        }
    }

    private final class Receiver implements Bus.Receiver {
        @Override
        public void onMessage(String payload) {
            received.increment();
            if (!queue.offer(payload)) {
                overflows.increment();
                overflowed.set(true);
            }
        }

        @Override
        public void onConnected() {
            if (closed.get()) {
                return;
            }
            lastProbeNanos = System.nanoTime();
            State before = state.getAndSet(State.CONNECTED);
            if (before == State.DISCONNECTED) {
                LOG.log(Level.INFO, "node " + nodeId + ": bus connected again; every room catches up");
            }
            rejoin.set(true);
        }

        @Override
        public void onDisconnected(String reason) {
            if (closed.get()) {
                return;
            }
            if (state.getAndSet(State.DISCONNECTED) != State.DISCONNECTED) {
                disconnects.increment();
                LOG.log(Level.WARNING, "node " + nodeId + ": bus disconnected (" + reason
                        + "); rooms poll the store until it is back");
            }
        }
    }

    /** Builds a {@link ClusterFanout}; settings are validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final Bus bus;
        private String nodeId;
        private Duration probeInterval = Duration.ofSeconds(2);
        private Duration downPollInterval = Duration.ofSeconds(1);
        private int receiveQueueCapacity = 10_000;

        private Builder(Bus bus) {
            this.bus = bus;
        }

        /**
         * This node's id. Defaults to a random one, new for every process, which is what a cluster needs: set it
         * only in tests.
         *
         * @param nodeId 1 to 64 characters of {@code [A-Za-z0-9._-]}
         * @return this
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId == null");
            return this;
        }

        /**
         * How often the node probes the bus by sending to itself; three intervals without a probe coming back
         * reconnect the bus. Defaults to 2 s.
         *
         * @param probeInterval at least 10 ms
         * @return this
         */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval == null");
            return this;
        }

        /**
         * How often rooms re-check the store while the bus is down. Defaults to 1 s.
         *
         * @param downPollInterval at least 10 ms
         * @return this
         */
        public Builder downPollInterval(Duration downPollInterval) {
            this.downPollInterval = Objects.requireNonNull(downPollInterval, "downPollInterval == null");
            return this;
        }

        /**
         * How many received payloads may wait for the dispatcher; beyond that they are dropped and every room
         * re-checks the store. Defaults to 10,000.
         *
         * @param receiveQueueCapacity at least 1
         * @return this
         */
        public Builder receiveQueueCapacity(int receiveQueueCapacity) {
            this.receiveQueueCapacity = receiveQueueCapacity;
            return this;
        }

        /**
         * Validates the settings, then starts the fan-out and its bus. The bus connects in the background: see
         * {@link ClusterFanout#state()}.
         *
         * @return a started fan-out
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public ClusterFanout build() {
            if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
                throw new IllegalArgumentException("nodeId must be 1 to 64 characters of [A-Za-z0-9._-]: " + nodeId);
            }
            requireAtLeast10ms("probeInterval", probeInterval);
            requireAtLeast10ms("downPollInterval", downPollInterval);
            if (receiveQueueCapacity < 1) {
                throw new IllegalArgumentException("receiveQueueCapacity must be at least 1: " + receiveQueueCapacity);
            }
            ClusterFanout fanout = new ClusterFanout(this);
            fanout.start();
            return fanout;
        }

        private static void requireAtLeast10ms(String name, Duration d) {
            if (d.toMillis() < 10) {
                throw new IllegalArgumentException(name + " must be at least 10 ms: " + d);
            }
        }
    }
}
