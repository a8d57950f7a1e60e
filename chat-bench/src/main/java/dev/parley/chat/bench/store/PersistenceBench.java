package dev.parley.chat.bench.store;

import dev.parley.chat.bench.Result;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Scenario 4: sends/s to SQLite and PostgreSQL through the store API, against raw JDBC on the same schema.
 *
 * <p>Per database engine, two fresh databases, each created by opening a {@link JooqChatStorage} on it (so Liquibase
 * applies the changelog) and seeded through the store API with one public room and 8 users:
 * <ol>
 *   <li>the store database: {@code storage.messages().append(...)} from 1 sender thread, then from 8 (each thread
 *       its own user), 100-byte bodies, a unique client message id per message;
 *   <li>the raw database (the storage closed again): {@link RawMessageWriter} single-row transactions from 1 thread
 *       (and from 8 on PostgreSQL; SQLite has a single writer, so 8 raw writers would only measure lock
 *       contention), then 256-row batch transactions from 1 thread.
 * </ol>
 * Every subject runs as a closed loop ({@link TimedLoad}): a warm-up, then the repeats, each one sample.
 */
public final class PersistenceBench {
    /** The default PostgreSQL the harness passes. */
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    static final String SCENARIO_SQLITE = "persist-sqlite";
    static final String SCENARIO_POSTGRES = "persist-postgres";
    static final int SENDERS = 8;
    static final int BATCH = 256;
    static final String ROOM = "bench";
    /** 100 bytes of UTF-8. */
    static final String BODY = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs."
            + " 0123456789abcd";

    /**
     * Durations.
     *
     * @param warmupSeconds the warm-up of every subject, not measured
     * @param repeatSeconds one repeat
     * @param repeats repeats per subject
     */
    public record Options(double warmupSeconds, double repeatSeconds, int repeats) {
        /** Quick: 0.3 s warm-up, 1 repeat of 0.7 s (about 15 s for the scenario with PostgreSQL). */
        public static final Options QUICK = new Options(0.3, 0.7, 1);
        /** Full: 1 s warm-up, 3 repeats of 2.5 s (about 85 s for the scenario with PostgreSQL). */
        public static final Options FULL = new Options(1.0, 2.5, 3);

        public Options {
            if (warmupSeconds < 0 || repeatSeconds <= 0 || repeats < 1) {
                throw new IllegalArgumentException("bad durations");
            }
        }
    }

    private PersistenceBench() {
    }

    /**
     * Runs the scenario in this JVM. Never throws for a database problem: the affected results then have no samples
     * and say why in their notes.
     *
     * @param workDir a scratch directory for database files
     * @param postgresUrl a JDBC URL, or {@code null} to skip PostgreSQL (the results then say so)
     * @param quick shorter runs and fewer repeats
     */
    public static List<Result> run(Path workDir, String postgresUrl, boolean quick) {
        return run(workDir, postgresUrl, quick ? Options.QUICK : Options.FULL);
    }

    /** As {@link #run(Path, String, boolean)} with explicit durations. */
    public static List<Result> run(Path workDir, String postgresUrl, Options options) {
        Objects.requireNonNull(workDir, "workDir == null");
        Objects.requireNonNull(options, "options == null");
        List<Result> results = new ArrayList<>(runSqlite(workDir, options));
        results.addAll(runPostgres(postgresUrl, options));
        return results;
    }

    // ---- SQLite -----------------------------------------------------------------------------------------------------

    static List<Result> runSqlite(Path workDir, Options options) {
        Path dir;
        try {
            dir = Files.createDirectories(workDir).resolve("persist-" + shortId());
            Files.createDirectories(dir);
        } catch (IOException e) {
            return unmeasured(SCENARIO_SQLITE, true, options, "could not create the work directory: " + e);
        }
        Map<String, String> common = new LinkedHashMap<>();
        common.put("database", "SQLite file in " + dir + "; store: JooqChatStorage.sqlite defaults (WAL, "
                + "synchronous=NORMAL, one writer thread, group commit of up to 256); raw: one connection with the "
                + "same pragmas (WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout=5000)");
        List<Result> results = new ArrayList<>();
        try {
            Path storeFile = dir.resolve("store.db");
            results.addAll(storeSubjects(SCENARIO_SQLITE, () -> JooqChatStorage.sqlite(storeFile), true, options,
                    common));
            Sqlite.delete(storeFile);
            Path rawFile = dir.resolve("raw.db");
            results.addAll(rawSubjects(SCENARIO_SQLITE, () -> JooqChatStorage.sqlite(rawFile),
                    () -> Sqlite.writer(rawFile), true, options, common));
            Sqlite.delete(rawFile);
        } catch (IOException e) {
            System.err.println("persistence bench: could not delete a database file: " + e);
        } finally {
            deleteQuietly(dir);
        }
        return results;
    }

