package dev.parley.chat.bench.driver;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The load driver: one thread (the caller's) runs a {@link Selector} over non-blocking {@link SocketChannel}s to one
 * server, all speaking one {@link Protocol}. Its phases ({@link #connect}, {@link #closedLoop}, {@link #openLoop})
 * run in the calling thread; between phases nothing is read (the kernel buffers what arrives).
 *
 * <p>Hot path: every read lands in one shared buffer; complete frames are decoded in place and a delivery is
 * recognised by a byte scan for the {@link Payload} marker, whose sequence number picks one slot of a ring of
 * per-message delivery counters. A message is complete when its counter reaches the number of subscribers, and a
 * closed loop then sends the next one from the sender's pre-built, pre-masked frame with only its digits rewritten.
 * Only an incomplete frame's tail is copied (into a small per-connection buffer), and only output the socket did
 * not take is queued (OP_WRITE). Nothing is allocated per message.
 *
 * <p>Connections end with SO_LINGER 0, i.e. an RST: neither side keeps the connection in TIME_WAIT, so runs of 10k
 * connections can follow each other from the same 127.0.0.1 source without exhausting the ephemeral ports.
 */
public final class Driver implements AutoCloseable {
    /** Ring of in-flight message counters; in-flight messages must stay below this. */
    static final int RING = 4096;
    private static final int RING_MASK = RING - 1;
    private static final long STALL_NANOS = 10_000_000_000L;
    private static final int MAX_EVENT_KINDS = 40;
    /**
     * Closed loop only: read coalescing. Every read costs the driver a system call (and an ACK), so a server that
     * writes one frame per TCP segment would cost it a read per delivery. Instead the driver reads in rounds: once a
     * wake-up found few readable sockets (the round drained them), or once the round has lasted as long as the wait,
     * it waits {@code 1/COALESCE_DIVISOR} of the time the server takes to work through the {@code inFlight} messages
     * queued for it (from the delivery rate of the last 0.5 s; at most {@link #COALESCE_MAX_MILLIS}), so that
     * each socket has several frames waiting when it is read. The server always has the rest of the queue to work
     * on, so it never waits for the driver. Open-loop (latency) phases never wait. {@code -Dbench.coalesceDivisor=0}
     * turns this off.
     */
    public static final int COALESCE_DIVISOR = Integer.getInteger("bench.coalesceDivisor", 4);
    /** The longest coalescing wait. */
    public static final long COALESCE_MAX_MILLIS = Long.getLong("bench.coalesceMaxMillis", 250);
    /**
     * A wake-up with fewer readable sockets than this drained everything that was ready (the JDK's epoll selector
     * takes up to 1024 events per call), so the round is over: time to wait.
     */
    static final int COALESCE_KEYS = 1000;

    /** The most connection groups (servers of one cluster) a driver tells apart. */
    public static final int MAX_GROUPS = 8;

    private final InetSocketAddress address;
    private final Protocol protocol;
    /** Where {@link #open} connects to, and the group its connections belong to: set by {@link #connect}. */
    private InetSocketAddress target;
    private String targetHost;
    private int targetGroup;
    private int groups = 1;
    private final int maxHandshakes;
    private final Selector selector;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final SplittableRandom random = new SplittableRandom(System.nanoTime());
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long base = System.nanoTime();

    private final List<Conn> ready = new ArrayList<>();
    private final Map<String, Integer> events = new TreeMap<>();
    private int opened;
    private int inProgress;
    private int toOpen;
    private int failed;
    private String firstFailure;
    private String broken;

    private byte[] rbuf = new byte[256 * 1024];
    private ByteBuffer rbb = ByteBuffer.wrap(rbuf);
    /** For small frames built on the fly (pongs, setup): written at once or copied to the pending buffer. */
    final ByteBuffer scratch = ByteBuffer.allocate(1024);

    // Load phase state.
    private boolean loading;
    private boolean closedLoop;
    private boolean sending;
    private int subscribers;
    private final int[] slotCount = new int[RING];
    private long firstSeq;
    private long nextSeq;
    private long sent;
    private long completed;
    private long deliveries;
    private long unexpected;
    private long disordered;
    private long reads;
    private long selects;
    private long lastProgress;
    private int inFlight;
    private long coalesceNanos;
    private long roundStart;
    private long rateMark;
    private long rateDeliveries;
    private Conn sender;
    private long interval;
    private long nextSendAt;
    private long[] latencies = new long[0];
    /** The group of the connection each latency was measured on, parallel to {@link #latencies}. */
    private byte[] latencyGroups = new byte[0];
    private final long[] groupDeliveries = new long[MAX_GROUPS];
    /** With two groups: when a message in flight first reached a connection of group 0 and of group 1 (0: not yet). */
    private final long[][] firstSeen = new long[2][RING];
    /** For each message of the latency window (two groups): its first arrival in group 1 minus that in group 0. */
    private long[] hops = new long[0];
    private int hopCount;
    private int latencyCount;
    private long latencyFrom = Long.MAX_VALUE;
    private long latencyTo = Long.MAX_VALUE;
    private boolean latencyOverflow;
    private long now;

    // Reconnect storm state (see storm()).
    private boolean storming;
    private long stormStart;
    private long[] stormTimes = new long[0];
    private int stormLive;
    private int stormAttempts;
    private Map<String, Integer> stormFailures = new TreeMap<>();
    /** Retries waiting for their backoff: {due (System.nanoTime), client, attempt}, soonest first. */
    private final PriorityQueue<long[]> retries = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private StormOptions stormOptions;

    /**
     * @param address the server
     * @param protocol how to talk to it
     * @param maxHandshakes connections being set up at once (TCP connect to subscribed)
     */
    public Driver(InetSocketAddress address, Protocol protocol, int maxHandshakes) throws IOException {
        this.address = address;
        this.protocol = protocol;
        this.maxHandshakes = maxHandshakes;
        this.selector = Selector.open();
    }

    /** Subscribed connections. */
    public int connections() {
        return ready.size();
    }

    /** What the server did that was not expected (closes, error frames), by kind, since the last call. */
    public Map<String, Integer> drainEvents() {
        Map<String, Integer> copy = new TreeMap<>(events);
        events.clear();
        return copy;
    }

    /** Why the driver can no longer be trusted for another phase, or {@code null}. */
    public String broken() {
        return broken;
    }

    /**
     * Opens {@code n} more connections, at most {@code maxHandshakes} in setup at a time, and waits until all are
     * subscribed.
     *
     * @return the nanoseconds it took
     * @throws LoadException if any failed or the timeout passed
     */
    public long connect(int n, long timeoutNanos) throws IOException, LoadException {
        return connect(0, address, n, timeoutNanos);
    }

    /**
     * As {@link #connect(int, long)}, to another server (a node of the same cluster, serving the same room): the
     * connections belong to {@code group} (0 to {@link #MAX_GROUPS} - 1), by which {@link LoadStats} splits the
     * deliveries and latencies. The sender is always the first connection that became ready.
     */
    public long connect(int group, InetSocketAddress to, int n, long timeoutNanos) throws IOException, LoadException {
        requireHealthy();
        if (group < 0 || group >= MAX_GROUPS) {
            throw new IllegalArgumentException("group " + group);
        }
        target = to;
        targetHost = to.getHostString() + ":" + to.getPort();
        targetGroup = group;
        groups = Math.max(groups, group + 1);
        int target = ready.size() + n;
        failed = 0;
        firstFailure = null;
        toOpen = n;
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        while (ready.size() < target && failed == 0) {
            while (toOpen > 0 && inProgress < maxHandshakes) {
                toOpen--;
                open(-1, 0);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            selector.select(onKey, 10);
        }
        long took = System.nanoTime() - start;
        toOpen = 0;
        if (ready.size() < target) {
            String why = failed > 0 ? firstFailure + (failed > 1 ? " (and " + (failed - 1) + " more)" : "")
                    : "timed out after " + timeoutNanos / 1_000_000_000 + " s";
            broken = "connect: " + ready.size() + " of " + target + " subscribed: " + why;
            throw new LoadException(broken);
        }
        return took;
    }

    /**
     * How a storm's clients behave, as {@code ParleyClient} does by default: a failed attempt (refused, reset, closed,
     * an error frame, or not subscribed within {@code setupTimeoutNanos}) is retried after a backoff with full jitter,
     * a random wait between 0 and {@code firstBackoffNanos} doubled per failed attempt, capped at
     * {@code maxBackoffNanos}.
     */
    public record StormOptions(long setupTimeoutNanos, long firstBackoffNanos, long maxBackoffNanos,
            long timeoutNanos) {
        /** ParleyClient's defaults (10 s connect timeout, 250 ms first backoff, 30 s cap), given up after 120 s. */
        public static final StormOptions CLIENT_DEFAULTS = new StormOptions(10_000_000_000L, 250_000_000L,
                30_000_000_000L, 120_000_000_000L);
    }

    /**
     * A reconnect storm: every subscribed connection is cut at once (an RST from this side, as when a load balancer
     * or a dying server drops them all), then every client opens a new connection at the same moment, with no limit
     * on how many are in setup, and goes through the protocol's whole setup again (Parley: upgrade, {@code auth} with
     * the same token, {@code join}). Failed attempts are retried as {@code options} says. Returns when every client is
     * subscribed again or {@code options.timeoutNanos()} passed; the connections stay open.
     */
    public StormStats storm(StormOptions options, LongSupplier serverCpuNanos) throws IOException, LoadException {
        requireHealthy();
        int n = ready.size();
        if (n == 0) {
            throw new LoadException("storm: no connections");
        }
        target = address;
        targetHost = address.getHostString() + ":" + address.getPort();
        targetGroup = 0;
        stormOptions = options;
        stormTimes = new long[n];
        stormLive = 0;
        stormAttempts = 0;
        stormFailures = new TreeMap<>();
        retries.clear();
        long s0 = serverCpuNanos.getAsLong();
        long c0 = os.getProcessCpuTime();
        stormStart = System.nanoTime();
        for (Conn c : ready) {
            closeChannel(c);
        }
        ready.clear();
        selector.selectNow(onKey); // deregisters the closed channels
        storming = true;
        try {
            for (int client = 0; client < n; client++) {
                stormAttempts++;
                open(client, 0);
            }
            long deadline = stormStart + options.timeoutNanos();
            long nextScan = 0;
            long t;
            while (stormLive < n && (t = System.nanoTime()) < deadline) {
                while (!retries.isEmpty() && retries.peek()[0] <= t) {
                    long[] r = retries.poll();
                    stormAttempts++;
                    open((int) r[1], (int) r[2]);
                }
                if (t >= nextScan) {
                    timeOutSetups(t, options.setupTimeoutNanos());
                    nextScan = t + 100_000_000L;
                }
                long waitMillis = 10;
                if (!retries.isEmpty()) {
                    waitMillis = Math.min(waitMillis, (retries.peek()[0] - t) / 1_000_000 + 1);
                }
                selector.select(onKey, Math.max(1, waitMillis));
            }
            long took = System.nanoTime() - stormStart;
            long c1 = os.getProcessCpuTime();
            long s1 = serverCpuNanos.getAsLong();
            long[] times = Arrays.copyOf(stormTimes, stormLive);
            Arrays.sort(times);
            return new StormStats(n, stormLive, took, times, stormAttempts, new TreeMap<>(stormFailures),
                    s0 < 0 || s1 < 0 ? -1 : s1 - s0, c1 - c0);
        } finally {
            storming = false;
            retries.clear();
            // attempts still in setup (a timed-out storm) are abandoned
            for (SelectionKey k : selector.keys()) {
                Conn c = (Conn) k.attachment();
                if (c.state != Conn.READY && c.state != Conn.CLOSED) {
                    closeChannel(c);
                    inProgress--;
                }
            }
            selector.selectNow(onKey);
        }
    }

    /** Storm: fails every attempt still in setup after {@code timeoutNanos}. */
    private void timeOutSetups(long t, long timeoutNanos) {
        for (SelectionKey k : selector.keys()) {
            Conn c = (Conn) k.attachment();
            if (c.client >= 0 && c.state != Conn.READY && c.state != Conn.CLOSED && t - c.openedAt > timeoutNanos) {
                lost(c, "setup timeout");
            }
        }
    }

    /** Storm: counts a failed attempt of {@code client} and schedules its retry after a jittered backoff. */
    private void stormFailed(int client, int attempt, String why) {
        String kind = why.length() > 100 ? why.substring(0, 100) + "…" : why;
        stormFailures.merge(stormFailures.size() < MAX_EVENT_KINDS || stormFailures.containsKey(kind) ? kind : "other",
                1, Integer::sum);
        retries.add(new long[] {System.nanoTime() + backoffNanos(attempt, stormOptions, random), client, attempt + 1});
    }

    /** Full jitter: uniform in [0, min(max, first * 2^attempt)]. */
    static long backoffNanos(int attempt, StormOptions o, SplittableRandom random) {
        long ceiling = attempt >= 30 ? o.maxBackoffNanos() : Math.min(o.maxBackoffNanos(), o.firstBackoffNanos() << attempt);
        return random.nextLong(Math.max(1, ceiling) + 1);
    }

    /** Keeps the first {@code keep} connections and closes the others (RST). */
    public void trim(int keep) throws IOException {
        while (ready.size() > keep) {
            Conn c = ready.remove(ready.size() - 1);
            closeChannel(c);
        }
        selector.selectNow(onKey);
    }

    /** Services the connections (answers pings, drops what arrives) for a while. */
    public void idle(long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        long t;
        while ((t = System.nanoTime()) < deadline) {
            selector.select(onKey, Math.max(1, (deadline - t) / 1_000_000));
        }
    }

    /**
     * Closed loop: the first connection sends; {@code inFlight} messages are outstanding at any time and a new one is
     * sent whenever one has reached every subscriber.
     */
    public LoadStats closedLoop(int inFlight, long warmupNanos, long measureNanos, LongSupplier serverCpuNanos)
            throws IOException, LoadException {
        if (inFlight <= 0 || inFlight >= RING / 2) {
            throw new IllegalArgumentException("inFlight " + inFlight);
        }
        startLoad(true);
        this.inFlight = inFlight;
        sending = true;
        for (int i = 0; i < inFlight; i++) {
            sendNext();
        }
        return measure(warmupNanos, measureNanos, serverCpuNanos, false);
    }

    /**
     * Open loop: the first connection sends {@code messagesPerSecond} evenly paced messages whatever happens, and the
     * latency of every delivery of the messages sent in the window is recorded.
     */
    public LoadStats openLoop(double messagesPerSecond, long warmupNanos, long measureNanos,
            LongSupplier serverCpuNanos) throws IOException, LoadException {
        startLoad(false);
        int expected = (int) Math.ceil(messagesPerSecond * measureNanos / 1e9 + 4) * subscribers;
        if (latencies.length < expected) {
            latencies = new long[expected];
            latencyGroups = new byte[expected];
        }
        if (hops.length < expected / subscribers + 1) {
            hops = new long[expected / subscribers + 1];
        }
        interval = (long) (1e9 / messagesPerSecond);
        nextSendAt = System.nanoTime();
        sending = true;
        return measure(warmupNanos, measureNanos, serverCpuNanos, true);
    }

    private void startLoad(boolean closed) throws LoadException {
        requireHealthy();
        if (ready.isEmpty()) {
            throw new LoadException("no connections");
        }
        subscribers = ready.size();
        sender = ready.get(0);
        if (sender.template == null) {
            sender.template = new WsFrames.Template(protocol.sendPrefix(), protocol.sendSuffix(), sender.mask);
        }
        Arrays.fill(slotCount, 0);
        Arrays.fill(firstSeen[0], 0);
        Arrays.fill(firstSeen[1], 0);
        hopCount = 0;
        firstSeq = nextSeq;
        sent = 0;
        completed = 0;
        unexpected = 0;
        disordered = 0;
        latencyCount = 0;
        latencyOverflow = false;
        latencyFrom = Long.MAX_VALUE;
        latencyTo = Long.MAX_VALUE;
        coalesceNanos = 0;
        rateMark = System.nanoTime();
        rateDeliveries = deliveries;
        closedLoop = closed;
        loading = true;
        lastProgress = System.nanoTime();
    }

    private LoadStats measure(long warmupNanos, long measureNanos, LongSupplier serverCpu, boolean latency)
            throws IOException, LoadException {
        try {
            run(System.nanoTime() + warmupNanos, false);
            if (broken != null) {
                throw new LoadException(broken);
            }
            long d0 = deliveries;
            long[] g0 = groupDeliveries.clone();
            long r0 = reads;
            long k0 = selects;
            long m0 = sent;
            long s0 = serverCpu.getAsLong();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            if (latency) {
                latencyFrom = nextSeq;
            }
            run(t0 + measureNanos, false);
            long t1 = System.nanoTime();
            long c1 = os.getProcessCpuTime();
            long s1 = serverCpu.getAsLong();
            long d1 = deliveries;
            long[] g1 = groupDeliveries.clone();
            long r1 = reads;
            long k1 = selects;
            long m1 = sent;
            if (latency) {
                latencyTo = nextSeq;
            }
            long pause = coalesceNanos;
            sending = false;
            if (broken == null) {
                run(System.nanoTime() + STALL_NANOS, true);
                if (broken == null && completed < sent) {
                    broken = "drain: " + (sent - completed) + " of " + sent + " messages never reached every subscriber";
                }
            }
            long[] hopsSorted = Arrays.copyOf(hops, hopCount);
            Arrays.sort(hopsSorted);
            long[] lat = new long[0];
            long[][] byGroup = new long[groups][];
            long[] delivered = new long[groups];
            for (int g = 0; g < groups; g++) {
                delivered[g] = g1[g] - g0[g];
                byGroup[g] = new long[0];
            }
            if (latency) {
                lat = Arrays.copyOf(latencies, latencyCount);
                Arrays.sort(lat);
                if (groups > 1) {
                    byGroup = splitByGroup(latencies, latencyGroups, latencyCount, groups);
                } else {
                    byGroup[0] = lat;
                }
            }
            String problem = broken;
            if (problem == null && disordered > 0) {
                problem = disordered + " deliveries duplicated or out of order on their socket";
            }
            if (problem == null && unexpected > 0) {
                problem = unexpected + " deliveries of unknown messages";
            }
            if (problem == null && latencyOverflow) {
                problem = "more deliveries than expected: latency buffer overflowed";
            }
            return new LoadStats(subscribers, d1 - d0, m1 - m0, t1 - t0, c1 - c0,
                    s0 < 0 || s1 < 0 ? -1 : s1 - s0, r1 - r0, k1 - k0, pause, lat, delivered, byGroup,
                    hopsSorted, problem);
        } finally {
            loading = false;
            sending = false;
        }
    }

    /** The first {@code count} values split by their group, each part sorted. */
    static long[][] splitByGroup(long[] values, byte[] groupOf, int count, int groups) {
        int[] sizes = new int[groups];
        for (int i = 0; i < count; i++) {
            sizes[groupOf[i]]++;
        }
        long[][] out = new long[groups][];
        for (int g = 0; g < groups; g++) {
            out[g] = new long[sizes[g]];
            sizes[g] = 0;
        }
        for (int i = 0; i < count; i++) {
            int g = groupOf[i];
            out[g][sizes[g]++] = values[i];
        }
        for (long[] part : out) {
            Arrays.sort(part);
        }
        return out;
    }

    /** Runs the selector until the deadline, the phase breaks, or (if {@code drain}) every sent message completed. */
    private void run(long deadline, boolean drain) throws IOException {
        while (broken == null) {
            long t = System.nanoTime();
            if (t >= deadline || (drain && completed >= sent)) {
                return;
            }
            long until = deadline;
            if (sending && !closedLoop) {
                while (t >= nextSendAt) {
                    sendNext();
                    nextSendAt += interval;
                }
                if (sent - completed >= RING / 2) {
                    broken = "server fell behind: " + (sent - completed) + " messages in flight";
                    return;
                }
                until = Math.min(until, nextSendAt);
            }
            if (t - lastProgress > STALL_NANOS && completed < sent) {
                broken = "stalled: no message reached all " + subscribers + " subscribers for "
                        + STALL_NANOS / 1_000_000_000 + " s (" + (sent - completed) + " outstanding)";
                return;
            }
            int keys = selector.select(onKey, Math.max(1, (until - t + 999_999) / 1_000_000));
            selects++;
            if (closedLoop && COALESCE_DIVISOR > 0) {
                coalesce(keys, deadline);
            }
        }
    }

    /**
     * Closed-loop read coalescing (see {@link #COALESCE_DIVISOR}): re-estimates every 0.5 s how long the server takes
     * for the queued messages ({@code inFlight * subscribers / delivery rate}), and waits a fraction of it when the
     * round is over.
     */
    private void coalesce(int keys, long deadline) {
        long t = System.nanoTime();
        if (t - rateMark >= 500_000_000L) {
            long delivered = deliveries - rateDeliveries;
            if (delivered > 0) {
                long pipeline = (long) ((double) inFlight * subscribers * (t - rateMark) / delivered);
                coalesceNanos = Math.min(COALESCE_MAX_MILLIS * 1_000_000, pipeline / COALESCE_DIVISOR);
            }
            rateMark = t;
            rateDeliveries = deliveries;
        }
        if (coalesceNanos > 0 && (keys < COALESCE_KEYS || t - roundStart >= coalesceNanos)) {
            LockSupport.parkNanos(Math.min(coalesceNanos, deadline - t));
            roundStart = System.nanoTime();
        }
    }

    private void sendNext() throws IOException {
        long seq = nextSeq++;
        sent++;
        sender.write(sender.template.prepare(seq, System.nanoTime() - base));
    }

    /** Opens one connection to {@link #target}; in a storm as attempt {@code attempt} of {@code client}. */
    private void open(int client, int attempt) throws IOException {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] mask = new byte[4];
            int m = random.nextInt();
            mask[0] = (byte) m;
            mask[1] = (byte) (m >>> 8);
            mask[2] = (byte) (m >>> 16);
            mask[3] = (byte) (m >>> 24);
            Conn c = new Conn(this, opened++, targetGroup, ch, mask);
            c.client = client;
            c.attempt = attempt;
            c.openedAt = System.nanoTime();
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            c.handshake = new Handshake(targetHost, protocol.target(), nonce);
            inProgress++;
            if (ch.connect(target)) {
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                startHandshake(c);
            } else {
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            if (ch != null) {
                ch.close();
            }
            if (client >= 0) {
                inProgress--;
                stormFailed(client, attempt, "connect: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return;
            }
            failed++;
            if (firstFailure == null) {
                firstFailure = "connect: " + e;
            }
        }
    }

    private void startHandshake(Conn c) throws IOException {
        c.state = Conn.HANDSHAKE;
        c.write(ByteBuffer.wrap(c.handshake.request()));
    }

    private void onKey(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        try {
            if (!k.isValid()) {
                return;
            }
            int ops = k.readyOps();
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                if (c.channel.finishConnect()) {
                    k.interestOps(SelectionKey.OP_READ);
                    startHandshake(c);
                }
                return;
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                c.flush();
            }
            if ((ops & SelectionKey.OP_READ) != 0 && c.state != Conn.CLOSED) {
                read(c);
            }
        } catch (IOException | RuntimeException e) {
            lost(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void read(Conn c) throws IOException {
        int carried = c.carryLength;
        if (carried > 0) {
            System.arraycopy(c.carry, 0, rbuf, 0, carried);
            c.carryLength = 0;
        }
        rbb.limit(rbuf.length).position(carried);
        int n = c.channel.read(rbb);
        reads++;
        if (n < 0) {
            if (carried > 0) {
                c.keep(rbuf, 0, carried);
            }
            lost(c, "EOF");
            return;
        }
        int end = carried + n;
        now = System.nanoTime();
        int off = 0;
        if (c.state == Conn.HANDSHAKE) {
            int head = Handshake.headEnd(rbuf, 0, end);
            if (head < 0) {
                if (end > Handshake.MAX_HEAD) {
                    throw new IOException("handshake response head too long");
                }
                c.keep(rbuf, 0, end);
                return;
            }
            c.handshake.verify(rbuf, 0, head);
            c.handshake = null;
            c.state = Conn.SETUP;
            protocol.onOpen(c);
            off = head;
        }
        int stop = c.decoder.decode(rbuf, off, end, c);
        if (stop < end && c.state != Conn.CLOSED) {
            c.keep(rbuf, stop, end);
            int needed = c.decoder.needed();
            if (needed > rbuf.length / 2) {
                rbuf = new byte[Integer.highestOneBit(needed) * 4];
                rbb = ByteBuffer.wrap(rbuf);
            }
        }
    }

    void onMessage(Conn c, byte[] b, int off, int len, boolean text) throws IOException {
        if (c.state == Conn.READY) {
            int marker = protocol.delivery(c, b, off, len);
            if (marker >= 0) {
                delivered(c, b, marker);
            }
        } else if (c.state == Conn.SETUP) {
            protocol.onSetupText(c, b, off, len);
        }
    }

    private void delivered(Conn c, byte[] b, int marker) {
        deliveries++;
        groupDeliveries[c.group]++;
        long seq = Payload.seq(b, marker);
        // every socket must see each message once, in order
        if (seq <= c.lastSeq) {
            disordered++;
        }
        c.lastSeq = seq;
        if (!loading) {
            return;
        }
        if (seq < firstSeq || seq >= nextSeq) {
            unexpected++;
            return;
        }
        int slot = (int) (seq & RING_MASK);
        if (groups == 2 && firstSeen[c.group][slot] == 0) {
            firstSeen[c.group][slot] = now;
        }
        if (++slotCount[slot] >= subscribers) {
            slotCount[slot] = 0;
            if (groups == 2) {
                if (seq >= latencyFrom && seq < latencyTo && hopCount < hops.length) {
                    hops[hopCount++] = firstSeen[1][slot] - firstSeen[0][slot];
                }
                firstSeen[0][slot] = 0;
                firstSeen[1][slot] = 0;
            }
            completed++;
            lastProgress = now;

            if (closedLoop && sending) {
                try {
                    sendNext();
                } catch (IOException e) {
                    broken = "sender: " + e;
                }
            }
        }
        if (seq >= latencyFrom && seq < latencyTo) {
            if (latencyCount < latencies.length) {
                latencyGroups[latencyCount] = (byte) c.group;
                latencies[latencyCount++] = now - base - Payload.time(b, marker);
            } else {
                latencyOverflow = true;
            }
        }
    }

    void onReady(Conn c) {
        if (c.state != Conn.SETUP) {
            return;
        }
        c.state = Conn.READY;
        inProgress--;
        ready.add(c);
        if (storming && c.client >= 0) {
            stormTimes[stormLive++] = System.nanoTime() - stormStart;
            c.client = -1;
        }
    }

    void onServerClose(Conn c, int code, String reason) {
        lost(c, "close " + code + (reason.isEmpty() ? "" : " " + reason));
    }

    void event(String what) {
        String key = events.size() < MAX_EVENT_KINDS || events.containsKey(what) ? what : "other";
        events.merge(key, 1, Integer::sum);
    }

    /** The server closed, reset or broke the connection, or it failed in setup. */
    private void lost(Conn c, String why) {
        if (c.state == Conn.CLOSED) {
            return;
        }
        int was = c.state;
        closeChannel(c);
        if (was == Conn.READY) {
            ready.remove(c);
            event("lost: " + why);
            if (loading && broken == null) {
                broken = "the server dropped a subscriber: " + why;
            }
        } else if (storming && c.client >= 0) {
            inProgress--;
            stormFailed(c.client, c.attempt, why);
        } else {
            inProgress--;
            failed++;
            event("setup failed: " + why);
            if (firstFailure == null) {
                firstFailure = "connection " + c.index + ": " + why;
            }
        }
    }

    private void closeChannel(Conn c) {
        c.state = Conn.CLOSED;
        try {
            c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // already closed
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void requireHealthy() throws LoadException {
        if (broken != null) {
            throw new LoadException("driver unusable after: " + broken);
        }
    }

    /** Closes every connection with an RST. */
    @Override
    public void close() throws IOException {
        for (SelectionKey k : selector.keys()) {
            closeChannel((Conn) k.attachment());
        }
        ready.clear();
        selector.selectNow();
        selector.close();
    }
}
