package dev.parley.chat.bench;

import dev.parley.chat.bench.driver.Driver;
import dev.parley.chat.bench.driver.LoadException;
import dev.parley.chat.bench.driver.LoadStats;
import dev.parley.chat.bench.driver.ParleyProtocol;
import dev.parley.chat.bench.driver.ParleySetup;
import dev.parley.chat.bench.run.ServerProcess;
import dev.parley.chat.bench.store.PersistenceBench;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Issue 11: one sender on node A, {@value Bench#SMALL} subscribers split evenly over nodes A and B of a cluster on
 * one PostgreSQL, through each bus, against one node (PostgreSQL store, in-process bus) measured in the same run.
 * Every subject gets a fresh schema ({@code currentSchema=}), a bus channel of its own and fresh servers, pinned like
 * the others (both nodes share CPU 0, so a cluster has the same CPU as the one node); the schema is dropped after.
 * The driver's connection groups split deliveries and latencies by node; each node's {@code parley_bus_*} meters are
 * read from {@code /metrics} after every phase and kept as notes.
 */
final class TwoNodeBench {
    static final String SCENARIO = "twonode";
    /** Deliveries/s of the latency phase (to all subscribers together): {@code -Dbench.twonodeRate}. */
    static final int LATENCY_DELIVERIES_PER_S = Integer.getInteger("bench.twonodeRate", 5_000);
    private static final String[] NODE = {"node_a", "node_b"};
    private static final String DELIVERIES = "deliveries_per_s";
    private static final String CORE = "% core";
    private static final int PROBE_COMMITS = 21;

    private final Bench bench;
    private final String postgresUrl = Bench.postgresUrl();
    private final String redisUrl = System.getenv().getOrDefault("PARLEY_BENCH_REDIS_URL", "redis://127.0.0.1:6379");
    private final HttpClient http = Rest.newClient();

    TwoNodeBench(Bench bench) {
        this.bench = bench;
    }

    static String fanoutScenario() {
        return "twonode-fanout-" + Bench.count(Bench.SMALL);
    }

    static String latencyScenario() {
        return "twonode-latency-" + Bench.count(LATENCY_DELIVERIES_PER_S);
    }

    /** The method line for the report. */
    static String describe(Bench b) {
        return "subjects one-node (PostgreSQL store, PARLEY_BUS=inprocess), postgres-bus and redis-bus (two nodes, "
                + "PARLEY_BUS=postgres or redis://…), interleaved in each repeat; each on a fresh PostgreSQL schema "
                + "(currentSchema=, dropped afterwards) with its own PARLEY_BUS_CHANNEL; every node on CPU 0 (a "
                + "cluster shares the one node's core), PostgreSQL and Redis unpinned; " + Bench.SMALL
                + " subscribers (all on node A with one node, else half on each), the sender is the first subscriber "
                + "on node A; "
                + "fan-out: closed loop, " + Bench.IN_FLIGHT + " messages in flight (a message completes when every "
                + "subscriber on both nodes got it), deliveries/s over " + b.window / Bench.SECOND + " s after "
                + b.firstWarmup / Bench.SECOND + " s warm-up; latency: open loop at " + LATENCY_DELIVERIES_PER_S
                + " deliveries/s (" + LATENCY_DELIVERIES_PER_S / Bench.SMALL + " messages/s), send→receive of every "
                + "delivery in a " + b.latencyWindow / Bench.SECOND + " s window after " + b.warmup / Bench.SECOND
                + " s warm-up, split by the subscriber's node; hop: per message, its first delivery on node B minus "
                + "its first on node A (the bus, node B's read and its first write, without the commit both share); "
                + "server CPU is the nodes' sum; pg_commit_probe_ms: the "
                + "median of " + PROBE_COMMITS + " single-row autocommit inserts into the fresh schema just before "
                + "the servers start (what the shared PostgreSQL's WAL flush costs at that moment)";
    }

    void run() {
        String unreachable = Bench.reachable(postgresUrl);
        if (unreachable != null) {
            bench.fail("twonode: PostgreSQL at " + PersistenceBench.redact(postgresUrl) + " is not reachable ("
                    + unreachable + "): skipped");
            return;
        }
        for (int r = 1; r <= bench.repeats; r++) {
            for (String subject : bench.clusterSubjects) {
                runSubject(subject, r);
            }
        }
    }

    private String bus(String subject) {
        switch (subject) {
            case "postgres-bus":
                return "postgres";
            case "redis-bus":
                return redisUrl;
            default:
                return "inprocess";
        }
    }

    private void runSubject(String subject, int repeat) {
        String rep = "r" + repeat;
        int nodeCount = subject.equals("one-node") ? 1 : 2;
        String id = PersistenceBench.shortId();
        String schema = "parley_bench_2n_" + id;
        List<String> pending = new ArrayList<>(List.of(fanoutScenario(), latencyScenario()));
        List<ServerProcess> nodes = new ArrayList<>();
        Driver driver = null;
        boolean created = false;
        try {
            String redis = redisProblem(subject);
            if (redis != null) {
                throw new IOException(redis);
            }
            PersistenceBench.createSchema(postgresUrl, schema);
            created = true;
            double commitMillis = commitProbe(PersistenceBench.withSchema(postgresUrl, schema));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PARLEY_BUS", bus(subject));
            env.put("PARLEY_BUS_CHANNEL", "parley_bench_" + id);
            String db = PersistenceBench.withSchema(postgresUrl, schema);
            long t = System.nanoTime();
            for (int i = 0; i < nodeCount; i++) {
                // one after the other: the first migrates the schema
                ServerProcess node = bench.startParley(bench.runDir.resolve("twonode-" + subject + "-" + rep + "-"
                        + (char) ('a' + i)), db, env);
                nodes.add(node);
                awaitReady(node);
            }
            List<String> tokens = ParleySetup.prepare(nodes.get(0).baseUri(), Bench.PARLEY_USERS, Bench.ROOM);
            bench.log("twonode %s %s: %s up (schema %s) in %.1f s", subject, rep, nodes, schema,
                    (System.nanoTime() - t) / 1e9);
            driver = new Driver(address(nodes.get(0)), new ParleyProtocol(tokens, Bench.ROOM), Bench.MAX_HANDSHAKES);
            for (int i = 0; i < nodeCount; i++) {
                int share = Bench.SMALL / nodeCount + (i < Bench.SMALL % nodeCount ? 1 : 0);
                driver.connect(i, address(nodes.get(i)), share, 180 * Bench.SECOND);
            }
            driver.idle(Bench.SECOND / 5);
            bench.events(driver, null, null, null);
            LongSupplier cpu = () -> cpuNanos(nodes);
            List<Map<String, Double>> meters = busMeters(nodes);

            String scenario = pending.remove(0);
            LoadStats st = driver.closedLoop(Bench.IN_FLIGHT, bench.firstWarmup, bench.window, cpu);
            bench.events(driver, scenario, subject, rep);
            String info = String.format(Locale.ROOT, "%,.0f deliveries/s (%s), %,d messages, driver %.0f%%, "
                    + "servers %.0f%%", st.deliveriesPerSecond(), perNode(st, nodeCount), st.messages(),
                    st.driverCpuPercent(), st.serverCpuPercent());
            log(subject, rep, scenario, info, st);
            bench.record(scenario, subject, rep, st, info, List.of(
                    new Object[] {DELIVERIES, "deliveries/s", st.deliveriesPerSecond()},
                    new Object[] {"messages_per_s", "msg/s", st.messages() * 1e9 / st.windowNanos()},
                    new Object[] {"server_cpu_pct", CORE, st.serverCpuPercent()}));
            bench.results.sample(scenario, subject, "pg_commit_probe_ms", "ms", commitMillis);
            meters = noteBusMeters(nodes, meters, scenario, subject, rep);

            scenario = pending.remove(0);
            st = driver.openLoop((double) LATENCY_DELIVERIES_PER_S / driver.connections(), bench.warmup,
                    bench.latencyWindow, cpu);
            bench.events(driver, scenario, subject, rep);
            info = String.format(Locale.ROOT, "%,.0f deliveries/s achieved, p50/p99/max %.2f/%.2f/%.1f ms on node A",
                    st.deliveriesPerSecond(), st.latencyMillis(0, 0.5), st.latencyMillis(0, 0.99),
                    st.latencyMillis(0, 1.0))
                    + (nodeCount > 1 ? String.format(Locale.ROOT, ", %.2f/%.2f/%.1f ms on node B, hop A→B "
                            + "p50/p99 %.2f/%.2f ms", st.latencyMillis(1, 0.5), st.latencyMillis(1, 0.99),
                            st.latencyMillis(1, 1.0), st.hopMillis(0.5), st.hopMillis(0.99)) : "")
                    + String.format(Locale.ROOT, ", driver %.0f%%, servers %.0f%%", st.driverCpuPercent(),
                            st.serverCpuPercent());
            log(subject, rep, scenario, info, st);
            bench.record(scenario, subject, rep, st, info, latencyMetrics(st, nodeCount));
            noteBusMeters(nodes, meters, scenario, subject, rep);
        } catch (Exception e) {
            String why = e instanceof LoadException ? e.getMessage() : e.toString();
            bench.fail("twonode " + subject + " " + rep + ": " + why);
            for (String scenario : pending) {
                String metric = scenario.equals(fanoutScenario()) ? DELIVERIES : "p99_ms";
                bench.results.invalid(scenario, subject, metric, scenario.equals(fanoutScenario()) ? "deliveries/s"
                        : "ms", rep, why);
            }
        } finally {
            if (driver != null) {
                try {
                    driver.close();
                } catch (IOException e) {
                    bench.fail("closing the driver: " + e);
                }
            }
            for (int i = 0; i < nodes.size(); i++) {
                bench.stop(nodes.get(i), subject, rep + " node " + (char) ('A' + i),
                        List.of(fanoutScenario(), latencyScenario()));
            }
            if (created) {
                PersistenceBench.dropSchemaQuietly(postgresUrl, schema);
            }
        }
    }

    /**
     * The median time of {@value #PROBE_COMMITS} single-row autocommit inserts into a table of the fresh schema:
     * what one commit (a WAL flush) costs on the shared PostgreSQL just before the servers start, since every
     * message is one such commit and the appends to one room wait for each other's.
     */
    private double commitProbe(String url) throws SQLException {
        long[] took = new long[PROBE_COMMITS];
        try (Connection c = PersistenceBench.adminConnection(url);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bench_commit_probe (n integer)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_commit_probe VALUES (?)")) {
                for (int i = 0; i < PROBE_COMMITS; i++) {
                    long t = System.nanoTime();
                    insert.setInt(1, i);
                    insert.executeUpdate();
                    took[i] = System.nanoTime() - t;
                }
            }
            st.execute("DROP TABLE bench_commit_probe");
        }
        Arrays.sort(took);
        return took[PROBE_COMMITS / 2] / 1e6;
    }

    /** p50 and p99 of every subscriber and of each node's, and the servers' CPU. */
    static List<Object[]> latencyMetrics(LoadStats st, int nodeCount) {
        List<Object[]> m = new ArrayList<>();
        m.add(new Object[] {"p50_ms", "ms", st.latencyMillis(0.5)});
        m.add(new Object[] {"p99_ms", "ms", st.latencyMillis(0.99)});
        for (int i = 0; i < nodeCount; i++) {
            m.add(new Object[] {"p50_ms_" + NODE[i], "ms", st.latencyMillis(i, 0.5)});
            m.add(new Object[] {"p99_ms_" + NODE[i], "ms", st.latencyMillis(i, 0.99)});
        }
        if (nodeCount > 1) {
            m.add(new Object[] {"hop_p50_ms", "ms", st.hopMillis(0.5)});
            m.add(new Object[] {"hop_p99_ms", "ms", st.hopMillis(0.99)});
        }
        m.add(new Object[] {"server_cpu_pct", CORE, st.serverCpuPercent()});
        return m;
    }

    private void log(String subject, String rep, String scenario, String info, LoadStats st) {
        bench.log("twonode %s %s: %s: %s%s", subject, rep, scenario, info,
                st.problem() == null ? "" : " — " + st.problem());
    }

    private static String perNode(LoadStats st, int nodeCount) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            parts.add(String.format(Locale.ROOT, "%,.0f on node %c", st.deliveriesPerSecond(i), 'A' + i));
        }
        return String.join(", ", parts);
    }

    private String redisProblem(String subject) {
        if (!subject.equals("redis-bus")) {
            return null;
        }
        URI u = URI.create(redisUrl);
        String why = Bench.reachable(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
        return why == null ? null : "Redis at " + u.getHost() + ":" + u.getPort() + " is not reachable: " + why;
    }

    private static InetSocketAddress address(ServerProcess s) {
        return new InetSocketAddress("127.0.0.1", s.port());
    }

    private static long cpuNanos(List<ServerProcess> nodes) {
        long sum = 0;
        for (ServerProcess s : nodes) {
            long c = s.cpuNanos();
            if (c < 0) {
                return -1;
            }
            sum += c;
        }
        return sum;
    }

    /** Waits until {@code /health/ready} answers 200: on a cluster node, its bus subscription is confirmed. */
    private void awaitReady(ServerProcess node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60 * Bench.SECOND;
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.baseUri()
                    .resolve("/health/ready")).timeout(Rest.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            last = r.statusCode() + " " + Rest.abbreviate(r.body());
            Thread.sleep(100);
        }
        throw new IOException(node + " not ready after 60 s: " + last);
    }

    /** Each node's {@code parley_bus_*} meters now. */
    private List<Map<String, Double>> busMeters(List<ServerProcess> nodes) throws IOException, InterruptedException {
        List<Map<String, Double>> out = new ArrayList<>();
        for (ServerProcess s : nodes) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.baseUri().resolve("/metrics"))
                    .timeout(Rest.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            Rest.expect(r, 200, "GET /metrics");
            out.add(parseMetrics(r.body(), "parley_bus_"));
        }
        return out;
    }

    /** Notes what each node's bus meters did during the phase; returns the meters now. */
    private List<Map<String, Double>> noteBusMeters(List<ServerProcess> nodes, List<Map<String, Double>> before,
            String scenario, String subject, String rep) throws IOException, InterruptedException {
        List<Map<String, Double>> after = busMeters(nodes);
        if (nodes.size() > 1) {
            for (int i = 0; i < nodes.size(); i++) {
                String text = String.format(Locale.ROOT, "%s node %c: %s", rep, 'A' + i,
                        meterChanges(before.get(i), after.get(i)));
                bench.results.note(scenario, subject, scenario.equals(fanoutScenario()) ? DELIVERIES : "p99_ms",
                        scenario.equals(fanoutScenario()) ? "deliveries/s" : "ms", "bus_meters", text);
                bench.log("twonode %s: %s", subject, text);
            }
        }
        return after;
    }

    /**
     * The samples of a Prometheus text exposition whose names start with {@code prefix}, by name (with labels, if
     * any); comments and lines that do not parse are skipped.
     */
    static Map<String, Double> parseMetrics(String text, String prefix) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || !l.startsWith(prefix)) {
                continue;
            }
            int space = l.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            try {
                out.put(l.substring(0, space).strip(), Double.parseDouble(l.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not a sample
            }
        }
        return out;
    }

    /**
     * What changed between two readings, for a note: counters ({@code _total}) as their increase, gauges as their
     * value now; names without the common {@code parley_bus_} prefix.
     */
    static String meterChanges(Map<String, Double> before, Map<String, Double> after) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String name = e.getKey();
            double v = e.getValue();
            String shown = name.replaceFirst("^parley_bus_", "");
            if (name.endsWith("_total")) {
                parts.add("+" + fmt(v - before.getOrDefault(name, 0.0)) + " " + shown);
            } else {
                parts.add(shown + " " + fmt(v));
            }
        }
        return String.join(", ", parts);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