    // ---- PostgreSQL -------------------------------------------------------------------------------------------------

    static List<Result> runPostgres(String postgresUrl, Options options) {
        if (postgresUrl == null) {
            return unmeasured(SCENARIO_POSTGRES, false, options, "skipped: no PostgreSQL URL given");
        }
        String unreachable = checkReachable(postgresUrl);
        if (unreachable != null) {
            return unmeasured(SCENARIO_POSTGRES, true, options,
                    "PostgreSQL unreachable at " + redact(postgresUrl) + ": " + unreachable);
        }
        Map<String, String> common = new LinkedHashMap<>();
        String base = "parley_bench_" + shortId();
        String storeSchema = base + "_store";
        String rawSchema = base + "_raw";
        List<Result> results = new ArrayList<>();
        try {
            createSchema(postgresUrl, storeSchema);
            createSchema(postgresUrl, rawSchema);
            common.put("database", "PostgreSQL " + redact(postgresUrl) + ", schemas " + storeSchema + " and "
                    + rawSchema + " (dropped afterwards); store: JooqChatStorage.postgres (HikariCP, 10 "
                    + "connections, one READ COMMITTED transaction per append); raw: one plain JDBC connection per "
                    + "thread, pgjdbc defaults (no reWriteBatchedInserts)");
            String storeUrl = withSchema(postgresUrl, storeSchema);
            String rawUrl = withSchema(postgresUrl, rawSchema);
            results.addAll(storeSubjects(SCENARIO_POSTGRES, () -> JooqChatStorage.postgres(storeUrl), false,
                    options, common));
            results.addAll(rawSubjects(SCENARIO_POSTGRES, () -> JooqChatStorage.postgres(rawUrl),
                    () -> DriverManager.getConnection(rawUrl), false, options, common));
        } catch (SQLException | RuntimeException e) {
            results.clear();
            results.addAll(unmeasured(SCENARIO_POSTGRES, true, options, "PostgreSQL failed: " + e));
        } finally {
            dropSchemaQuietly(postgresUrl, storeSchema);
            dropSchemaQuietly(postgresUrl, rawSchema);
        }
        return results;
    }

