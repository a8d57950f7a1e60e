package dev.parley.chat.bench.store;

import dev.parley.chat.bench.Rest;
import dev.parley.chat.bench.Result;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Scenario 5: one page of 50 at 1M stored messages, over REST and over the socket.
 *
 * <p>{@link #prepare} builds the database once (and caches it); {@link #run} measures against a reference server
 * that opened it. See the methods for the exact method.
 */
public final class HistoryBench {
    /** The room {@link #prepare} fills. */
    public static final String ROOM = "history";
    /** Messages per page, REST and socket. */
    public static final int PAGE = 50;
    /** Bump when the content {@link #prepare} writes changes: older cached databases are then rebuilt. */
    static final String FORMAT = "parley-history-v2";
    static final int AUTHORS = 16;
    /** The first message's time; one message about every second after it. */
    static final Instant EPOCH = Instant.parse("2025-01-06T08:00:00Z");
    private static final int ROWS_PER_TRANSACTION = 100_000;
    private static final String FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
            + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit.";

    /**
     * Sample counts.
     *
     * @param warmup requests of each kind before measuring
     * @param samples measured requests of each kind per repeat
     * @param repeats repeats (each gives one p50 and one p99 sample per kind)
     */
    public record Options(int warmup, int samples, int repeats) {
        /** Quick: 100 warm-up requests of each kind, then one repeat of 150 (a few seconds). */
        public static final Options QUICK = new Options(100, 150, 1);
        /** Full: 500 warm-up requests of each kind, then 3 repeats of 500 (1,500 samples each). */
        public static final Options FULL = new Options(500, 500, 3);

        public Options {
            if (warmup < 0 || samples < 1 || repeats < 1) {
                throw new IllegalArgumentException("bad counts");
            }
        }
    }

    private HistoryBench() {
    }

    // ---- preparation ----------------------------------------------------------------------------------------------

    /**
     * Creates (or reuses, if a previous run left it) an SQLite database holding {@code messages} messages in
     * {@link #ROOM}, ready for the reference server to open.
     *
     * <p>The schema comes from opening {@link JooqChatStorage#sqlite} (Liquibase), which also creates the room and
     * {@value #AUTHORS} authors (members of the room, without passwords; their joins are the room's first changes,
     * 1..{@value #AUTHORS}). The messages are then inserted with raw JDBC, {@value #ROWS_PER_TRANSACTION} per
     * transaction, in seq order 1..N with the store's columns: the change numbers following the joins, varying
     * authors and bodies (about 100 bytes), a web-client-like clientMsgId, createdAt about a second apart; finally
     * the room's {@code last_seq} and {@code last_change} are set to match. The load runs with {@code
     * journal_mode=DELETE, synchronous=OFF} (rows written once, no syncs), then the database is switched back to
     * WAL, as the store keeps it. A marker file written only after a successful check (count, min and max seq and
     * change, last_seq, last_change) makes later calls reuse the file.
     *
     * @return the database file
     * @throws UncheckedIOException if the database cannot be built
     */
    public static Path prepare(Path workDir, int messages) {
        Objects.requireNonNull(workDir, "workDir == null");
        if (messages < 1) {
            throw new IllegalArgumentException("messages must be >= 1: " + messages);
        }
        Path file = workDir.resolve("history-" + messages + ".db").toAbsolutePath();
        Path marker = markerOf(file);
        String expected = markerText(messages);
        try {
            if (Files.isRegularFile(file) && Files.isRegularFile(marker)
                    && Files.readString(marker, StandardCharsets.UTF_8).startsWith(expected)) {
                System.out.printf(Locale.ROOT, "history: reusing %s (%,d messages)%n", file, messages);
                return file;
            }
            Files.createDirectories(workDir);
            Files.deleteIfExists(marker);
            Sqlite.delete(file);
            long start = System.nanoTime();
            build(file, messages);
            double seconds = (System.nanoTime() - start) / 1e9;
            Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
            Files.writeString(tmp, expected + String.format(Locale.ROOT, "prepared_at=%s%nprepare_seconds=%.1f%n",
                    Instant.now(), seconds), StandardCharsets.UTF_8);
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf(Locale.ROOT, "history: prepared %,d messages in %.1f s (%,d MB) at %s%n", messages,
                    seconds, Files.size(file) >> 20, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the history database " + file, e);
        } catch (SQLException e) {
            throw new UncheckedIOException("could not prepare the history database " + file,
                    new IOException(e.getMessage(), e));
        }
    }

    static Path markerOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".ready");
    }

    private static String markerText(int messages) {
        return "format=" + FORMAT + "\nroom=" + ROOM + "\nmessages=" + messages + "\n";
    }

    private static void build(Path file, int messages) throws SQLException {
        long roomId;
        long changesBefore; // the joins
        long[] authors = new long[AUTHORS];
        Instant created = EPOCH.minus(Duration.ofDays(1));
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            Room room = storage.rooms().create(new NewRoom(ROOM, RoomType.PUBLIC, 0, created));
            roomId = room.id();
            for (int a = 0; a < AUTHORS; a++) {
                String name = String.format(Locale.ROOT, "author%02d", a);
                User user = storage.users().create(new NewUser(name, name, null, created));
                storage.rooms().addMember(roomId, user.id(), created.plusSeconds(a));
                authors[a] = user.id();
            }
            changesBefore = storage.messages().position(roomId).lastChange();
        }
        try (Connection c = Sqlite.writer(file)) {
            // Bulk-load settings for this connection only; the database ends up in WAL mode as the store leaves
            // it. Without a WAL, the rows are written once instead of twice (WAL, then checkpoint), and without
            // syncs; a crash here leaves no marker, so the next call rebuilds.
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = DELETE");
                s.execute("PRAGMA synchronous = OFF");
                s.execute("PRAGMA cache_size = -131072"); // 128 MiB: the index pages stay cached
            }
            int[] counters = new int[AUTHORS];
            try (PreparedStatement begin = c.prepareStatement("BEGIN IMMEDIATE");
                    PreparedStatement commit = c.prepareStatement("COMMIT");
                    PreparedStatement insert = c.prepareStatement(RawMessageWriter.INSERT_NO_RETURN)) {
                for (long seq = 1; seq <= messages; ) {
                    begin.execute();
                    long end = Math.min(messages, seq + ROWS_PER_TRANSACTION - 1);
                    for (; seq <= end; seq++) {
                        int author = authorOf(seq);
                        int n = ++counters[author];
                        RawMessageWriter.bindRow(insert, roomId, seq, changesBefore + seq, authors[author],
                                bodyOf(seq), clientMsgIdOf(author, n), createdAtNanos(seq));
                        insert.addBatch();
                        if (seq % 1000 == 0) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                    commit.execute();
                }
            }
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE \"rooms\" SET \"last_seq\" = ?, \"last_change\" = ? WHERE \"id\" = ?")) {
                update.setLong(1, messages);
                update.setLong(2, changesBefore + messages);
                update.setLong(3, roomId);
                if (update.executeUpdate() != 1) {
                    throw new SQLException("room " + roomId + " vanished");
                }
            }
            verify(c, roomId, messages, changesBefore);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = FULL");
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!rs.next() || !rs.getString(1).equalsIgnoreCase("wal")) {
                        throw new SQLException("could not switch the database back to WAL");
                    }
                }
            }
        }
    }

    /** Checks the counts and bounds; the unique indexes on (room, seq) and (room, change) make them dense. */
    private static void verify(Connection c, long roomId, int messages, long changesBefore) throws SQLException {
        try (PreparedStatement check = c.prepareStatement("SELECT COUNT(*), MIN(\"seq\"), MAX(\"seq\"), "
                + "MIN(\"change_seq\"), MAX(\"change_seq\"), "
                + "(SELECT \"last_seq\" FROM \"rooms\" WHERE \"id\" = ?), "
                + "(SELECT \"last_change\" FROM \"rooms\" WHERE \"id\" = ?) "
                + "FROM \"messages\" WHERE \"room_id\" = ?")) {
            for (int i = 1; i <= 3; i++) {
                check.setLong(i, roomId);
            }
            try (ResultSet rs = check.executeQuery()) {
                rs.next();
                long[] got = new long[7];
                for (int i = 0; i < got.length; i++) {
                    got[i] = rs.getLong(i + 1);
                }
                long lastChange = changesBefore + messages;
                long[] expected = {messages, 1, messages, changesBefore + 1, lastChange, messages, lastChange};
                if (!Arrays.equals(got, expected)) {
                    throw new SQLException("history database check failed: count, min and max seq, min and max "
                            + "change, last_seq, last_change = " + Arrays.toString(got) + ", expected "
                            + Arrays.toString(expected));
                }
            }
        }
    }

    /** The author of a message: a fixed pseudo-random spread over the authors. */
    static int authorOf(long seq) {
        return (int) ((seq * 0x9E3779B97F4A7C15L) >>> 60) % AUTHORS;
    }

    /** A body of 30 to 170 characters (about 100 on average). */
    static String bodyOf(long seq) {
        String head = "message " + seq + ": ";
        int length = 30 + (int) ((seq * 0xC2B2AE3D27D4EB4FL) >>> 57) + (int) (seq % 13);
        int fill = Math.max(1, length - head.length());
        int from = (int) (seq % 40);
        return head + FILLER.substring(from, Math.min(FILLER.length(), from + fill));
    }

    /** Like the web client's: {@code web-<session>-<counter>}, a new session every 500 messages of an author. */
    static String clientMsgIdOf(int author, int n) {
        int session = (n - 1) / 500;
        return "web-a" + author + "s" + Integer.toString(session, 36) + "-" + ((n - 1) % 500 + 1);
    }

    /** About one message per second from {@link #EPOCH}, with microsecond jitter; strictly increasing. */
    static long createdAtNanos(long seq) {
        long epoch = EPOCH.getEpochSecond() * 1_000_000_000L;
        return epoch + seq * 1_000_000_000L + ((seq * 7919) % 1_000_000) * 1_000;
    }

    // ---- measurement ----------------------------------------------------------------------------------------------

    /**
     * Measures against a running server that opened the database from {@link #prepare}.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:18080/}
     */
    public static List<Result> run(URI baseUrl, boolean quick) {
        return run(baseUrl, quick ? Options.QUICK : Options.FULL);
    }

    /**
     * As {@link #run(URI, boolean)} with explicit counts. Never throws: if the set-up fails, the results have no
     * samples and say why.
     *
     * <p>Method: a fresh user registers, logs in and joins {@link #ROOM} over REST. N is read from the newest page.
     * Three kinds of request, each timed on the client with {@link System#nanoTime()} around one blocking call, one
     * at a time (no concurrency):
     * <ul>
     *   <li>{@code rest-latest}: {@code GET /api/messages?room=history&limit=50} (the newest page);
     *   <li>{@code rest-deep}: the same with {@code before=S}, S drawn uniformly from the middle half of the room
     *       (a fixed-seed sequence, so every run reads the same pages), i.e. pages deep in the past and mostly not
     *       in SQLite's page cache;
     *   <li>{@code ws-resume}: on one authenticated socket reused for every sample, {@code resume} with {@code
     *       afterSeq = N - 50}, until the 50th replayed {@code message} frame has arrived ({@code resume} replaces
     *       the socket's subscription, so no live traffic piles up).
     * </ul>
     * Every answer is checked (HTTP 200 and the exact 50 seqs expected; for the socket, {@code subscribed} then
     * consecutive seqs); a failed request is not a sample and is counted in the notes. Each kind gets its warm-up,
     * then per repeat a block of samples of each kind in turn; each Result's samples are the per-repeat p50 (or
     * p99, nearest rank) and its notes give the pooled percentiles of all samples.
     */
    public static List<Result> run(URI baseUrl, Options options) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        Objects.requireNonNull(options, "options == null");
        Rest rest = new Rest(baseUrl);
        long lastSeq;
        String token;
        Map<String, String> common = new LinkedHashMap<>();
        try {
            String user = "hb" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String password = "pw-" + UUID.randomUUID();
            rest.register(user, password);
            token = rest.login(user, password);
            rest.join(ROOM, token);
            HttpResponse<String> newest = rest.send(latestRequest(rest, token));
            Rest.expect(newest, 200, "GET newest page");
            long[] seqs = Rest.allSeqs(newest.body());
            if (seqs.length == 0) {
                throw new IOException("room " + ROOM + " is empty: run prepare() and point the server at it");
            }
            lastSeq = seqs[seqs.length - 1];
            if (lastSeq < 8L * PAGE) {
                throw new IOException("room " + ROOM + " holds only " + lastSeq + " messages");
            }
        } catch (IOException | RuntimeException e) {
            return unmeasured("history", options, "set-up failed against " + baseUrl + ": "
                    + PersistenceBench.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unmeasured("history", options, "interrupted");
        }
        String scenario = "history-" + countLabel(lastSeq);
        common.put("server", rest.base().toString());
        common.put("messages", Long.toString(lastSeq));
        common.put("client", "JDK java.net.http, HTTP/1.1 keep-alive on one connection; requests one at a time");
        common.put("timing", "warm-up " + options.warmup() + " requests per kind, then " + options.repeats()
                + " repeat(s) of " + options.samples() + " per kind (blocks: rest-latest, rest-deep, ws-resume); "
                + "one sample per repeat = that repeat's percentile (nearest rank)");

        Series latest = new Series();
        Series deep = new Series();
        Series resume = new Series();
        SplittableRandom cursors = new SplittableRandom(42);
        HttpRequest latestRequest = latestRequest(rest, token);
        ResumeSocket socket = null;
        try {
            socket = ResumeSocket.open(Rest.newClient(), rest.webSocketUri(), token);
            for (int i = 0; i < options.warmup(); i++) {
                timeRest(rest, latestRequest, lastSeq + 1, lastSeq, null);
                long before = deepCursor(cursors, lastSeq);
                timeRest(rest, deepRequest(rest, token, before), before, lastSeq, null);
                timeResume(socket, lastSeq, null);
            }
            for (int r = 0; r < options.repeats(); r++) {
                latest.startRepeat();
                for (int i = 0; i < options.samples(); i++) {
                    timeRest(rest, latestRequest, lastSeq + 1, lastSeq, latest);
                }
                deep.startRepeat();
                for (int i = 0; i < options.samples(); i++) {
                    long before = deepCursor(cursors, lastSeq);
                    timeRest(rest, deepRequest(rest, token, before), before, lastSeq, deep);
                }
                resume.startRepeat();
                for (int i = 0; i < options.samples(); i++) {
                    if (socket == null) {
                        socket = ResumeSocket.open(Rest.newClient(), rest.webSocketUri(), token);
                    }
                    if (!timeResume(socket, lastSeq, resume)) {
                        socket.close(); // its state is unknown after a failure: start afresh
                        socket = null;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            common.put("aborted", PersistenceBench.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            common.put("aborted", "interrupted");
        } finally {
            if (socket != null) {
                socket.close();
            }
        }

        List<Result> results = new ArrayList<>();
        Map<String, String> latestNotes = new LinkedHashMap<>(common);
        latestNotes.put("request", "GET /api/messages?room=" + ROOM + "&limit=" + PAGE + " (newest page)");
        results.addAll(latest.results(scenario, "rest-latest", options, latestNotes));
        Map<String, String> deepNotes = new LinkedHashMap<>(common);
        deepNotes.put("request", "GET /api/messages?room=" + ROOM + "&limit=" + PAGE + "&before=S, S uniform in ["
                + (lastSeq / 4) + ", " + (3 * lastSeq / 4) + "] (fixed seed)");
        results.addAll(deep.results(scenario, "rest-deep", options, deepNotes));
        Map<String, String> resumeNotes = new LinkedHashMap<>(common);
        resumeNotes.put("request", "WebSocket /ws, one authenticated socket reused: resume {room:" + ROOM
                + ", afterSeq:" + (lastSeq - PAGE) + "} until the " + PAGE + "th replayed message frame");
        results.addAll(resume.results(scenario, "ws-resume", options, resumeNotes));
        return results;
    }

    private static HttpRequest latestRequest(Rest rest, String token) {
        return rest.get("api/messages?room=" + Rest.encode(ROOM) + "&limit=" + PAGE, token);
    }

    private static HttpRequest deepRequest(Rest rest, String token, long before) {
        return rest.get("api/messages?room=" + Rest.encode(ROOM) + "&limit=" + PAGE + "&before=" + before, token);
    }

    private static long deepCursor(SplittableRandom random, long lastSeq) {
        return lastSeq / 4 + random.nextLong(lastSeq / 2 + 1);
    }

    /**
     * Times one GET of the page just below {@code before}; records it in {@code series} (if not null) when the page
     * is exactly the 50 expected seqs.
     */
    private static void timeRest(Rest rest, HttpRequest request, long before, long lastSeq, Series series)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = rest.send(request);
        long elapsed = System.nanoTime() - start;
        String problem = null;
        if (response.statusCode() != 200) {
            problem = "HTTP " + response.statusCode();
        } else {
            long[] seqs = Rest.allSeqs(response.body());
            long first = Math.min(before, lastSeq + 1) - PAGE;
            if (seqs.length != PAGE || seqs[0] != first || seqs[PAGE - 1] != first + PAGE - 1) {
                problem = "unexpected page: " + seqs.length + " messages from " + (seqs.length > 0 ? seqs[0] : -1)
                        + ", expected " + PAGE + " from " + first;
            }
        }
        if (series != null) {
            series.record(elapsed, problem);
        } else if (problem != null) {
            throw new IOException("warm-up request failed: " + problem);
        }
    }

    /** Times one resume; false if it failed (then the failure is counted in {@code series}). */
    private static boolean timeResume(ResumeSocket socket, long lastSeq, Series series)
            throws IOException, InterruptedException {
        try {
            long elapsed = socket.resume(ROOM, lastSeq - PAGE, PAGE);
            if (series != null) {
                series.record(elapsed, null);
            }
            return true;
        } catch (IOException e) {
            if (series == null) {
                throw new IOException("warm-up resume failed: " + e.getMessage(), e);
            }
            series.record(0, e.getMessage());
            return false;
        }
    }

    static String countLabel(long n) {
        if (n % 1_000_000 == 0) {
            return (n / 1_000_000) + "m";
        }
        if (n % 1_000 == 0) {
            return (n / 1_000) + "k";
        }
        return Long.toString(n);
    }

    private static List<Result> unmeasured(String scenario, Options options, String why) {
        List<Result> results = new ArrayList<>();
        for (String subject : List.of("rest-latest", "rest-deep", "ws-resume")) {
            for (String metric : List.of("p50_ms", "p99_ms")) {
                results.add(new Result(scenario, subject, metric, "ms", List.of(), options.repeats(),
                        Map.of("error", why)));
            }
        }
        return results;
    }

    /** The latencies of one kind of request, by repeat. */
    static final class Series {
        private final List<long[]> repeats = new ArrayList<>();
        private final List<Integer> sizes = new ArrayList<>();
        private int failures;
        private String firstFailure;

        void startRepeat() {
            repeats.add(new long[64]);
            sizes.add(0);
        }

        void record(long nanos, String problem) {
            if (problem != null) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = problem;
                }
                return;
            }
            int r = repeats.size() - 1;
            long[] values = repeats.get(r);
            int n = sizes.get(r);
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
                repeats.set(r, values);
            }
            values[n] = nanos;
            sizes.set(r, n + 1);
        }

        /** A p50 and a p99 Result; a repeat with no valid sample is counted invalid. */
        List<Result> results(String scenario, String subject, Options options, Map<String, String> common) {
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            long[] pooled = new long[0];
            List<String> counts = new ArrayList<>();
            for (int r = 0; r < repeats.size(); r++) {
                int n = sizes.get(r);
                counts.add(Integer.toString(n));
                if (n == 0) {
                    continue;
                }
                long[] sorted = Arrays.copyOf(repeats.get(r), n);
                Arrays.sort(sorted);
                p50.add(Stats.nanosToMillis(Stats.percentileSorted(sorted, 0.50)));
                p99.add(Stats.nanosToMillis(Stats.percentileSorted(sorted, 0.99)));
                int old = pooled.length;
                pooled = Arrays.copyOf(pooled, old + n);
                System.arraycopy(sorted, 0, pooled, old, n);
            }
            Arrays.sort(pooled);
            Map<String, String> notes = new LinkedHashMap<>(common);
            notes.put("samples_per_repeat", String.join(", ", counts));
            notes.put("pooled", pooled.length == 0 ? "no samples" : String.format(Locale.ROOT,
                    "n=%d min=%s p50=%s p90=%s p99=%s max=%s ms", pooled.length,
                    Stats.fmt(Stats.nanosToMillis(pooled[0])),
                    Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.50))),
                    Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.90))),
                    Stats.fmt(Stats.nanosToMillis(Stats.percentileSorted(pooled, 0.99))),
                    Stats.fmt(Stats.nanosToMillis(pooled[pooled.length - 1]))));
            notes.put("failed_requests", failures == 0 ? "0" : failures + " (first: " + firstFailure + ")");
            int invalid = options.repeats() - p50.size();
            return List.of(
                    new Result(scenario, subject, "p50_ms", "ms", p50, invalid, notes),
                    new Result(scenario, subject, "p99_ms", "ms", p99, invalid, notes));
        }
    }
}
