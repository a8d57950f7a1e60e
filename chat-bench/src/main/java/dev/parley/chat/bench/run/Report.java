package dev.parley.chat.bench.run;

import dev.parley.chat.bench.Json;
import dev.parley.chat.bench.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The results as a Markdown report and as JSON. */
public final class Report {
    /** The subjects compared side by side, in column order. */
    public static final List<String> SUBJECTS = List.of("parley", "ws", "socketio", "floor");
    /** The subjects of the two-node scenario (issue 11), in column order. */
    public static final List<String> CLUSTER_SUBJECTS = List.of("one-node", "postgres-bus", "redis-bus");
    private static final String CLUSTER_PREFIX = "twonode-";
    /** The store subjects issue 15's throughput targets are about. */
    private static final String STORE_SQLITE_TARGET = "store-64-senders-64-rooms";
    private static final String STORE_POSTGRES_TARGET = "store-8-senders-8-rooms";
    private static final Map<String, String> TITLES = Map.of("parley", "Parley", "ws", "ws", "socketio", "Socket.IO",
            "floor", "C floor",
            "one-node", "one node", "postgres-bus", "2 nodes, PostgreSQL bus", "redis-bus", "2 nodes, Redis bus");

    private final Map<String, Object> machine;
    private final Map<String, Object> method;
    private final List<Result> results;

    /** A report of {@code results}. */
    public Report(Map<String, Object> machine, Map<String, Object> method, List<Result> results) {
        this.machine = machine;
        this.method = method;
        this.results = List.copyOf(results);
    }

