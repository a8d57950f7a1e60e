package dev.parley.chat.bench.store;

import dev.parley.chat.bench.Rest;
import dev.parley.chat.bench.Result;
import dev.parley.chat.password4j.Argon2idPasswordHasher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Scenario 6: logins/s with the Argon2id settings in use.
 *
 * <p>Method: {@code users} fresh users register over REST once (each registration is one Argon2id hash on the
 * server). Then for each concurrency C, C client threads, each with its own {@link HttpClient} (HTTP/1.1
 * keep-alive) and its own user (thread i logs in as user i mod K), call {@code POST /api/login} with the correct
 * password back to back, in a closed loop ({@link TimedLoad}): a warm-up, then the repeats. A login counts when the
 * answer is 200 with a token; any other answer is an error, counted by status in the notes, and not a sample.
 * Correct logins never count towards the failed-login throttle (and a success clears its user's failures).
 */
public final class LoginBench {
    static final String SCENARIO = "login";

    /**
     * Durations and sizes.
     *
     * @param users users registered (and logged in as, round robin over the threads)
     * @param concurrency the client counts, each measured in turn
     * @param warmupSeconds warm-up per concurrency, not measured
     * @param repeatSeconds one repeat
     * @param repeats repeats per concurrency
     */
    public record Options(int users, List<Integer> concurrency, double warmupSeconds, double repeatSeconds,
            int repeats) {
        /** Quick: 4 users; 1, 2 and 4 clients, each 0.5 s warm-up and one repeat of 2 s. */
        public static final Options QUICK = new Options(4, List.of(1, 2, 4), 0.5, 2.0, 1);
        /** Full: 8 users; 1, 2 and 4 clients, each 2 s warm-up and 3 repeats of 10/3 s (10 s measured). */
        public static final Options FULL = new Options(8, List.of(1, 2, 4), 2.0, 10.0 / 3, 3);

        public Options {
            concurrency = List.copyOf(concurrency);
            if (users < 1 || concurrency.isEmpty() || warmupSeconds < 0 || repeatSeconds <= 0 || repeats < 1) {
                throw new IllegalArgumentException("bad options");
            }
        }
    }

    private LoginBench() {
    }

    /**
     * Measures against a running server.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:18080/}
     */
    public static List<Result> run(URI baseUrl, boolean quick) {
        return run(baseUrl, quick ? Options.QUICK : Options.FULL);
    }

    /** As {@link #run(URI, boolean)} with explicit options. Never throws: failures end up in the notes. */
    public static List<Result> run(URI baseUrl, Options options) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        Objects.requireNonNull(options, "options == null");
        Rest rest = new Rest(baseUrl);
        String prefix = "lb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String password = "pw-" + UUID.randomUUID();
        List<String> users = new ArrayList<>();
        long registerStart = System.nanoTime();
        try {
            for (int i = 0; i < options.users(); i++) {
                String user = prefix + "u" + i;
                rest.register(user, password);
                users.add(user);
            }
        } catch (IOException | RuntimeException e) {
            return unmeasured(options, "registration failed against " + baseUrl + ": "
                    + PersistenceBench.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unmeasured(options, "interrupted");
        }
        double registerMillis = (System.nanoTime() - registerStart) / 1e6 / options.users();

        int most = options.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<String, String> common = new LinkedHashMap<>();
        common.put("server", rest.base().toString());
        common.put("method", "POST /api/login with the correct password, closed loop, each client thread its own "
                + "HttpClient (HTTP/1.1 keep-alive) and user; a login = Argon2id verify + a new session stored");
        common.put("hasher", "whatever the server uses; the reference server: Argon2idPasswordHasher.owasp() (m="
                + Argon2idPasswordHasher.OWASP_MEMORY_KIB + " KiB, t=" + Argon2idPasswordHasher.OWASP_ITERATIONS
                + ", p=" + Argon2idPasswordHasher.OWASP_PARALLELISM + "), verified on ChatSettings.hashingThreads "
                + "threads (default min(2, cores)): more clients than that only queue");
        common.put("users", options.users() + " registered once, " + Stats.fmt(registerMillis)
                + " ms per registration (sequential)");
        common.put("timing", "first a warm-up of " + Stats.fmt(options.warmupSeconds()) + " s with " + most
                + " clients; then per concurrency: warm-up " + Stats.fmt(options.warmupSeconds()) + " s, then "
                + options.repeats() + " repeat(s) of " + Stats.fmt(options.repeatSeconds()) + " s; one sample per "
                + "repeat (logins/s; p50 = that repeat's median latency)");

        // Server warm-up (JIT of the Argon2 code, pools, caches) at the highest concurrency, not measured; each
        // concurrency then gets its own warm-up as well.
        TimedLoad.Measurement warm = TimedLoad.run(most, t -> new Client(rest, users.get(t % users.size()), password),
                options.warmupSeconds(), Math.min(0.01, options.repeatSeconds()), 1, null);
        if (warm.failure() != null) {
            common.put("warmup_error", PersistenceBench.describe(warm.failure()));
        }
        List<Result> results = new ArrayList<>();
        for (int clients : options.concurrency()) {
            List<Client> all = new ArrayList<>();
            TimedLoad.Measurement m = TimedLoad.run(clients, t -> {
                Client c = new Client(rest, users.get(t % users.size()), password);
                synchronized (all) {
                    all.add(c);
                }
                return c;
            }, options.warmupSeconds(), options.repeatSeconds(), options.repeats(), null);
            results.addAll(toResults(clients, m, all, options, common));
        }
        return results;
    }

    private static List<Result> toResults(int clients, TimedLoad.Measurement m, List<Client> all, Options options,
            Map<String, String> common) {
        String subject = clients + (clients == 1 ? "-client" : "-clients");
        List<Double> medians = new ArrayList<>();
        List<Long> allLatencies = new ArrayList<>();
        for (long[] window : m.windows()) {
            long[] inWindow = all.stream().flatMapToLong(c -> c.latenciesEndingIn(window[0], window[1]).stream()
                    .mapToLong(Long::longValue)).toArray();
            Arrays.sort(inWindow);
            medians.add(Stats.nanosToMillis(Stats.percentileSorted(inWindow, 0.5)));
            for (long v : inWindow) {
                allLatencies.add(v);
            }
        }
        long[] pooled = allLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Integer> errors = new TreeMap<>();
        for (Client c : all) {
            c.errors.forEach((k, v) -> errors.merge(k, v, Integer::sum));
        }
        Map<String, String> notes = new LinkedHashMap<>(common);
        notes.put("clients", Integer.toString(clients));
        notes.put("logins_per_repeat", m.operations().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        notes.put("errors", errors.isEmpty() ? "0" : errors.toString() + " (whole run incl. warm-up)");
        notes.put("latency_pooled", pooled.length == 0 ? "no samples" : String.format(Locale.ROOT,
                "n=%d p50=%s p90=%s p99=%s max=%s ms", pooled.length,
                Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.5))),
                Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.9))),
                Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.99))),
                Stats.fmt(Stats.nanosToMillis(pooled[pooled.length - 1]))));
        if (m.failure() != null) {
            notes.put("error", PersistenceBench.describe(m.failure()));
        }
        int invalid = options.repeats() - m.rates().size();
        List<Double> validMedians = medians.stream().filter(d -> !d.isNaN()).collect(Collectors.toList());
        return List.of(
                new Result(SCENARIO, subject, "logins_per_s", "1/s", m.rates(), invalid, notes),
                new Result(SCENARIO, subject, "p50_ms", "ms", validMedians,
                        options.repeats() - validMedians.size(), notes));
    }

    private static List<Result> unmeasured(Options options, String why) {
        List<Result> results = new ArrayList<>();
        for (int clients : options.concurrency()) {
            String subject = clients + (clients == 1 ? "-client" : "-clients");
            results.add(new Result(SCENARIO, subject, "logins_per_s", "1/s", List.of(), options.repeats(),
                    Map.of("error", why)));
            results.add(new Result(SCENARIO, subject, "p50_ms", "ms", List.of(), options.repeats(),
                    Map.of("error", why)));
        }
        return results;
    }

    /** One client thread: logs in again and again; records each success's end time and latency. */
    private static final class Client implements TimedLoad.Worker {
        private static final int MAX_CONSECUTIVE_FAILURES = 50;
        private final HttpClient http = Rest.newClient();
        private final HttpRequest request;
        private long[] ends = new long[256];
        private long[] latencies = new long[256];
        private int n;
        private int consecutiveFailures;
        final Map<String, Integer> errors = new TreeMap<>();

        Client(Rest rest, String user, String password) {
            this.request = rest.post("api/login", Rest.credentials(user, password), null);
        }

        @Override
        public long step() throws Exception {
            long start = System.nanoTime();
            String problem;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long end = System.nanoTime();
                if (response.statusCode() == 200 && Rest.stringField(response.body(), "token") != null) {
                    record(end, end - start);
                    consecutiveFailures = 0;
                    return 1;
                }
                problem = "HTTP " + response.statusCode();
                String code = Rest.stringField(response.body(), "code");
                if (code != null) {
                    problem += " " + code;
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName();
            }
            errors.merge(problem, 1, Integer::sum);
            if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                throw new IOException(consecutiveFailures + " logins in a row failed; last: " + problem);
            }
            if (problem.startsWith("HTTP 429") || problem.startsWith("HTTP 503")) {
                Thread.sleep(100); // don't hammer a server that asks us to wait
            }
            return 0;
        }

        private synchronized void record(long end, long latency) {
            if (n == ends.length) {
                ends = Arrays.copyOf(ends, n * 2);
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            ends[n] = end;
            latencies[n] = latency;
            n++;
        }

        synchronized List<Long> latenciesEndingIn(long from, long to) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (ends[i] >= from && ends[i] < to) {
                    out.add(latencies[i]);
                }
            }
            return out;
        }
    }
}
