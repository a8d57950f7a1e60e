package dev.parley.chat.bench;

import dev.parley.chat.bench.driver.Driver;
import dev.parley.chat.bench.driver.LoadException;
import dev.parley.chat.bench.driver.LoadStats;
import dev.parley.chat.bench.driver.ParleyProtocol;
import dev.parley.chat.bench.driver.ParleySetup;
import dev.parley.chat.bench.driver.Protocol;
import dev.parley.chat.bench.driver.SocketIoProtocol;
import dev.parley.chat.bench.driver.StormStats;
import dev.parley.chat.bench.driver.WsProtocol;
import dev.parley.chat.bench.run.Collector;
import dev.parley.chat.bench.run.Commands;
import dev.parley.chat.bench.run.Machine;
import dev.parley.chat.bench.run.Report;
import dev.parley.chat.bench.run.ServerProcess;
import dev.parley.chat.bench.store.HistoryBench;
import dev.parley.chat.bench.store.LoginBench;
import dev.parley.chat.bench.store.PersistenceBench;
import dev.parley.chat.bench.store.SearchBench;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark harness (issue 5): runs scenarios 1–3 against Parley, the plain {@code ws} peer and the Socket.IO
 * peer, interleaved repeat by repeat, scenarios 4–6 from the {@code store} package and the two-node scenario of
 * issue 11 ({@link TwoNodeBench}); prints a Markdown table and
 * writes {@code bench/results/latest.json} and {@code latest.md}. Started by {@code bench/run}, which pins this JVM
 * to CPU 1; every server is started pinned to CPU 0.
 *
 * <pre>
 * java -jar parley-bench.jar [--quick]
 *      [--only fanout,latency,idle,persistence,history,login,twonode,search,storm]
 *      [--repeats N] [--subjects parley,ws,socketio] [--repo DIR] [--no-pin]
 * </pre>
 */
public final class Bench {
    static final String ROOM = "bench";
    static final List<String> SCENARIOS = List.of("fanout", "latency", "idle", "persistence", "history", "login",
            TwoNodeBench.SCENARIO, "search", "storm");
    static final int IN_FLIGHT = 16;
    static final int SMALL = 1000;
    static final int BIG = 10_000;
    static final double LATENCY_DELIVERIES_PER_S = 20_000;
    static final double MAX_DRIVER_CPU = 80;
    static final int PARLEY_USERS = 4;
    static final int MAX_HANDSHAKES = 128;
    static final long SECOND = 1_000_000_000L;
    static final List<String> SERVER_JVM =
            List.of("-XX:+UseParallelGC", "-Xms1g", "-Xmx1g");

    /** Extra flags for Parley's JVM, e.g. to record a JFR profile: env BENCH_PARLEY_JVM_ARGS. */
    static final List<String> EXTRA_PARLEY_JVM = List.of(System.getenv()
            .getOrDefault("BENCH_PARLEY_JVM_ARGS", "").strip().split("\\s+")).stream()
            .filter(x -> !x.isEmpty()).collect(java.util.stream.Collectors.toList());

    /**
     * Parley's JVM flags: {@link #SERVER_JVM} then {@link #EXTRA_PARLEY_JVM}, whose collector, if it names one
     * ({@code -XX:+UseSerialGC}, {@code -XX:+UseG1GC}...), replaces the default (the JVM refuses two).
     */
    static List<String> serverJvm() {
        boolean ownCollector = EXTRA_PARLEY_JVM.stream().anyMatch(f -> f.matches("-XX:\\+Use\\w+GC"));
        List<String> cmd = new ArrayList<>();
        SERVER_JVM.stream().filter(f -> !(ownCollector && f.endsWith("GC"))).forEach(cmd::add);
        cmd.addAll(EXTRA_PARLEY_JVM);
        return cmd;
    }

    private static final String DELIVERIES = "deliveries_per_s";
    private static final String DRIVER_CPU = "driver_cpu_pct";
    private static final String SERVER_CPU = "server_cpu_pct";
    private static final String CORE = "% core";
    static final String ALL_LIVE = "all_live_s";
    static final String FAILED_ATTEMPTS = "failed_attempts";

    final boolean quick;
    private final Set<String> only;
    final int repeats;
    private final List<String> subjects;
    /** The two-node scenario's subjects: those of {@code --subjects} that are its own, or all of them. */
    final List<String> clusterSubjects;
    final Path repo;
    private final boolean pin;
    private final Path work;
    final Path runDir;
    final Collector results = new Collector();
    private final long started = System.nanoTime();
    private final List<String> failures = new ArrayList<>();

    private final int idleConnections;
    private final int bigFanout;
    /** Clients of the reconnect storm (issue 15). */
    private final int stormClients;
    final long firstWarmup;
    final long warmup;
    final long window;
    final long latencyWindow;