    /** Writes {@code latest.json} and {@code latest.md} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("latest.json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("latest.md"), markdown(), StandardCharsets.UTF_8);
    }

    /** The machine-readable form. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("method", method);
        List<Object> rs = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario());
            m.put("subject", r.subject());
            m.put("metric", r.metric());
            m.put("unit", r.unit());
            m.put("samples", new ArrayList<Object>(r.samples()));
            m.put("median", r.median());
            m.put("min", r.min());
            m.put("max", r.max());
            m.put("invalid", r.invalid());
            m.put("notes", new TreeMap<>(r.notes()));
            rs.add(m);
        }
        root.put("results", rs);
        List<Object> targets = new ArrayList<>();
        for (Target t : targets()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", t.what);
            m.put("measured", t.value);
            m.put("met", t.met);
            targets.add(m);
        }
        root.put("targets", targets);
        List<Object> ratios = new ArrayList<>();
        for (Target t : clusterRatios()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ratio", t.what);
            m.put("value", t.value);
            ratios.add(m);
        }
        root.put("cluster_ratios", ratios);
        return Json.write(root);
    }

    /** The human-readable form. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Parley benchmark results\n\n");
        b.append("- **Command:** `").append(method.get("command")).append("` (").append(method.get("mode"))
                .append(" mode), ").append(machine.get("date")).append(", commit ").append(machine.get("commit"))
                .append('\n');
        b.append("- **Machine:** ").append(machine.get("cpu")).append(", ").append(machine.get("cores"))
                .append(" cores, ").append(machine.get("memory")).append(", Linux ").append(machine.get("kernel"))
                .append("; ").append(machine.get("java")).append("; Node ").append(machine.get("node")).append('\n');
        for (Map.Entry<String, Object> e : method.entrySet()) {
            if (!e.getKey().equals("command") && !e.getKey().equals("mode")) {
                b.append("- **").append(e.getKey()).append(":** ").append(e.getValue()).append('\n');
            }
        }
        b.append('\n');

        List<Result> side = new ArrayList<>();
        List<Result> cluster = new ArrayList<>();
        List<Result> other = new ArrayList<>();
        for (Result r : results) {
            if (SUBJECTS.contains(r.subject()) && isSocketScenario(r.scenario())) {
                side.add(r);
            } else if (CLUSTER_SUBJECTS.contains(r.subject()) && r.scenario().startsWith(CLUSTER_PREFIX)) {
                cluster.add(r);
            } else {
                other.add(r);
            }
        }
        if (!side.isEmpty()) {
            b.append("## Scenarios 1–3: side by side (median of valid repeats, range in brackets)\n\n");
            sideBySide(b, side, SUBJECTS);
            List<Target> targets = targets();
            if (!targets.isEmpty()) {
                b.append("## Targets (ratios of medians measured in this run)\n\n| target | measured | met |\n|---|---:|---|\n");
                for (Target t : targets) {
                    b.append("| ").append(t.what).append(" | ").append(t.shown).append(" | ")
                            .append(t.met == null ? "–" : t.met ? "yes" : "**no**").append(" |\n");
                }
                b.append('\n');
            }
        }
        if (!cluster.isEmpty()) {
            b.append("## Two nodes: one sender on node A, subscribers split over nodes A and B (median of valid "
                    + "repeats, range in brackets)\n\n");
            sideBySide(b, cluster, CLUSTER_SUBJECTS);
            List<Target> ratios = clusterRatios();
            if (!ratios.isEmpty()) {
                b.append("### Ratios of medians measured in this run\n\n| ratio | measured |\n|---|---:|\n");
                for (Target t : ratios) {
                    b.append("| ").append(t.what).append(" | ").append(t.shown).append(" |\n");
                }
                b.append('\n');
            }
        }
        if (!other.isEmpty()) {
            b.append("## Scenarios 4–6\n\n| scenario | subject | metric | unit | median | range | valid | invalid |\n"
                    + "|---|---|---|---|---:|---|---:|---:|\n");
            for (Result r : other) {
                b.append("| ").append(r.scenario()).append(" | ").append(r.subject()).append(" | ").append(r.metric())
                        .append(" | ").append(r.unit()).append(" | ").append(fmt(r.median(), r.unit())).append(" | ")
                        .append(r.samples().size() > 1 ? fmt(r.min(), r.unit()) + "–" + fmt(r.max(), r.unit()) : "")
                        .append(" | ").append(r.samples().size()).append(" | ").append(r.invalid()).append(" |\n");
            }
            b.append('\n');
        }
        String notes = notes();
        if (!notes.isEmpty()) {
            b.append("## Notes\n\n").append(notes).append('\n');
        }
        return b.toString();
    }

    /** A table with a row per (scenario, metric) of {@code rs} and a column per subject. */
    private void sideBySide(StringBuilder b, List<Result> rs, List<String> subjects) {
        b.append("| scenario | metric | unit |");
        for (String s : subjects) {
            b.append(' ').append(TITLES.get(s)).append(" |");
        }
        b.append("\n|---|---|---|");
        for (int i = 0; i < subjects.size(); i++) {
            b.append("---:|");
        }
        b.append('\n');
        Set<String> rows = new LinkedHashSet<>();
        for (Result r : rs) {
            rows.add(r.scenario() + "\u0000" + r.metric());
        }
        for (String row : rows) {
            String[] k = row.split("\u0000");
            Result any = null;
            StringBuilder cells = new StringBuilder();
            for (String s : subjects) {
                Result r = find(k[0], s, k[1]);
                any = any == null ? r : any;
                cells.append(' ').append(r == null ? "" : cell(r)).append(" |");
            }
            b.append("| ").append(k[0]).append(" | ").append(k[1]).append(" | ").append(any.unit()).append(" |")
                    .append(cells).append('\n');
        }
        b.append('\n');
    }