    /** {@code null} if a connection can be made within a few seconds, else the reason. */
    static String checkReachable(String url) {
        try (Connection connection = adminConnection(url)) {
            return connection.isValid(5) ? null : "connection not valid";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** A plain JDBC connection with short connect and login timeouts and a 60 s socket timeout. */
    public static Connection adminConnection(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(url, properties);
    }

    /** Creates a schema (the name is quoted as it is). */
    public static void createSchema(String url, String schema) throws SQLException {
        try (Connection connection = adminConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"" + schema + "\"");
        }
    }

    /** Drops a schema and everything in it; a failure is only printed. */
    public static void dropSchemaQuietly(String url, String schema) {
        try (Connection connection = adminConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            System.err.println("bench: could not drop schema " + schema + ": " + e.getMessage());
        }
    }

    /** The URL with {@code currentSchema} set. */
    public static String withSchema(String url, String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The URL without a password parameter, for notes. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    // ---- the subjects -----------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface StorageOpener {
        JooqChatStorage open();
    }

    @FunctionalInterface
    interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    /** The room and the senders every subject uses. */
    record Fixture(long roomId, String room, long[] userIds, String[] usernames) {
    }

    /** Rooms with one sender each, for the many-room subjects: sender {@code i} posts to room {@code i}. */
    record Rooms(long[] roomIds, String[] rooms, long[] userIds, String[] usernames) {
    }

    /** Creates {@code n} rooms and {@code n} users through the store API, user {@code i} a member of room {@code i}. */
    static Rooms seedRooms(ChatStorage storage, int n) {
        Instant now = Instant.now();
        Rooms r = new Rooms(new long[n], new String[n], new long[n], new String[n]);
        for (int i = 0; i < n; i++) {
            Room room = storage.rooms().create(new NewRoom(ROOM + "-" + i, RoomType.PUBLIC, 0, now));
            User user = storage.users().create(new NewUser("poster" + i, "poster" + i, null, now));
            storage.rooms().addMember(room.id(), user.id(), now);
            r.roomIds()[i] = room.id();
            r.rooms()[i] = room.name();
            r.userIds()[i] = user.id();
            r.usernames()[i] = user.username();
        }
        return r;
    }

    /** Creates the bench room and the senders through the store API. */
    static Fixture seed(ChatStorage storage) {
        Instant now = Instant.now();
        Room room = storage.rooms().create(new NewRoom(ROOM, RoomType.PUBLIC, 0, now));
        long[] ids = new long[SENDERS];
        String[] names = new String[SENDERS];
        for (int i = 0; i < SENDERS; i++) {
            String name = "sender" + i;
            User user = storage.users().create(new NewUser(name, name, null, now));
            storage.rooms().addMember(room.id(), user.id(), now);
            ids[i] = user.id();
            names[i] = user.username();
        }
        return new Fixture(room.id(), room.name(), ids, names);
    }

    private static List<Result> storeSubjects(String scenario, StorageOpener opener, boolean sqlite, Options options,
            Map<String, String> common) {
        List<Result> results = new ArrayList<>();
        try (JooqChatStorage storage = opener.open()) {
            Fixture fixture = seed(storage);
            LongSupplier commits = storage::commitCount;
            for (int threads : new int[] {1, SENDERS}) {
                String tag = "s" + threads;
                TimedLoad.Measurement m = TimedLoad.run(threads, t -> storeWorker(storage, fixture, tag, t),
                        options.warmupSeconds(), options.repeatSeconds(), options.repeats(),
                        sqlite ? commits : null);
                Map<String, String> notes = new LinkedHashMap<>(common);
                notes.put("method", "storage.messages().append(NewMessage) in a closed loop from " + threads
                        + " thread(s), each its own sender, one room, " + BODY.length() + "-byte body, unique "
                        + "clientMsgId, createdAt=Instant.now()");
                if (sqlite) {
                    notes.put("appends_per_commit", perCommit(m));
                } else {
                    notes.put("appends_per_commit", "1 (PostgreSQL: one transaction per append, no group commit)");
                }
                results.add(toResult(scenario, storeSubject(threads), "sends_per_s", "msg/s", threads, m, options,
                        notes));
            }
            int rooms = sqlite ? MANY_ROOMS_SQLITE : MANY_ROOMS_POSTGRES;
            Rooms many = seedRooms(storage, rooms);
            TimedLoad.Measurement m = TimedLoad.run(rooms, t -> roomWorker(storage, many, t),
                    options.warmupSeconds(), options.repeatSeconds(), options.repeats(), sqlite ? commits : null);
            Map<String, String> notes = new LinkedHashMap<>(common);
            notes.put("method", "storage.messages().appendAsync(NewMessage) from " + rooms + " threads, each its "
                    + "own sender posting to its own room (" + rooms + " rooms) and keeping " + IN_FLIGHT + " appends "
                    + "in flight (a closed loop on the oldest), " + (sqlite ? "" : "PostgreSQL's appendAsync runs "
                    + "the append on the calling thread, so one at a time per sender, ")
                    + BODY.length() + "-byte body, unique clientMsgId, createdAt=Instant.now()");
            notes.put("appends_per_commit", sqlite ? perCommit(m)
                    : "1 (PostgreSQL: one transaction per append, no group commit)");
            results.add(toResult(scenario, roomsSubject(sqlite), "sends_per_s", "msg/s", rooms, m, options, notes));
        } catch (RuntimeException e) {
            // opening, migrating or seeding failed (the loads report their own failures)
            for (String subject : List.of(storeSubject(1), storeSubject(SENDERS), roomsSubject(sqlite))) {
                if (results.stream().noneMatch(r -> r.subject().equals(subject))) {
                    results.add(failed(scenario, subject, "sends_per_s", "msg/s", options, common, e));
                }
            }
        }
        return results;
    }

    /** Issue 15's targets: SQLite with 64 senders over 64 rooms, PostgreSQL with 8 over 8. */
    static final int MANY_ROOMS_SQLITE = 64;
    static final int MANY_ROOMS_POSTGRES = 8;

    static String roomsSubject(boolean sqlite) {
        int n = sqlite ? MANY_ROOMS_SQLITE : MANY_ROOMS_POSTGRES;
        return "store-" + n + "-senders-" + n + "-rooms";
    }

    /**
     * Appends each sender keeps in flight in the many-room subjects ({@code appendAsync}): like a socket whose client
     * pipelines its sends. 64 senders x 16 = 1,024 waiting appends, enough to fill group commits of 256.
     */
    static final int IN_FLIGHT = 16;

    private static TimedLoad.Worker roomWorker(ChatStorage storage, Rooms r, int thread) {
        String prefix = "m-" + thread + "-";
        ArrayDeque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>(IN_FLIGHT);
        return new TimedLoad.Worker() {
            long next;

            @Override
            public long step() {
                while (inFlight.size() < IN_FLIGHT) {
                    inFlight.add(storage.messages().appendAsync(new NewMessage(r.roomIds()[thread], r.rooms()[thread],
                            r.userIds()[thread], r.usernames()[thread], BODY, prefix + next++, Instant.now()))
                            .toCompletableFuture());
                }
                inFlight.remove().join();
                return 1;
            }

            @Override
            public void close() {
                inFlight.forEach(f -> f.exceptionally(e -> null).join());
            }
        };
    }

    private static String storeSubject(int threads) {
        return "store-" + threads + (threads == 1 ? "-sender" : "-senders");
    }

    private static TimedLoad.Worker storeWorker(ChatStorage storage, Fixture f, String tag, int thread) {
        int sender = thread % SENDERS;
        String prefix = tag + "-" + thread + "-";
        long[] next = {0};
        return () -> {
            storage.messages().append(new NewMessage(f.roomId(), f.room(), f.userIds()[sender],
                    f.usernames()[sender], BODY, prefix + next[0]++, Instant.now()));
            return 1;
        };
    }

    private static List<Result> rawSubjects(String scenario, StorageOpener opener, ConnectionOpener connections,
            boolean sqlite, Options options, Map<String, String> common) {
        List<Result> results = new ArrayList<>();
        Fixture fixture;
        try (JooqChatStorage storage = opener.open()) {
            fixture = seed(storage);
        } catch (RuntimeException e) {
            results.add(failed(scenario, "raw-row-1-thread", "rows_per_s", "rows/s", options, common, e));
            results.add(failed(scenario, "raw-batch-256", "rows_per_s", "rows/s", options, common, e));
            return results;
        }
        List<Integer> rowThreads = sqlite ? List.of(1) : List.of(1, SENDERS);
        for (int threads : rowThreads) {
            String tag = "r" + threads;
            TimedLoad.Measurement m = TimedLoad.run(threads, t -> rowWorker(connections, sqlite, fixture, tag, t),
                    options.warmupSeconds(), options.repeatSeconds(), options.repeats(), null);
            Map<String, String> notes = new LinkedHashMap<>(common);
            notes.put("method", "raw JDBC, one message per transaction from " + threads + " thread(s) (own "
                    + "connection and sender each): the store's own statements (idempotency SELECT, UPDATE rooms "
                    + "SET last_seq=last_seq+1, last_change=last_change+1 RETURNING, INSERT ... RETURNING id), "
                    + "prepared once");
            notes.put("not_done", "no jOOQ, no writer-thread hand-off or SAVEPOINT (SQLite), no pool (PostgreSQL), "
                    + "no Message object built");
            results.add(toResult(scenario, "raw-row-" + threads + (threads == 1 ? "-thread" : "-threads"),
                    "rows_per_s", "rows/s", threads, m, options, notes));
        }
        TimedLoad.Measurement m = TimedLoad.run(1, t -> batchWorker(connections, sqlite, fixture, "b", t),
                options.warmupSeconds(), options.repeatSeconds(), options.repeats(), null);
        Map<String, String> notes = new LinkedHashMap<>(common);
        notes.put("method", "raw JDBC batch from 1 thread: " + BATCH + " messages per transaction, one UPDATE rooms "
                + "SET last_seq=last_seq+" + BATCH + ", last_change=last_change+" + BATCH + " RETURNING, then "
                + BATCH + " INSERTs by executeBatch (same columns and values as the store writes, seq and change "
                + "gap-free)");
        notes.put("not_done", "no per-message idempotency SELECT and no RETURNING id (the unique indexes are still "
                + "maintained and checked); no jOOQ, writer thread, savepoints or pool");
        results.add(toResult(scenario, "raw-batch-" + BATCH, "rows_per_s", "rows/s", 1, m, options, notes));
        return results;
    }

    private static TimedLoad.Worker rowWorker(ConnectionOpener connections, boolean sqlite, Fixture f, String tag,
            int thread) throws SQLException {
        RawMessageWriter writer = new RawMessageWriter(connections.open(), sqlite);
        long sender = f.userIds()[thread % SENDERS];
        String prefix = tag + "-" + thread + "-";
        return new TimedLoad.Worker() {
            long next;

            @Override
            public long step() throws SQLException {
                writer.insertOne(f.roomId(), sender, BODY, prefix + next++, nowNanos());
                return 1;
            }

            @Override
            public void close() throws SQLException {
                writer.close();
            }
        };
    }

    private static TimedLoad.Worker batchWorker(ConnectionOpener connections, boolean sqlite, Fixture f, String tag,
            int thread) throws SQLException {
        RawMessageWriter writer = new RawMessageWriter(connections.open(), sqlite);
        long sender = f.userIds()[thread % SENDERS];
        String prefix = tag + "-" + thread + "-";
        String[] ids = new String[BATCH];
        return new TimedLoad.Worker() {
            long next;

            @Override
            public long step() throws SQLException {
                for (int i = 0; i < BATCH; i++) {
                    ids[i] = prefix + next++;
                }
                writer.insertBatch(f.roomId(), sender, BODY, ids, nowNanos());
                return BATCH;
            }

            @Override
            public void close() throws SQLException {
                writer.close();
            }
        };
    }

    /** Instant.now() as the store stores it: nanoseconds since the epoch. */
    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---- results ----------------------------------------------------------------------------------------------------

    private static Result toResult(String scenario, String subject, String metric, String unit, int threads,
            TimedLoad.Measurement m, Options options, Map<String, String> notes) {
        Map<String, String> n = new LinkedHashMap<>(notes);
        n.put("threads", Integer.toString(threads));
        n.put("timing", "warm-up " + options.warmupSeconds() + " s, then " + options.repeats() + " repeat(s) of "
                + options.repeatSeconds() + " s; one sample per repeat");
        n.put("operations", m.operations().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        if (m.failure() != null) {
            n.put("error", describe(m.failure()));
        }
        return new Result(scenario, subject, metric, unit, m.rates(), options.repeats() - m.rates().size(), n);
    }

    private static String perCommit(TimedLoad.Measurement m) {
        if (m.commits().isEmpty()) {
            return "n/a (commit count not readable)";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < m.commits().size(); i++) {
            long commits = m.commits().get(i);
            values.add(commits <= 0 ? "n/a" : String.format(Locale.ROOT, "%.1f",
                    (double) m.operations().get(i) / commits));
        }
        return String.join(", ", values) + " (per repeat; group commit, at most 256)";
    }

    private static Result failed(String scenario, String subject, String metric, String unit, Options options,
            Map<String, String> common, Throwable e) {
        Map<String, String> notes = new LinkedHashMap<>(common);
        notes.put("error", describe(e));
        return new Result(scenario, subject, metric, unit, List.of(), options.repeats(), notes);
    }

    /** Results without samples for every subject of an engine. */
    private static List<Result> unmeasured(String scenario, boolean invalid, Options options, String why) {
        boolean sqlite = scenario.equals(SCENARIO_SQLITE);
        List<String[]> subjects = new ArrayList<>();
        subjects.add(new String[] {"store-1-sender", "sends_per_s", "msg/s"});
        subjects.add(new String[] {"store-8-senders", "sends_per_s", "msg/s"});
        subjects.add(new String[] {roomsSubject(sqlite), "sends_per_s", "msg/s"});
        subjects.add(new String[] {"raw-row-1-thread", "rows_per_s", "rows/s"});
        if (!sqlite) {
            subjects.add(new String[] {"raw-row-8-threads", "rows_per_s", "rows/s"});
        }
        subjects.add(new String[] {"raw-batch-" + BATCH, "rows_per_s", "rows/s"});
        List<Result> results = new ArrayList<>();
        for (String[] s : subjects) {
            results.add(new Result(scenario, s[0], s[1], s[2], List.of(), invalid ? options.repeats() : 0,
                    Map.of(invalid ? "error" : "skipped", why)));
        }
        return results;
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" / caused by ").append(cause);
        }
        return text.toString();
    }

    /** A random 12-character lower-case id, for names of scratch schemas and directories. */
    public static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the work directory is scratch space.
        }
    }
}