    private Bench(boolean quick, Set<String> only, int repeats, List<String> subjects, Path repo, boolean pin) {
        this.quick = quick;
        this.only = only;
        this.repeats = repeats;
        this.subjects = pick(subjects, Report.SUBJECTS);
        this.clusterSubjects = pick(subjects, Report.CLUSTER_SUBJECTS);
        this.repo = repo;
        this.pin = pin;
        this.work = repo.resolve("bench/work");
        this.runDir = work.resolve("run");
        this.idleConnections = quick ? 2000 : BIG;
        this.bigFanout = quick ? 0 : BIG;
        this.stormClients = quick ? 1000 : 5000;
        this.firstWarmup = (quick ? 3 : 5) * SECOND;
        this.warmup = (quick ? 1 : 2) * SECOND;
        this.window = (quick ? 2 : 5) * SECOND;
        this.latencyWindow = (quick ? 2 : 6) * SECOND;
    }

    public static void main(String[] args) throws Exception {
        // The store scenarios run in this JVM: keep their libraries' start-up chatter out of the output.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.jooq.no-logo", "true");
        setDefault("org.jooq.no-tips", "true");
        java.util.logging.Logger.getLogger("liquibase").setLevel(java.util.logging.Level.WARNING);
        boolean quick = false;
        boolean pin = true;
        Set<String> only = new LinkedHashSet<>(SCENARIOS);
        Integer repeats = null;
        List<String> subjects = Report.SUBJECTS;
        Path repo = Path.of("").toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--no-pin":
                    pin = false;
                    break;
                case "--only":
                    only = new LinkedHashSet<>();
                    for (String s : args[++i].split(",")) {
                        only.add(scenarioName(s.strip()));
                    }
                    break;
                case "--repeats":
                    repeats = Integer.parseInt(args[++i]);
                    break;
                case "--subjects":
                    subjects = List.of(args[++i].split(","));
                    break;
                case "--repo":
                    repo = Path.of(args[++i]).toAbsolutePath();
                    break;
                case "-h":
                case "--help":
                    System.out.println("usage: bench/run [--quick] [--only " + String.join(",", SCENARIOS)
                            + "] [--repeats N] [--subjects parley,ws,socketio,floor,one-node,postgres-bus,redis-bus]"
                            + " [--no-pin]");
                    return;
                default:
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
            }
        }
        for (String s : subjects) {
            if (!Report.SUBJECTS.contains(s) && !Report.CLUSTER_SUBJECTS.contains(s)) {
                System.err.println("unknown subject: " + s + " (one of " + Report.SUBJECTS + " or "
                        + Report.CLUSTER_SUBJECTS + ")");
                System.exit(2);
            }
        }
        Bench bench = new Bench(quick, only, repeats != null ? repeats : quick ? 1 : 3, subjects, repo, pin);
        bench.run(args);
        System.exit(0);
    }

    /** Those of {@code given} that are in {@code known}, or all of {@code known} if none is. */
    static List<String> pick(List<String> given, List<String> known) {
        List<String> out = new ArrayList<>(given);
        out.retainAll(known);
        return out.isEmpty() ? known : List.copyOf(out);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static String scenarioName(String s) {
        if (s.matches("[1-9]") && Integer.parseInt(s) <= SCENARIOS.size()) {
            return SCENARIOS.get(Integer.parseInt(s) - 1);
        }
        if (!SCENARIOS.contains(s)) {
            System.err.println("unknown scenario: " + s + " (one of " + SCENARIOS + " or 1-" + SCENARIOS.size() + ")");
            System.exit(2);
        }
        return s;
    }

    private void run(String[] args) throws IOException {
        Path serverJar = repo.resolve("chat-server-app/target/parley-server.jar");
        if (!Files.isRegularFile(serverJar)) {
            throw new IOException("missing " + serverJar + ": build first (bench/run does)");
        }
        deleteTree(runDir);
        Files.createDirectories(runDir);
        Map<String, Object> machine = Machine.describe(repo);
        log("%s mode, %d repeat(s), subjects %s%s, scenarios %s", quick ? "quick" : "full", repeats, subjects,
                only.contains(TwoNodeBench.SCENARIO) ? " (two nodes: " + clusterSubjects + ")" : "", only);

        boolean sockets = only.contains("fanout") || only.contains("latency") || only.contains("idle")
                || only.contains("storm");
        if (sockets) {
            for (int r = 1; r <= repeats; r++) {
                for (String subject : subjects) {
                    runSubject(subject, r);
                }
            }
        }
        if (only.contains(TwoNodeBench.SCENARIO)) {
            new TwoNodeBench(this).run();
        }
        if (only.contains("persistence")) {
            persistence();
        }
        if (only.contains("history") || only.contains("login")) {
            historyAndLogin();
        }
        if (only.contains("search")) {
            search();
        }

        Map<String, Object> method = method(args, machine);
        Report report = new Report(machine, method, results.results());
        Path out = repo.resolve("bench/results");
        report.write(out);
        System.out.println();
        System.out.print(report.markdown());
        log("done in %.0f s; wrote %s and %s", (System.nanoTime() - started) / 1e9, out.resolve("latest.md"),
                out.resolve("latest.json"));
        if (!failures.isEmpty()) {
            log("problems: %s", String.join(" | ", failures));
        }
    }

    private Map<String, Object> method(String[] args, Map<String, Object> machine) {
        Map<String, Object> m = new LinkedHashMap<>();
        StringBuilder command = new StringBuilder("bench/run");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--repo")) {
                i++;
            } else if (!args[i].equals("--no-pin")) {
                command.append(' ').append(args[i]);
            }
        }
        m.put("command", command.toString());
        m.put("mode", quick ? "quick" : "full");
        m.put("Pinning", pin ? "every server on CPU 0, the driver JVM on CPU 1 (taskset)"
                : "none (--no-pin): figures are not comparable with pinned runs");
        m.put("Servers", "Parley: java " + String.join(" ", serverJvm()) + " -jar parley-server.jar (SQLite file, "
                + "PARLEY_WS_RATE_PER_SECOND=10000, PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS=100000"
                + (EXTRA_PARLEY_JVM.isEmpty() ? "" : "; BENCH_PARLEY_JVM_ARGS: " + String.join(" ", EXTRA_PARLEY_JVM))
                + "); Node peers: node --expose-gc (ws 8.23.0, socket.io 4.8.4)");
        m.put("Driver", "one selector thread, non-blocking sockets, pre-built frames; JVM "
                + machine.get("driver_jvm_args") + "; a sample with the driver's JVM over "
                + (int) MAX_DRIVER_CPU + "% of its core is invalid");
        m.put("Repeats", repeats + ", interleaved (each repeat runs " + String.join(" → ", subjects)
                + ", a fresh server each); median and range of the valid samples");
        m.put("Order", "on each fresh server: connect " + SMALL + ", fanout-1k, latency-20k (these warm the server "
                + "up), close every connection, idle-" + count(idleConnections)
                + (bigFanout > 0 ? ", then fanout-" + count(bigFanout) + " on those connections" : ""));
        m.put("Fan-out", "one room, " + SMALL + (bigFanout > 0 ? " and " + bigFanout : "")
                + " subscribers (the first also sends), closed loop with " + IN_FLIGHT + " messages in flight (a "
                + "message completes when every subscriber got it), 100-byte payloads; deliveries/s over "
                + window / SECOND + " s after " + firstWarmup / SECOND + " s warm-up (" + warmup / SECOND
                + " s for later phases on the same server); every Parley message is persisted (SQLite); the driver "
                + "coalesces reads: between rounds it waits 1/" + Driver.COALESCE_DIVISOR + " of the time the server "
                + "takes for the " + IN_FLIGHT + " queued messages (at most " + Driver.COALESCE_MAX_MILLIS + " ms), "
                + "so that it reads several frames per system call; the server always has queued work meanwhile");
        m.put("Latency", "open loop, " + (int) (LATENCY_DELIVERIES_PER_S / SMALL) + " messages/s evenly paced to "
                + SMALL + " subscribers (" + (int) LATENCY_DELIVERIES_PER_S + " deliveries/s); send→receive of "
                + "every delivery of the messages sent in a " + latencyWindow / SECOND + " s window after "
                + warmup / SECOND + " s warm-up; no read coalescing. It includes the driver's own time to reach "
                + "each socket: one thread reads the " + SMALL + " sockets one after the other, which costs it "
                + "several ms per message on this machine (the 'driver CPU per message' note)");
        m.put("Scenarios 4–6", "persistence in the bench JVM (" + (pin ? "CPU 1" : "unpinned")
                + ", no server running; PostgreSQL, when reachable, is an outside service on any core); history, "
                + "then logins, against one Parley server started like the others on the history database");
        if (only.contains(TwoNodeBench.SCENARIO)) {
            m.put("Two nodes", TwoNodeBench.describe(this));
        }
        if (only.contains("search")) {
            m.put("Search", "GET /api/search against one Parley server started like the others on a database of "
                    + (quick ? "100k" : "1M") + " messages prepared by SearchBench (SQLite FTS5); see "
                    + "SearchBench.run for the query shapes");
        }
        if (only.contains("storm")) {
            m.put("Storm", "storm-" + count(stormClients) + " (issue 15), last on each fresh server (after the "
                    + "phases above, if they ran; else after connecting the clients, at most " + MAX_HANDSHAKES
                    + " in setup at once): " + stormClients + " clients subscribed (Parley: auth + join, 4 users' "
                    + "tokens round-robin; Socket.IO: connect + join; ws: connected to the room); the driver cuts "
                    + "every connection at once (RST), then all " + stormClients + " open a new connection at the "
                    + "same moment with no limit on how many are in setup and go through the whole setup again "
                    + "(Parley: upgrade, auth with the same token, join). The server keeps running (a cut, not a "
                    + "restart: its JIT is warm). A failed attempt (refused, reset, closed, error frame, not "
                    + "subscribed within 10 s) is retried like ParleyClient does: after a full-jitter backoff, "
                    + "uniform in [0, 250 ms × 2^attempt], capped at 30 s; given up after 120 s. all_live_s: from "
                    + "the cut until the last client is subscribed again; p50/p99: per client, cut to subscribed, "
                    + "retries included. Listen backlogs: Parley (Grizzly 4) asks for 4096, the Node peers for 511 "
                    + "(Node's default for server.listen); the kernel caps them at somaxconn (" 
                    + Machine.listenSettings() + "); the listen-queue counters (/proc/net/netstat, machine-wide) "
                    + "are noted per run");
        }
        m.put("Idle", "after the 1k phases' connections are closed, " + idleConnections + " connections authenticated and joined (Parley: auth + join; Socket.IO: "
                + "connect + join; ws: connected to the room), at most " + MAX_HANDSHAKES + " in setup at once; "
                + "Parley heap: live bytes after a full GC (jcmd GC.class_histogram) before/after; Node: heapUsed "
                + "and RSS after global.gc(); RSS from /proc VmRSS (for Parley this includes heap pages first "
                + "touched while connecting: the heap is committed at -Xms1g, but the setup's Argon2 hashes have "
                + "already cycled the young generation)");
        return m;
    }

    // ---------------------------------------------------------------------------------------------- scenarios 1–3

    private static final Map<String, List<String[]>> METRICS = Map.of(
            "fanout", List.of(new String[] {DELIVERIES, "deliveries/s"}, new String[] {SERVER_CPU, CORE},
                    new String[] {DRIVER_CPU, CORE}),
            "latency", List.of(new String[] {"p50_ms", "ms"}, new String[] {"p99_ms", "ms"},
                    new String[] {SERVER_CPU, CORE}, new String[] {DRIVER_CPU, CORE}),
            "idle", List.of(new String[] {"heap_bytes_per_conn", "B/conn"},
                    new String[] {"rss_bytes_per_conn", "B/conn"}, new String[] {"connects_per_s", "conn/s"}),
            "storm", List.of(new String[] {ALL_LIVE, "s"}, new String[] {"p50_ms", "ms"},
                    new String[] {"p99_ms", "ms"}, new String[] {FAILED_ATTEMPTS, "attempts"},
                    new String[] {SERVER_CPU, CORE}));


    private static String kind(String scenario) {
        return scenario.substring(0, scenario.indexOf('-'));
    }

    static String count(int n) {
        return n % 1000 == 0 ? n / 1000 + "k" : String.valueOf(n);
    }

    private void runSubject(String subject, int repeat) {
        String rep = "r" + repeat;
        // Order on each server: the 1k phases first (they warm the server up: a JIT compiler is cold, and so is V8),
        // then every connection is closed, the idle baseline taken, 10k connected, and those 10k fanned out to.
        List<String> pending = new ArrayList<>();
        if (only.contains("fanout")) {
            pending.add("fanout-" + count(SMALL));
        }
        if (only.contains("latency")) {
            pending.add("latency-" + count((int) LATENCY_DELIVERIES_PER_S));
        }
        if (only.contains("idle")) {
            pending.add("idle-" + count(idleConnections));
        }
        if (only.contains("fanout") && bigFanout > 0) {
            pending.add("fanout-" + count(bigFanout));
        }
        if (only.contains("storm")) {
            pending.add("storm-" + count(stormClients));
        }
        ServerProcess server = null;
        Driver driver = null;
        try {
            server = startSubject(subject, runDir.resolve(subject + "-" + rep));
            Protocol protocol;
            if (subject.equals("parley")) {
                long t = System.nanoTime();
                protocol = new ParleyProtocol(ParleySetup.prepare(server.baseUri(), PARLEY_USERS, ROOM), ROOM);
                log("%s %s: %s up, %d users registered and logged in in %.1f s", subject, rep, server,
                        PARLEY_USERS, (System.nanoTime() - t) / 1e9);
            } else {
                protocol = subject.equals("socketio") ? new SocketIoProtocol(ROOM) : new WsProtocol(ROOM);
                log("%s %s: %s up", subject, rep, server);
            }
            driver = new Driver(new InetSocketAddress("127.0.0.1", server.port()), protocol, MAX_HANDSHAKES);
            boolean cold = true;
            if (only.contains("fanout") || only.contains("latency")) {
                long took = ensure(driver, SMALL);
                log("%s %s: %,d connections in %.1f s (cold)", subject, rep, SMALL, took / 1e9);
            }
            if (only.contains("fanout")) {
                fanout(driver, server, subject, rep, pending.get(0), cold);
                pending.remove(0);
                cold = false;
            }
            if (only.contains("latency")) {
                latency(driver, server, subject, rep, pending.get(0), cold);
                pending.remove(0);
                cold = false;
            }
            if (only.contains("idle")) {
                ensure(driver, 0);
                idle(driver, server, subject, rep, pending.get(0));
                pending.remove(0);
            }
            if (only.contains("fanout") && bigFanout > 0) {
                ensure(driver, bigFanout);
                fanout(driver, server, subject, rep, pending.get(0), cold);
                pending.remove(0);
            }
            if (only.contains("storm")) {
                ensure(driver, stormClients);
                storm(driver, server, subject, rep, pending.get(0));
                pending.remove(0);
            }
        } catch (Exception e) {
            String why = e instanceof LoadException ? e.getMessage() : e.toString();
            fail(subject + " " + rep + ": " + why);
            for (String scenario : pending) {
                for (String[] m : METRICS.get(kind(scenario))) {
                    results.invalid(scenario, subject, m[0], m[1], rep, why);
                }
            }
        } finally {
            if (driver != null) {
                try {
                    driver.close();
                } catch (IOException e) {
                    fail("closing the driver: " + e);
                }
            }
            if (server != null) {
                stop(server, subject, rep, allScenarios());
            }
        }
    }

    /**
     * Stops a server and notes on every metric of {@code scenarios} for {@code subject} whether it died and what its
     * log warned about; {@code rep} names the repeat (and the node, for a cluster).
     */
    void stop(ServerProcess server, String subject, String rep, List<String> scenarios) {
        boolean died = !server.alive();
        server.close();
        List<String> problems = server.problems();
        for (String scenario : scenarios) {
            if (died) {
                results.noteAll(scenario, subject, "server", rep, "the server process died (see "
                        + repo.relativize(server.log()) + ")");
            }
            if (!problems.isEmpty()) {
                results.noteAll(scenario, subject, "server_log", rep, problems.size()
                        + " warning/error lines, first: " + abbreviate(problems.get(0), 200));
            }
        }
        if (!problems.isEmpty()) {
            log("%s %s: %d warning/error lines in %s, first: %s", subject, rep, problems.size(),
                    repo.relativize(server.log()), abbreviate(problems.get(0), 300));
        }
    }

    private List<String> allScenarios() {
        return List.of("fanout-" + count(SMALL), "latency-" + count((int) LATENCY_DELIVERIES_PER_S),
                "idle-" + count(idleConnections), "fanout-" + count(BIG), "storm-" + count(stormClients));
    }

    /** Opens or closes connections until there are {@code n}; returns how long opening took (ns). */
    private long ensure(Driver d, int n) throws IOException, LoadException {
        long took = 0;
        if (d.connections() > n) {
            d.trim(n);
            d.idle(SECOND / 2);
        } else if (d.connections() < n) {
            took = d.connect(n - d.connections(), 180 * SECOND);
            d.idle(SECOND / 5);
        }
        events(d, null, null, null);
        return took;
    }

    private void idle(Driver d, ServerProcess s, String subject, String rep, String scenario)
            throws IOException, LoadException, InterruptedException {
        Memory before = memory(subject, s);
        long cpu0 = s.cpuNanos();
        long took = d.connect(idleConnections, 180 * SECOND);
        double connectCpu = 100.0 * (s.cpuNanos() - cpu0) / took;
        d.idle(SECOND);
        Memory after = memory(subject, s);
        int n = idleConnections;
        double rate = n / (took / 1e9);
        double heap = (after.heap - before.heap) / (double) n;
        double rss = (after.rss - before.rss) / (double) n;
        results.sample(scenario, subject, "heap_bytes_per_conn", "B/conn", heap);
        results.sample(scenario, subject, "rss_bytes_per_conn", "B/conn", rss);
        results.sample(scenario, subject, "connects_per_s", "conn/s", rate);
        String how = subject.equals("parley") ? "live heap after full GC (jcmd GC.class_histogram)"
                : "V8 heapUsed after global.gc()";
        results.note(scenario, subject, "heap_bytes_per_conn", "B/conn", "how", how);
        results.note(scenario, subject, "heap_bytes_per_conn", "B/conn", "detail", String.format(Locale.ROOT,
                "%s: heap %,d → %,d B, RSS %,d → %,d B%s", rep, before.heap, after.heap, before.rss, after.rss,
                after.connections >= 0 ? ", server counts " + after.connections + " connections" : ""));
        if (after.connections >= 0 && after.connections != n) {
            results.note(scenario, subject, "heap_bytes_per_conn", "B/conn", "warning",
                    rep + ": the server reports " + after.connections + " connections, expected " + n);
        }
        events(d, scenario, subject, rep);
        results.note(scenario, subject, "connects_per_s", "conn/s", "server_cpu",
                String.format(Locale.ROOT, "%s: %.0f%% while connecting", rep, connectCpu));
        log("%s %s: %s: %,d connections in %.1f s (%,.0f/s, server CPU %.0f%%), heap %,.0f B/conn, RSS %,.0f B/conn",
                subject, rep, scenario, n, took / 1e9, rate, connectCpu, heap, rss);
    }

    /** The reconnect storm (issue 15): see {@link Driver#storm} and the method's "Storm" entry. */
    private void storm(Driver d, ServerProcess s, String subject, String rep, String scenario)
            throws IOException, LoadException {
        Map<String, Long> net0 = Machine.listenCounters();
        StormStats st = d.storm(Driver.StormOptions.CLIENT_DEFAULTS, s::cpuNanos);
        Map<String, Long> net1 = Machine.listenCounters();
        Map<String, Long> net = new LinkedHashMap<>();
        net1.forEach((k, v) -> net.put(k, v - net0.getOrDefault(k, 0L)));
        d.idle(SECOND / 5);
        events(d, scenario, subject, rep);
        double cpu = st.serverCpuNanos() < 0 ? Double.NaN : 100.0 * st.serverCpuNanos() / st.allLiveNanos();
        String info = String.format(Locale.ROOT, "%,d of %,d live again in %.2f s, per client p50 %.0f ms, p99 %.0f ms,"
                + " max %.0f ms; %,d attempts (%,d failed%s); server %.0f%%, driver %.0f%%; listen counters %s",
                st.live(), st.clients(), st.allLiveNanos() / 1e9, st.reconnectMillis(0.5), st.reconnectMillis(0.99),
                st.reconnectMillis(1.0), st.attempts(), st.failed(), st.failures().isEmpty() ? "" : ": "
                + st.failures(), cpu, 100.0 * st.driverCpuNanos() / st.allLiveNanos(), net);
        log("%s %s: %s: %s", subject, rep, scenario, info);
        if (st.live() < st.clients()) {
            String why = (st.clients() - st.live()) + " clients not live after "
                    + Driver.StormOptions.CLIENT_DEFAULTS.timeoutNanos() / SECOND + " s";
            results.invalid(scenario, subject, ALL_LIVE, "s", rep, why);
            results.note(scenario, subject, ALL_LIVE, "s", "runs", rep + ": " + info);
            return;
        }
        results.sample(scenario, subject, ALL_LIVE, "s", st.allLiveNanos() / 1e9);
        results.sample(scenario, subject, "p50_ms", "ms", st.reconnectMillis(0.5));
        results.sample(scenario, subject, "p99_ms", "ms", st.reconnectMillis(0.99));
        results.sample(scenario, subject, FAILED_ATTEMPTS, "attempts", st.failed());
        if (!Double.isNaN(cpu)) {
            results.sample(scenario, subject, SERVER_CPU, CORE, cpu);
        }
        results.note(scenario, subject, ALL_LIVE, "s", "runs", rep + ": " + info);
    }

    private void fanout(Driver d, ServerProcess s, String subject, String rep, String scenario, boolean cold)
            throws IOException, LoadException {
        LoadStats st = d.closedLoop(IN_FLIGHT, cold ? firstWarmup : warmup, window, s::cpuNanos);
        events(d, scenario, subject, rep);
        String info = String.format(Locale.ROOT, "%,.0f deliveries/s, %,d messages, driver %.0f%% (%.1f deliveries"
                + " per read, %,d reads per wake-up, %.1f ms coalescing), server %.0f%%", st.deliveriesPerSecond(),
                st.messages(), st.driverCpuPercent(), st.deliveriesPerRead(),
                st.selects() == 0 ? 0 : st.reads() / st.selects(), st.coalesceNanos() / 1e6, st.serverCpuPercent());
        log("%s %s: %s: %s%s", subject, rep, scenario, info, st.problem() == null ? "" : " — " + st.problem());
        record(scenario, subject, rep, st, info, List.of(new Object[] {DELIVERIES, "deliveries/s",
                st.deliveriesPerSecond()}, new Object[] {SERVER_CPU, CORE, st.serverCpuPercent()}));
    }

    private void latency(Driver d, ServerProcess s, String subject, String rep, String scenario, boolean cold)
            throws IOException, LoadException {
        double perSecond = LATENCY_DELIVERIES_PER_S / d.connections();
        LoadStats st = d.openLoop(perSecond, cold ? firstWarmup : warmup, latencyWindow, s::cpuNanos);
        events(d, scenario, subject, rep);
        String info = String.format(Locale.ROOT, "%,.0f deliveries/s achieved, p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
                + " driver %.0f%% (%.1f ms of driver CPU per message, i.e. to read its %,d deliveries), server %.0f%%",
                st.deliveriesPerSecond(), st.latencyMillis(0.5), st.latencyMillis(0.99), st.latencyMillis(1.0),
                st.driverCpuPercent(), st.messages() == 0 ? 0 : st.driverCpuNanos() / 1e6 / st.messages(),
                st.subscribers(), st.serverCpuPercent());
        log("%s %s: %s: %s%s", subject, rep, scenario, info, st.problem() == null ? "" : " — " + st.problem());
        record(scenario, subject, rep, st, info, List.of(new Object[] {"p50_ms", "ms", st.latencyMillis(0.5)},
                new Object[] {"p99_ms", "ms", st.latencyMillis(0.99)},
                new Object[] {SERVER_CPU, CORE, st.serverCpuPercent()}));
    }

    void record(String scenario, String subject, String rep, LoadStats st, String info, List<Object[]> metrics)
            throws LoadException {
        if (st.problem() != null) {
            // the driver cannot go on with this server: this and the remaining phases are marked invalid
            throw new LoadException(scenario + ": " + st.problem() + " (" + info + ")");
        }
        String why = null;
        if (st.driverCpuPercent() > MAX_DRIVER_CPU) {
            why = String.format(Locale.ROOT, "driver busy %.0f%% > %.0f%%", st.driverCpuPercent(), MAX_DRIVER_CPU);
        }
        for (Object[] m : metrics) {
            if (why == null) {
                results.sample(scenario, subject, (String) m[0], (String) m[1], (Double) m[2]);
            } else {
                results.invalid(scenario, subject, (String) m[0], (String) m[1], rep, why);
            }
        }
        results.sample(scenario, subject, DRIVER_CPU, CORE, st.driverCpuPercent());
        results.note(scenario, subject, (String) metrics.get(0)[0], (String) metrics.get(0)[1], "runs",
                rep + ": " + info);
    }

    void events(Driver d, String scenario, String subject, String rep) {
        Map<String, Integer> ev = d.drainEvents();
        if (ev.isEmpty()) {
            return;
        }
        String text = ev.toString();
        log("unexpected from the server%s: %s", scenario == null ? "" : " (" + scenario + ")", text);
        if (scenario != null) {
            results.noteAll(scenario, subject, "server_events", rep, text);
        } else {
            fail("server events between phases: " + text);
        }
    }

    /** Heap and RSS of a server; for Node peers also its connection count. */
    private static final class Memory {
        final long heap;
        final long rss;
        final long connections;

        Memory(long heap, long rss, long connections) {
            this.heap = heap;
            this.rss = rss;
            this.connections = connections;
        }
    }

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern NODE_NUMBER = Pattern.compile("\"(rss|heapUsed|connections)\"\\s*:\\s*(\\d+)");

    private Memory memory(String subject, ServerProcess s) throws IOException, InterruptedException {
        if (subject.equals("parley")) {
            Path jdkJcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            String jcmd = Files.isExecutable(jdkJcmd) ? jdkJcmd.toString() : "jcmd";
            // GC.class_histogram runs a full GC first and counts only live objects.
            String out = Commands.run(List.of(jcmd, String.valueOf(s.pid()), "GC.class_histogram"), null, 60);
            Matcher m = HISTOGRAM_TOTAL.matcher(out);
            if (!m.find()) {
                throw new IOException("no Total in jcmd GC.class_histogram output: " + abbreviate(out, 300));
            }
            return new Memory(Long.parseLong(m.group(2)), s.rssBytes(), -1);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.baseUri().resolve("/__memory"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /__memory: HTTP " + r.statusCode());
        }
        Map<String, Long> v = new LinkedHashMap<>();
        Matcher m = NODE_NUMBER.matcher(r.body());
        while (m.find()) {
            v.put(m.group(1), Long.parseLong(m.group(2)));
        }
        if (v.size() < 3) {
            throw new IOException("GET /__memory: unexpected " + r.body());
        }
        return new Memory(v.get("heapUsed"), v.get("rss"), v.get("connections"));
    }

    private ServerProcess startSubject(String subject, Path dir) throws IOException, InterruptedException {
        if (subject.equals("parley")) {
            return startParley(dir, "jdbc:sqlite:" + dir.resolve("parley.db"));
        }
        if (subject.equals("floor")) {
            return startFloor(repo, dir, this::pinned);
        }
        String script = repo.resolve("bench/peers/" + (subject.equals("ws") ? "ws-server.js" : "socketio-server.js"))
                .toString();
        if (!Files.isDirectory(repo.resolve("bench/peers/node_modules"))) {
            throw new IOException("bench/peers/node_modules is missing: run npm ci in bench/peers (bench/run does)");
        }
        List<String> cmd = pinned(List.of("node", "--expose-gc", script));
        return ServerProcess.start(subject, cmd, Map.of("PORT", "0"), dir, dir.resolve("server.log"),
                Pattern.compile("(?m)^listening (\\d+)"), 30_000);
    }

    /**
     * The C epoll broadcaster of {@code bench/peers/epoll-floor.c}, compiled here with the system's gcc: the floor
     * that Parley's fan-out is reported as a fraction of. It is built only when benchmarking, never by Maven.
     */
    static ServerProcess startFloor(Path repo, Path dir, UnaryOperator<List<String>> pinned)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path binary = dir.resolve("epoll-floor");
        Commands.run(List.of("gcc", "-O2", "-o", binary.toString(),
                repo.resolve("bench/peers/epoll-floor.c").toString()), null, 120);
        return ServerProcess.start("floor", pinned.apply(List.of(binary.toString())), Map.of("PORT", "0"), dir,
                dir.resolve("server.log"), Pattern.compile("(?m)^listening (\\d+)"), 30_000);
    }

    ServerProcess startParley(Path dir, String dbUrl) throws IOException, InterruptedException {
        return startParley(dir, dbUrl, Map.of());
    }

    /** A Parley server on {@code dbUrl}, with {@code extraEnv} (e.g. the bus settings) added to its environment. */
    ServerProcess startParley(Path dir, String dbUrl, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(serverJvm());
        cmd.add("-jar");
        cmd.add(repo.resolve("chat-server-app/target/parley-server.jar").toString());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PARLEY_PORT", "0");
        env.put("PARLEY_BIND", "127.0.0.1");
        env.put("PARLEY_DB_URL", dbUrl);
        env.put("PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS", "100000");
        env.put("PARLEY_WS_RATE_PER_SECOND", "10000");
        env.putAll(extraEnv);
        // The working directory is the scratch directory, so no stray .env is read.
        return ServerProcess.start("parley", pinned(cmd), env, dir, dir.resolve("server.log"),
                Pattern.compile("Parley is running at http://[^:/]+:(\\d+)/"), 90_000);
    }

    List<String> pinned(List<String> cmd) {
        if (!pin) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("taskset", "-c", "0"));
        out.addAll(cmd);
        return out;
    }

    // ---------------------------------------------------------------------------------------------- scenarios 4–6

    /** The PostgreSQL the persistence and two-node scenarios use: env PARLEY_BENCH_POSTGRES_URL. */
    static String postgresUrl() {
        return System.getenv().getOrDefault("PARLEY_BENCH_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    private void persistence() {
        String url = postgresUrl();
        String reachable = reachable(url);
        if (reachable != null) {
            log("persistence: PostgreSQL at %s is not reachable (%s): skipped", url.replaceAll("\\?.*", ""),
                    reachable);
        }
        long t = System.nanoTime();
        log("persistence: running in the bench JVM (its CPU, %s)", pin ? "CPU 1, alone" : "unpinned");
        try {
            results.add(PersistenceBench.run(work.resolve("persistence"), reachable == null ? url : null, quick));
            log("persistence: done in %.0f s", (System.nanoTime() - t) / 1e9);
        } catch (Exception | LinkageError e) {
            failedRow("persistence", e);
        }
    }

    /**
     * Scenarios 5 and 6 on one Parley server (pinned like the others): the history database from
     * {@link HistoryBench#prepare}, then the logins (LoginBench registers its own randomly named users, so sharing
     * the server costs nothing but a few rows in the cached history database).
     */
    private void historyAndLogin() {
        int n = quick ? 100_000 : 1_000_000;
        String scenario = "history-" + (n >= 1_000_000 ? n / 1_000_000 + "m" : n / 1000 + "k");
        ServerProcess server = null;
        try {
            if (only.contains("history")) {
                long t = System.nanoTime();
                try {
                    Path db = HistoryBench.prepare(work.resolve("history"), n).toAbsolutePath();
                    log("history: %,d messages ready in %s (%.0f s)", n, repo.relativize(db),
                            (System.nanoTime() - t) / 1e9);
                    server = startParley(runDir.resolve("history"), "jdbc:sqlite:" + db);
                    results.add(HistoryBench.run(server.baseUri(), quick));
                    log("history: done in %.0f s", (System.nanoTime() - t) / 1e9);
                } catch (Exception | LinkageError e) {
                    failedRow(scenario, e);
                }
            }
            if (only.contains("login")) {
                long t = System.nanoTime();
                try {
                    if (server == null || !server.alive()) {
                        if (server != null) {
                            server.close();
                        }
                        Path dir = runDir.resolve("login");
                        server = startParley(dir, "jdbc:sqlite:" + dir.resolve("parley.db"));
                    }
                    results.add(LoginBench.run(server.baseUri(), quick));
                    log("login: done in %.0f s", (System.nanoTime() - t) / 1e9);
                } catch (Exception | LinkageError e) {
                    failedRow("login", e);
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The search scenario (issue 17) on one Parley server (pinned like the others): see {@link SearchBench}. */
    private void search() {
        int n = quick ? 100_000 : 1_000_000;
        ServerProcess server = null;
        long t = System.nanoTime();
        try {
            Path db = SearchBench.prepare(work.resolve("search"), n).toAbsolutePath();
            log("search: %,d messages ready in %s (%.0f s)", n, repo.relativize(db), (System.nanoTime() - t) / 1e9);
            server = startParley(runDir.resolve("search"), "jdbc:sqlite:" + db);
            results.add(SearchBench.run(server.baseUri(), n, SearchBench.rebuildSeconds(db),
                    quick ? SearchBench.Options.QUICK : SearchBench.Options.FULL));
            log("search: done in %.0f s", (System.nanoTime() - t) / 1e9);
        } catch (Exception | LinkageError e) {
            failedRow("search-" + (quick ? "100k" : "1m"), e);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private void failedRow(String scenario, Throwable e) {
        String why = e instanceof UnsupportedOperationException ? "not implemented: " + e.getMessage() : e.toString();
        fail(scenario + ": " + why);
        results.add(List.of(new Result(scenario, "-", "failed", "", List.of(), 1, Map.of("error", why))));
    }

    /** {@code null} if a TCP connection to the URL's host and port succeeds, else why not. */
    static String reachable(String jdbcUrl) {
        Matcher m = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?").matcher(jdbcUrl);
        if (!m.find()) {
            return null;
        }
        return reachable(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    /** {@code null} if a TCP connection to the host and port succeeds, else why not. */
    static String reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    void fail(String what) {
        failures.add(what);
        log("FAILED: %s", what);
    }

    void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[%4.0fs] %s%n", (System.nanoTime() - started) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                Files.deleteIfExists(p);
            }
        }
    }
}