    /**
     * The notes by scenario: what every result of the scenario shares once, then what is particular to each result
     * (the JSON has every note on every result).
     */
    private String notes() {
        Map<String, List<Result>> byScenario = new LinkedHashMap<>();
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Result>> e : byScenario.entrySet()) {
            List<Result> rs = e.getValue();
            Map<String, String> common = new TreeMap<>(rs.get(0).notes());
            for (Result r : rs) {
                common.entrySet().removeIf(n -> !n.getValue().equals(r.notes().get(n.getKey())));
            }
            if (rs.size() == 1) {
                common.clear();
            }
            StringBuilder own = new StringBuilder();
            for (Result r : rs) {
                Map<String, String> mine = new TreeMap<>(r.notes());
                mine.keySet().removeAll(common.keySet());
                if (!mine.isEmpty()) {
                    own.append("  - ").append(r.subject()).append(" / ").append(r.metric()).append(": ")
                            .append(join(mine)).append('\n');
                }
            }
            if (!common.isEmpty() || own.length() > 0) {
                b.append("- **").append(e.getKey()).append("**");
                b.append(common.isEmpty() ? "" : ": " + join(common)).append('\n').append(own);
            }
        }
        return b.toString();
    }

    private static String join(Map<String, String> notes) {
        List<String> parts = new ArrayList<>();
        notes.forEach((k, v) -> parts.add(k + ": " + v.replace("|", "\\|").replace("\n", " ")));
        return String.join(" · ", parts);
    }

    private static boolean isSocketScenario(String scenario) {
        return scenario.startsWith("fanout-") || scenario.startsWith("latency-") || scenario.startsWith("idle-")
                || scenario.startsWith("storm-");
    }

    private Result find(String scenario, String subject, String metric) {
        for (Result r : results) {
            if (r.scenario().equals(scenario) && r.subject().equals(subject) && r.metric().equals(metric)) {
                return r;
            }
        }
        return null;
    }

    private static String cell(Result r) {
        if (r.samples().isEmpty()) {
            return r.invalid() > 0 ? "invalid ×" + r.invalid() : "–";
        }
        StringBuilder c = new StringBuilder(fmt(r.median(), r.unit()));
        if (r.samples().size() > 1) {
            c.append(" (").append(fmt(r.min(), r.unit())).append("–").append(fmt(r.max(), r.unit())).append(')');
        }
        if (r.invalid() > 0) {
            c.append(" [").append(r.invalid()).append(" invalid]");
        }
        return c.toString();
    }

    /** A number for the table, by unit. */
    static String fmt(double v, String unit) {
        if (Double.isNaN(v)) {
            return "–";
        }
        switch (unit) {
            case "% core":
                return String.format(Locale.ROOT, "%.0f%%", v);
            case "s":
                return String.format(Locale.ROOT, "%.2f s", v);
            case "attempts":
                return String.format(Locale.ROOT, "%,.0f", v);
            case "ms":
                return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
            default:
                if (Math.abs(v) >= 100) {
                    return String.format(Locale.ROOT, "%,.0f", v);
                }
                return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3g", v);
        }
    }

    private static final class Target {
        final String what;
        final double value;
        final String shown;
        final Boolean met;

        Target(String what, double value, String shown, Boolean met) {
            this.what = what;
            this.value = value;
            this.shown = shown;
            this.met = met;
        }
    }

    private List<Target> targets() {
        List<Target> out = new ArrayList<>();
        Set<String> scenarios = new LinkedHashSet<>();
        for (Result r : results) {
            scenarios.add(r.scenario());
        }
        for (String sc : scenarios) {
            if (sc.startsWith("fanout-")) {
                ratio(out, sc + ": Parley ≥ 5× Socket.IO deliveries/s", sc, "deliveries_per_s", "socketio", 5, true);
                ratio(out, sc + ": Parley ≥ 1.1× ws deliveries/s", sc, "deliveries_per_s", "ws", 1.1, true);
                ratio(out, sc + ": Parley's fan-out as a fraction of the C floor (no target)", sc, "deliveries_per_s",
                        "floor", Double.NaN, true);
            } else if (sc.startsWith("latency-")) {
                ratio(out, sc + ": Parley p99 ≤ Socket.IO p99", sc, "p99_ms", "socketio", 1.0, false);
                ratio(out, sc + ": Parley server CPU ≤ Socket.IO's", sc, "server_cpu_pct", "socketio", 1.0, false);
                ratio(out, sc + ": Parley p99 vs ws p99 (no target)", sc, "p99_ms", "ws", Double.NaN, false);
            } else if (sc.startsWith("idle-")) {
                Result p = find(sc, "parley", "heap_bytes_per_conn");
                if (p != null) {
                    double v = p.median();
                    out.add(new Target(sc + ": Parley live heap ≤ 6 KB per connection", v,
                            Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f B", v),
                            Double.isNaN(v) ? null : v <= 6 * 1024));
                }
                ratio(out, sc + ": Parley auth + join rate ≥ Socket.IO's connect + join rate", sc, "connects_per_s",
                        "socketio", 1.0, true);
            } else if (sc.equals("persist-sqlite")) {
                absolute(out, sc + ": store ≥ 100k msg/s, 64 senders over 64 rooms", sc, STORE_SQLITE_TARGET,
                        "sends_per_s", 100_000, " msg/s");
                ratio(out, sc + ": store (64 senders, 64 rooms) ≥ 0.5× a raw JDBC batch", sc, STORE_SQLITE_TARGET,
                        "sends_per_s", "raw-batch-256", "rows_per_s", 0.5, true);
            } else if (sc.equals("persist-postgres")) {
                absolute(out, sc + ": store ≥ 10k msg/s, 8 senders over 8 rooms", sc, STORE_POSTGRES_TARGET,
                        "sends_per_s", 10_000, " msg/s");
            } else if (sc.startsWith("storm-")) {
                ratio(out, sc + ": Parley's time until all live / Socket.IO's (no target)", sc, "all_live_s",
                        "socketio", Double.NaN, false);
                ratio(out, sc + ": Parley's time until all live / ws's (no target)", sc, "all_live_s", "ws",
                        Double.NaN, false);
            }
        }
        return out;
    }

    /**
     * The two-node scenario's comparisons: each cluster's deliveries/s against one node's and against each other,
     * and the latencies of each node's subscribers against those of one node (where every subscriber is on node A).
     */
    List<Target> clusterRatios() {
        List<Target> out = new ArrayList<>();
        Set<String> scenarios = new LinkedHashSet<>();
        for (Result r : results) {
            if (r.scenario().startsWith(CLUSTER_PREFIX)) {
                scenarios.add(r.scenario());
            }
        }
        for (String sc : scenarios) {
            if (sc.startsWith(CLUSTER_PREFIX + "fanout-")) {
                for (String s : List.of("postgres-bus", "redis-bus")) {
                    ratio(out, sc + ": deliveries/s, " + TITLES.get(s) + " / one node", sc, s, "deliveries_per_s",
                            "one-node", "deliveries_per_s", Double.NaN, true);
                }
                ratio(out, sc + ": deliveries/s, PostgreSQL bus / Redis bus", sc, "postgres-bus", "deliveries_per_s",
                        "redis-bus", "deliveries_per_s", Double.NaN, true);
            } else if (sc.startsWith(CLUSTER_PREFIX + "latency-")) {
                for (String q : List.of("p50", "p99")) {
                    ratio(out, sc + ": hop A→B " + q + ", PostgreSQL bus / Redis bus", sc, "postgres-bus",
                            "hop_" + q + "_ms", "redis-bus", "hop_" + q + "_ms", Double.NaN, false);
                    for (String s : List.of("postgres-bus", "redis-bus")) {
                        for (String node : List.of("node_a", "node_b")) {
                            ratio(out, sc + ": " + q + " on " + node.replace('_', ' ') + ", " + TITLES.get(s)
                                    + " / one node", sc, s, q + "_ms_" + node, "one-node", q + "_ms", Double.NaN,
                                    false);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@code subject}'s median of {@code metric} against an absolute lower bound. */
    private void absolute(List<Target> out, String what, String scenario, String subject, String metric,
            double atLeast, String unit) {
        Result r = find(scenario, subject, metric);
        if (r == null) {
            return;
        }
        double v = r.median();
        out.add(new Target(what, v, Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f%s", v, unit),
                Double.isNaN(v) ? null : v >= atLeast));
    }

    private void ratio(List<Target> out, String what, String scenario, String metric, String other, double bound,
            boolean atLeast) {
        ratio(out, what, scenario, "parley", metric, other, metric, bound, atLeast);
    }

    /** {@code subject}'s median of {@code metric} over {@code other}'s median of {@code otherMetric}. */
    private void ratio(List<Target> out, String what, String scenario, String subject, String metric, String other,
            String otherMetric, double bound, boolean atLeast) {
        Result p = find(scenario, subject, metric);
        Result o = find(scenario, other, otherMetric);
        if (p == null || o == null) {
            return;
        }
        double v = p.median() / o.median();
        Boolean met = Double.isNaN(v) || Double.isNaN(bound) ? null : atLeast ? v >= bound : v <= bound;
        out.add(new Target(what, v, Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v), met));
    }
}
