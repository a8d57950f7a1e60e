package dev.parley.chat.bench.store;

import dev.parley.chat.bench.Rest;
import dev.parley.chat.bench.Result;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search scenario (issue 17): {@code GET /api/search} latency at 1M stored messages on SQLite (FTS5).
 *
 * <p>{@link #prepare} builds the database once (and caches it, like {@link HistoryBench}); {@link #run} measures
 * against a reference server that opened it.
 */
public final class SearchBench {
    /** The rooms {@link #prepare} fills, messages spread round-robin over them. */
    static final int ROOMS = 4;
    /** Bump when the content {@link #prepare} writes changes: older cached databases are then rebuilt. */
    static final String FORMAT = "parley-search-v2";
    /** The words bodies are made of: each appears in about a fifth of the messages. */
    static final List<String> WORDS = List.of("amber", "bridge", "cobalt", "delta", "ember", "falcon", "garnet",
            "harbor", "indigo", "juniper", "kettle", "lantern", "meadow", "nickel", "orchid", "pepper", "quartz",
            "river", "saffron", "timber", "umber", "velvet", "willow", "xenon", "yonder", "zephyr", "anchor",
            "beacon", "canyon", "dune", "echo", "fjord", "glacier", "hollow", "island", "jasper", "koala", "lagoon",
            "maple", "nectar");
    /** Words per body, besides the fixed ones. */
    static final int WORDS_PER_BODY = 8;
    /** {@code status} is in about every tenth message (drawn per message, so in every room): the common term. */
    static final String COMMON = "status";
    /** Every message holds one {@code rareNNNN}, NNNN in 1000..9999: about n / 9000 messages each. */
    static final int RARE_FROM = 1000;
    static final int RARE_TO = 9999;
    private static final int ROWS_PER_TRANSACTION = 100_000;
    private static final Pattern RESULT = Pattern.compile("\"highlights\"");

    /**
     * Sample counts.
     *
     * @param warmup requests of each shape before measuring
     * @param samples measured requests of each shape per repeat
     * @param repeats repeats (each gives one p50 and one p99 sample per shape)
     */
    public record Options(int warmup, int samples, int repeats) {
        /** Quick: 20 warm-up requests of each shape, then one repeat of 50. */
        public static final Options QUICK = new Options(20, 50, 1);
        /** Full: 100 warm-up requests of each shape, then 3 repeats of 200 (600 samples each). */
        public static final Options FULL = new Options(100, 200, 3);

        public Options {
            if (warmup < 0 || samples < 1 || repeats < 1) {
                throw new IllegalArgumentException("bad counts");
            }
        }
    }

    /** One kind of query: its name, what it asks and the query string of sample {@code i}. */
    private record Shape(String name, String description, IntFunction<String> query) {
    }

    private SearchBench() {
    }

    /** The name of room {@code r}. */
    static String room(int r) {
        return "search-" + r;
    }

    /** The body of message {@code n} (1-based, over all rooms): 8 words, one in ten {@code status}, a rare word. */
    static String bodyOf(long n) {
        SplittableRandom random = new SplittableRandom(n);
        StringBuilder b = new StringBuilder("Note ").append(n).append(':');
        for (int i = 0; i < WORDS_PER_BODY; i++) {
            b.append(' ').append(WORDS.get(random.nextInt(WORDS.size())));
        }
        if (random.nextInt(10) == 0) {
            b.append(", ").append(COMMON);
        }
        return b.append(" rare").append(RARE_FROM + random.nextInt(RARE_TO - RARE_FROM + 1)).append('.').toString();
    }

    // ---- preparation ----------------------------------------------------------------------------------------------

    /**
     * Creates (or reuses, if a previous run left it) an SQLite database holding {@code messages} messages spread
     * over {@value #ROOMS} public rooms, ready for the reference server to open.
     *
     * <p>The schema comes from opening {@link JooqChatStorage#sqlite} (Liquibase, so the FTS5 table and its
     * triggers exist), which also creates the rooms and {@value HistoryBench#AUTHORS} authors (members of every
     * room). The messages are inserted with raw JDBC through the store's columns, {@value #ROWS_PER_TRANSACTION}
     * per transaction, under {@code journal_mode=DELETE, synchronous=OFF}; the triggers index each row as it is
     * inserted. Then the index is rebuilt once from the table ({@code INSERT INTO messages_fts(messages_fts)
     * VALUES('rebuild')}), timed: exactly what change set {@code 12-search} does to an existing database, so its
     * time is the migration's backfill time at this size. The marker file records both times.
     *
     * @return the database file
     */
    public static Path prepare(Path workDir, int messages) {
        Objects.requireNonNull(workDir, "workDir == null");
        if (messages < ROOMS) {
            throw new IllegalArgumentException("messages must be >= " + ROOMS + ": " + messages);
        }
        Path file = workDir.resolve("search-" + messages + ".db").toAbsolutePath();
        Path marker = HistoryBench.markerOf(file);
        String expected = "format=" + FORMAT + "\nmessages=" + messages + "\n";
        try {
            if (Files.isRegularFile(file) && Files.isRegularFile(marker)
                    && Files.readString(marker, StandardCharsets.UTF_8).startsWith(expected)) {
                System.out.printf(Locale.ROOT, "search: reusing %s (%,d messages)%n", file, messages);
                return file;
            }
            Files.createDirectories(workDir);
            Files.deleteIfExists(marker);
            Sqlite.delete(file);
            long start = System.nanoTime();
            double rebuild = build(file, messages);
            double seconds = (System.nanoTime() - start) / 1e9;
            Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
            Files.writeString(tmp, expected + String.format(Locale.ROOT,
                    "prepared_at=%s%nprepare_seconds=%.1f%nfts_rebuild_seconds=%.1f%n", Instant.now(), seconds,
                    rebuild), StandardCharsets.UTF_8);
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf(Locale.ROOT, "search: prepared %,d messages in %.1f s, FTS rebuild %.1f s (%,d MB)%n",
                    messages, seconds, rebuild, Files.size(file) >> 20);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the search database " + file, e);
        } catch (SQLException e) {
            throw new UncheckedIOException("could not prepare the search database " + file,
                    new IOException(e.getMessage(), e));
        }
    }

    /** The seconds the FTS rebuild (the migration's backfill) took, read from a prepared database's marker. */
    public static String rebuildSeconds(Path file) {
        try {
            Matcher m = Pattern.compile("fts_rebuild_seconds=(\\S+)").matcher(
                    Files.readString(HistoryBench.markerOf(file), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : "n/a";
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** Loads the rows; returns the seconds of the final FTS rebuild. */
    private static double build(Path file, int messages) throws SQLException {
        long[] roomIds = new long[ROOMS];
        long[] authors = new long[HistoryBench.AUTHORS];
        long changesBefore;
        Instant created = HistoryBench.EPOCH.minus(Duration.ofDays(1));
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            for (int r = 0; r < ROOMS; r++) {
                roomIds[r] = storage.rooms().create(new NewRoom(room(r), RoomType.PUBLIC, 0, created)).id();
            }
            for (int a = 0; a < authors.length; a++) {
                String name = String.format(Locale.ROOT, "author%02d", a);
                User user = storage.users().create(new NewUser(name, name, null, created));
                authors[a] = user.id();
                for (long roomId : roomIds) {
                    storage.rooms().addMember(roomId, user.id(), created.plusSeconds(a));
                }
            }
            changesBefore = storage.messages().position(roomIds[0]).lastChange();
        }
        try (Connection c = Sqlite.writer(file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = DELETE");
                s.execute("PRAGMA synchronous = OFF");
                s.execute("PRAGMA cache_size = -262144"); // 256 MiB: the FTS segments being merged stay cached
            }
            int[] counters = new int[authors.length];
            long[] seqs = new long[ROOMS];
            try (PreparedStatement begin = c.prepareStatement("BEGIN IMMEDIATE");
                    PreparedStatement commit = c.prepareStatement("COMMIT");
                    PreparedStatement insert = c.prepareStatement(RawMessageWriter.INSERT_NO_RETURN)) {
                for (long n = 1; n <= messages; ) {
                    begin.execute();
                    long end = Math.min(messages, n + ROWS_PER_TRANSACTION - 1);
                    for (; n <= end; n++) {
                        int r = (int) ((n - 1) % ROOMS);
                        long seq = ++seqs[r];
                        int author = HistoryBench.authorOf(n);
                        int k = ++counters[author];
                        RawMessageWriter.bindRow(insert, roomIds[r], seq, changesBefore + seq, authors[author],
                                bodyOf(n), HistoryBench.clientMsgIdOf(author, k), HistoryBench.createdAtNanos(n));
                        insert.addBatch();
                        if (n % 1000 == 0) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                    commit.execute();
                }
            }
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE \"rooms\" SET \"last_seq\" = ?, \"last_change\" = ? WHERE \"id\" = ?")) {
                for (int r = 0; r < ROOMS; r++) {
                    update.setLong(1, seqs[r]);
                    update.setLong(2, changesBefore + seqs[r]);
                    update.setLong(3, roomIds[r]);
                    update.addBatch();
                }
                update.executeBatch();
            }
            long t = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO \"messages_fts\"(\"messages_fts\") VALUES ('rebuild')");
            }
            double rebuild = (System.nanoTime() - t) / 1e9;
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA journal_mode = WAL");
            }
            return rebuild;
        }
    }

    // ---- measurement ----------------------------------------------------------------------------------------------

    /**
     * Measures against a running server that opened the database from {@link #prepare}.
     *
     * <p>Method: a fresh user registers, logs in and joins the {@value #ROOMS} rooms over REST. Four query shapes,
     * each timed on the client with {@link System#nanoTime()} around one blocking {@code GET /api/search} (default
     * limit 20), one request at a time: {@code rare} (one {@code rareNNNN}, NNNN from a fixed-seed sequence, about
     * n / 9000 matches), {@code common} ({@code status}, a tenth of the messages), {@code two-terms} (two words from
     * a fixed-seed sequence, each in about a fifth of the messages), {@code room} ({@code status} in one room, the
     * room from a fixed-seed sequence). Every answer must be HTTP 200 with at least one result; anything else is not
     * a sample and is counted. Warm-up per shape, then per repeat a block of samples of each shape in turn.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:18080/}
     * @param messages how many messages the database holds (for the scenario's name)
     * @param backfill the seconds of the FTS rebuild at this size, for the notes
     */
    public static List<Result> run(URI baseUrl, int messages, String backfill, Options options) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        String scenario = "search-" + HistoryBench.countLabel(messages);
        SplittableRandom random = new SplittableRandom(17);
        List<Shape> shapes = List.of(
                new Shape("rare", "q=rareNNNN, NNNN uniform in " + RARE_FROM + ".." + RARE_TO + " (fixed seed)",
                        i -> "q=rare" + (RARE_FROM + random.nextInt(RARE_TO - RARE_FROM + 1))),
                new Shape("common", "q=" + COMMON + " (in about a tenth of the messages)", i -> "q=" + COMMON),
                new Shape("two-terms", "q=<word> <word>, two of the " + WORDS.size() + " words (fixed seed)",
                        i -> "q=" + Rest.encode(WORDS.get(random.nextInt(WORDS.size())) + " "
                                + WORDS.get(random.nextInt(WORDS.size())))),
                new Shape("room", "q=" + COMMON + "&room=search-R, R uniform in 0.." + (ROOMS - 1) + " (fixed seed)",
                        i -> "q=" + COMMON + "&room=" + room(random.nextInt(ROOMS))));
        Rest rest = new Rest(baseUrl);
        String token;
        try {
            String user = "sb" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String password = "pw-" + UUID.randomUUID();
            rest.register(user, password);
            token = rest.login(user, password);
            for (int r = 0; r < ROOMS; r++) {
                rest.join(room(r), token);
            }
        } catch (IOException | RuntimeException e) {
            return unmeasured(scenario, shapes, options, "set-up failed against " + baseUrl + ": "
                    + PersistenceBench.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unmeasured(scenario, shapes, options, "interrupted");
        }
        Map<String, String> common = new LinkedHashMap<>();
        common.put("server", rest.base().toString());
        common.put("messages", messages + " over " + ROOMS + " rooms, bodies of " + WORDS_PER_BODY
                + " words from " + WORDS.size() + " plus a rare word (SQLite, FTS5)");
        common.put("fts_rebuild_seconds", backfill);
        common.put("client", "JDK java.net.http, HTTP/1.1 keep-alive on one connection; requests one at a time");
        common.put("timing", "warm-up " + options.warmup() + " requests per shape, then " + options.repeats()
                + " repeat(s) of " + options.samples() + " per shape; one sample per repeat = that repeat's "
                + "percentile (nearest rank)");
        List<HistoryBench.Series> series = new ArrayList<>();
        for (int s = 0; s < shapes.size(); s++) {
            series.add(new HistoryBench.Series());
        }
        try {
            for (Shape shape : shapes) {
                for (int i = 0; i < options.warmup(); i++) {
                    time(rest, token, shape.query().apply(i), null);
                }
            }
            for (int r = 0; r < options.repeats(); r++) {
                for (int s = 0; s < shapes.size(); s++) {
                    series.get(s).startRepeat();
                    for (int i = 0; i < options.samples(); i++) {
                        time(rest, token, shapes.get(s).query().apply(i), series.get(s));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            common.put("aborted", PersistenceBench.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            common.put("aborted", "interrupted");
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < shapes.size(); s++) {
            Map<String, String> notes = new LinkedHashMap<>(common);
            notes.put("request", "GET /api/search?" + shapes.get(s).description());
            results.addAll(series.get(s).results(scenario, shapes.get(s).name(),
                    new HistoryBench.Options(options.warmup(), options.samples(), options.repeats()), notes));
        }
        return results;
    }

    private static void time(Rest rest, String token, String query, HistoryBench.Series series)
            throws IOException, InterruptedException {
        HttpRequest request = rest.get("api/search?" + query, token);
        long start = System.nanoTime();
        HttpResponse<String> response = rest.send(request);
        long elapsed = System.nanoTime() - start;
        String problem = null;
        if (response.statusCode() != 200) {
            problem = "HTTP " + response.statusCode() + " " + Rest.abbreviate(response.body());
        } else if (!RESULT.matcher(response.body()).find()) {
            problem = "no result for " + query;
        }
        if (series != null) {
            series.record(elapsed, problem);
        } else if (problem != null) {
            throw new IOException("warm-up request failed: " + problem);
        }
    }

    private static List<Result> unmeasured(String scenario, List<Shape> shapes, Options options, String why) {
        List<Result> results = new ArrayList<>();
        for (Shape shape : shapes) {
            for (String metric : List.of("p50_ms", "p99_ms")) {
                results.add(new Result(scenario, shape.name(), metric, "ms", List.of(), options.repeats(),
                        Map.of("error", why)));
            }
        }
        return results;
    }
}
