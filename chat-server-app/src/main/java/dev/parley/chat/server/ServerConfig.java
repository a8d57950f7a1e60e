package dev.parley.chat.server;

import dev.parley.chat.store.jooq.SqliteSynchronous;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The server's configuration: environment variables prefixed {@code PARLEY_}, plus an optional {@code .env} file
 * in the working directory (a variable set in the real environment wins over the file). Immutable; every value is
 * validated once, by {@link #fromEnvironment(Map)}, and a bad value fails with an {@link IllegalArgumentException}
 * whose message starts with the key, for example {@code PARLEY_PORT: expected an integer from 0 to 65535, got
 * "abc"}.
 *
 * <p>The keys, their defaults and their meaning are listed in {@code .env.example} at the repository root, by
 * {@code java -jar parley-server.jar --help}, and in the constants of this class; the defaults live in one table
 * here, which the other two are checked against.
 */
public final class ServerConfig {
    /** The TCP port; {@code 0} picks a free one. Default {@code 8080}. */
    public static final String PORT = "PARLEY_PORT";
    /** The address to bind. Default {@code 127.0.0.1}; {@code 0.0.0.0} listens on every interface. */
    public static final String BIND = "PARLEY_BIND";
    /** {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://...}. Default {@code jdbc:sqlite:./data/parley.db}. */
    public static final String DB_URL = "PARLEY_DB_URL";
    /**
     * PostgreSQL: how long a request waits for a database connection (pooled or new) before failing with 503
     * {@code storage_unavailable} (ISO-8601 duration, 250 ms to 5 minutes). Default {@code PT5S}.
     */
    public static final String DB_CONNECT_TIMEOUT = "PARLEY_DB_CONNECT_TIMEOUT";
    /**
     * PostgreSQL: how long a request waits for the database to answer on an open connection before failing with 503
     * (ISO-8601 duration, 1 second to 1 hour; also bounds waiting for a row lock). Default {@code PT30S}.
     */
    public static final String DB_SOCKET_TIMEOUT = "PARLEY_DB_SOCKET_TIMEOUT";
    /** SQLite: {@code normal} (the default) or {@code full}; see {@link SqliteSynchronous}. */
    public static final String SQLITE_SYNCHRONOUS = "PARLEY_SQLITE_SYNCHRONOUS";
    /**
     * Comma-separated origins allowed to open {@code /ws}; empty (the default) means the server's own origin only.
     * When set, only the listed origins are allowed: list the server's own public origin too if its page is used.
     */
    public static final String ALLOWED_ORIGINS = "PARLEY_ALLOWED_ORIGINS";
    /** The longest message body, in code points. Default {@code 4000}. */
    public static final String MAX_MESSAGE_LENGTH = "PARLEY_MAX_MESSAGE_LENGTH";
    /** A session unused this long expires (ISO-8601 duration). Default {@code P7D}. */
    public static final String SESSION_IDLE_TIMEOUT = "PARLEY_SESSION_IDLE_TIMEOUT";
    /** A session expires this long after login (ISO-8601 duration). Default {@code P30D}. */
    public static final String SESSION_LIFETIME = "PARLEY_SESSION_LIFETIME";
    /** The largest REST request body, in bytes. Default {@code 65536}. */
    public static final String MAX_BODY_BYTES = "PARLEY_MAX_BODY_BYTES";
    /** The largest WebSocket message, in bytes. Default {@code 65536}. */
    public static final String WS_MAX_FRAME_BYTES = "PARLEY_WS_MAX_FRAME_BYTES";
    /** Frames per second one WebSocket connection may send (sustained; bursts of twice that). Default {@code 20}. */
    public static final String WS_RATE_PER_SECOND = "PARLEY_WS_RATE_PER_SECOND";
    /** Open WebSocket connections per client address. Default {@code 64}. */
    public static final String WS_MAX_CONNECTIONS_PER_ADDRESS = "PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS";
    /** Frames that may wait to be written to one slow WebSocket client before it is dropped. Default {@code 1024}. */
    public static final String WS_OUTBOUND_QUEUE = "PARLEY_WS_OUTBOUND_QUEUE";
    /**
     * Failed logins to one account from one client address before each further attempt from there must wait
     * ({@code 429}): 30 seconds, doubling with each further failure up to {@link #LOGIN_FAILURE_WINDOW}. The budgets
     * of one account from all addresses, and of one address for all accounts, are 20 times this. Default {@code 5};
     * {@code docs/operations.md} describes the whole policy.
     */
    public static final String LOGIN_MAX_FAILURES = "PARLEY_LOGIN_MAX_FAILURES";
    /**
     * The longest wait imposed on one account from one address, and how long failures are remembered after the wait
     * they caused is over (ISO-8601 duration). Default {@code PT15M}.
     */
    public static final String LOGIN_FAILURE_WINDOW = "PARLEY_LOGIN_FAILURE_WINDOW";

    /**
     * The fan-out between server nodes: {@code inprocess} (default, one node), {@code postgres} (LISTEN/NOTIFY on the
     * database of {@code PARLEY_DB_URL}), a {@code jdbc:postgresql:} URL (LISTEN/NOTIFY on a direct connection to
     * that database, for example past a PgBouncer in transaction mode, which breaks LISTEN) or
     * {@code redis://[[user]:password@]host:port[/db]} ({@code rediss://} for TLS). A cross-node bus needs PostgreSQL
     * as the store.
     */
    public static final String BUS = "PARLEY_BUS";

    /**
     * The bus channel (PostgreSQL) or key prefix (Redis) the cluster's nodes share; default {@code parley}. Separate
     * clusters on one database or one Redis need different channels.
     */
    public static final String BUS_CHANNEL = "PARLEY_BUS_CHANNEL";

    /**
     * How long a node's presence outlives its last heartbeat: a crashed node's users go offline elsewhere within
     * about this long plus a third. Default {@code PT15S}.
     */
    public static final String PRESENCE_TTL = "PARLEY_PRESENCE_TTL";

    /** {@code text} (the default) or {@code json}: one JSON object per log line, for log shippers. */
    public static final String LOG_FORMAT = "PARLEY_LOG_FORMAT";

    /**
     * One setting: its key, its default exactly as {@code .env.example} writes it (empty: not set), and one line of
     * meaning for {@code --help}.
     */
    record Setting(String key, String defaultValue, String meaning) {
    }

    /**
     * Every setting, in the order of {@code .env.example}. The reader takes its defaults from here, {@code --help}
     * prints this table, and a test holds {@code .env.example} to it, so the three cannot drift apart.
     */
    static final List<Setting> SETTINGS = List.of(
            new Setting(PORT, "8080", "TCP port for the page, /api, /ws, /health and /metrics; 0 picks a free one"),
            new Setting(BIND, "127.0.0.1", "address to listen on; 0.0.0.0 for every interface"),
            new Setting(DB_URL, "jdbc:sqlite:./data/parley.db",
                    "jdbc:sqlite:<file> or jdbc:postgresql://host:port/db?user=...&password=..."),
            new Setting(DB_CONNECT_TIMEOUT, "PT5S",
                    "PostgreSQL: longest wait for a connection before 503 (PT0.25S to PT5M)"),
            new Setting(DB_SOCKET_TIMEOUT, "PT30S",
                    "PostgreSQL: longest wait for an answer on an open connection before 503 (PT1S to PT1H)"),
            new Setting(BUS, "inprocess", "fan-out between nodes: inprocess, postgres, a jdbc:postgresql: URL or "
                    + "redis[s]://[[user]:password@]host:port[/db]"),
            new Setting(BUS_CHANNEL, "parley", "NOTIFY channel or Redis key prefix shared by one cluster's nodes"),
            new Setting(PRESENCE_TTL, "PT15S",
                    "how long a node's presence outlives its last heartbeat (PT1S to PT10M)"),
            new Setting(SQLITE_SYNCHRONOUS, "normal", "SQLite: normal or full (PRAGMA synchronous)"),
            new Setting(ALLOWED_ORIGINS, "",
                    "comma-separated browser origins allowed to open /ws; empty: the server's own origin only"),
            new Setting(MAX_MESSAGE_LENGTH, "4000", "longest message body, in code points"),
            new Setting(SESSION_IDLE_TIMEOUT, "P7D", "a session unused this long expires (ISO-8601 duration)"),
            new Setting(SESSION_LIFETIME, "P30D", "a session expires this long after login (ISO-8601 duration)"),
            new Setting(MAX_BODY_BYTES, "65536", "largest REST request body, in bytes"),
            new Setting(WS_MAX_FRAME_BYTES, "65536", "largest WebSocket message, in bytes"),
            new Setting(WS_RATE_PER_SECOND, "20", "frames per second per WebSocket (bursts of twice that)"),
            new Setting(WS_MAX_CONNECTIONS_PER_ADDRESS, "64", "open WebSockets per client address"),
            new Setting(WS_OUTBOUND_QUEUE, "1024", "frames queued for one slow WebSocket reader before it is dropped"),
            new Setting(LOGIN_MAX_FAILURES, "5",
                    "failed logins to one account from one address before further attempts must wait"),
            new Setting(LOGIN_FAILURE_WINDOW, "PT15M", "longest such wait, and how long failures are remembered"),
            new Setting(LOG_FORMAT, "text", "text, or json: one JSON object per log line"));

    private static final Map<String, String> DEFAULTS = defaults();

    private static final String SQLITE_PREFIX = "jdbc:sqlite:";
    private static final String POSTGRES_PREFIX = "jdbc:postgresql:";

    private final int port;
    private final String bind;
    private final String dbUrl;
    private final BusChoice bus;
    private final Duration presenceTtl;
    private final Duration dbConnectTimeout;
    private final Duration dbSocketTimeout;
    private final SqliteSynchronous sqliteSynchronous;
    private final List<String> allowedOrigins;
    private final int maxMessageLength;
    private final Duration sessionIdleTimeout;
    private final Duration sessionLifetime;
    private final int maxBodyBytes;
    private final int wsMaxFrameBytes;
    private final int wsRatePerSecond;
    private final int wsMaxConnectionsPerAddress;
    private final int wsOutboundQueue;
    private final int loginMaxFailures;
    private final Duration loginFailureWindow;
    private final LogFormat logFormat;
    private final List<String> unknownKeys;

    private ServerConfig(Map<String, String> env) {
        Reader r = new Reader(env);
        port = r.integer(PORT, 0, 65_535);
        bind = r.bindAddress(BIND);
        dbUrl = r.dbUrl(DB_URL);
        bus = r.bus(BUS, r.channel(BUS_CHANNEL));
        presenceTtl = r.duration(PRESENCE_TTL, Duration.ofSeconds(1), Duration.ofMinutes(10));
        if (bus.kind() != BusChoice.Kind.INPROCESS && !dbUrl.startsWith(POSTGRES_PREFIX)) {
            throw new IllegalArgumentException(BUS + ": a cross-node bus (" + bus.kind().name().toLowerCase(Locale.ROOT)
                    + ") needs PostgreSQL as PARLEY_DB_URL; SQLite stays single-node: use inprocess");
        }
        dbConnectTimeout = r.duration(DB_CONNECT_TIMEOUT, Duration.ofMillis(250), Duration.ofMinutes(5));
        dbSocketTimeout = r.duration(DB_SOCKET_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1));
        sqliteSynchronous = r.choice(SQLITE_SYNCHRONOUS, SqliteSynchronous.class);
        allowedOrigins = r.origins(ALLOWED_ORIGINS);
        maxMessageLength = r.integer(MAX_MESSAGE_LENGTH, 1, 1_000_000);
        sessionIdleTimeout = r.duration(SESSION_IDLE_TIMEOUT);
        sessionLifetime = r.duration(SESSION_LIFETIME);
        maxBodyBytes = r.integer(MAX_BODY_BYTES, 1024, 16 * 1024 * 1024);
        wsMaxFrameBytes = r.integer(WS_MAX_FRAME_BYTES, 1024, 16 * 1024 * 1024);
        wsRatePerSecond = r.integer(WS_RATE_PER_SECOND, 1, 10_000);
        wsMaxConnectionsPerAddress = r.integer(WS_MAX_CONNECTIONS_PER_ADDRESS, 1, 1_000_000);
        wsOutboundQueue = r.integer(WS_OUTBOUND_QUEUE, 1, 1_000_000);
        loginMaxFailures = r.integer(LOGIN_MAX_FAILURES, 1, 1000);
        loginFailureWindow = r.duration(LOGIN_FAILURE_WINDOW);
        logFormat = r.choice(LOG_FORMAT, LogFormat.class);
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : env.keySet()) {
            if (key.startsWith("PARLEY_") && !DEFAULTS.containsKey(key)) {
                unknown.add(key);
            }
        }
        unknownKeys = List.copyOf(unknown);
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Setting setting : SETTINGS) {
            if (defaults.put(setting.key(), setting.defaultValue()) != null) {
                throw new IllegalStateException("listed twice: " + setting.key());
            }
        }
        return Collections.unmodifiableMap(defaults);
    }

    /**
     * Reads and validates the configuration from the given variables (only {@code PARLEY_*} keys are read; others
     * are ignored; a missing or blank key takes its default).
     *
     * @param env the variables, for example {@link System#getenv()}
     * @return the validated configuration
     * @throws IllegalArgumentException naming the first bad key
     */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        return new ServerConfig(Map.copyOf(Objects.requireNonNull(env, "env == null")));
    }

    /**
     * Reads {@code .env} from the working directory if present, overlays the process environment, and validates.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException naming the first bad key, or if the {@code .env} file cannot be parsed
     */
    public static ServerConfig load() {
        return load(Path.of("."), System.getenv());
    }

    /**
     * Reads {@code .env} from {@code directory} if present, overlays {@code env} (which wins), and validates.
     *
     * @param directory where to look for {@code .env}
     * @param env the real environment
     * @return the validated configuration
     * @throws IllegalArgumentException naming the first bad key, or if the {@code .env} file cannot be parsed
     */
    public static ServerConfig load(Path directory, Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        Dotenv dotenv;
        try {
            dotenv = Dotenv.configure().directory(directory.toString()).ignoreIfMissing().load();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(".env: cannot be read: " + e.getMessage(), e);
        }
        for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
            merged.put(entry.getKey(), entry.getValue());
        }
        merged.putAll(env);
        return fromEnvironment(merged);
    }

    /** The TCP port to listen on; {@code 0} for any free port. */
    public int port() {
        return port;
    }

    /** The address to bind. */
    public String bind() {
        return bind;
    }

    /** The JDBC URL of the database (may contain credentials: never log it). */
    public String dbUrl() {
        return dbUrl;
    }

    /** How long a node's presence outlives its last heartbeat. */
    public Duration presenceTtl() {
        return presenceTtl;
    }

    /** The fan-out between nodes. */
    public BusChoice bus() {
        return bus;
    }

    /**
     * A validated {@code PARLEY_BUS}.
     *
     * @param kind which bus
     * @param url the {@code redis://host:port[/db]} URI, or the PostgreSQL URL of the listening connection;
     *     {@code null} for the in-process fan-out and for {@code postgres}, which uses the store's URL
     * @param channel the channel (PostgreSQL) or key prefix (Redis) the nodes share
     */
    public record BusChoice(Kind kind, String url, String channel) {
        /** The buses. */
        public enum Kind {
            /** One node: the in-process fan-out. */
            INPROCESS,
            /** PostgreSQL LISTEN/NOTIFY on the store's database. */
            POSTGRES,
            /** Redis pub/sub. */
            REDIS
        }

        @Override
        public String toString() {
            if (kind == Kind.REDIS) { // never the password
                int at = url.indexOf('@');
                return at < 0 ? url : url.substring(0, url.indexOf("//") + 2) + "***" + url.substring(at);
            }
            return kind.name().toLowerCase(Locale.ROOT) + (url == null ? "" : " (own URL)");
        }
    }

    /** Whether {@link #dbUrl()} selects PostgreSQL (otherwise SQLite). */
    public boolean postgres() {
        return dbUrl.startsWith(POSTGRES_PREFIX);
    }

    /** The SQLite database file; only meaningful when {@link #postgres()} is false. */
    public Path sqliteFile() {
        return Path.of(dbUrl.substring(SQLITE_PREFIX.length()));
    }

    /** PostgreSQL: how long a call waits for a connection before failing. */
    public Duration dbConnectTimeout() {
        return dbConnectTimeout;
    }

    /** PostgreSQL: how long a call waits for the database to answer on an open connection before failing. */
    public Duration dbSocketTimeout() {
        return dbSocketTimeout;
    }

    /** SQLite: how hard each commit is pushed to disk. */
    public SqliteSynchronous sqliteSynchronous() {
        return sqliteSynchronous;
    }

    /** Origins allowed to open WebSocket connections; empty for the server's own origin only. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** The longest message body, in code points. */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** The session idle timeout. */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** The absolute session lifetime. */
    public Duration sessionLifetime() {
        return sessionLifetime;
    }

    /** The largest REST request body, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The largest WebSocket message, in bytes. */
    public int wsMaxFrameBytes() {
        return wsMaxFrameBytes;
    }

    /** Sustained frames per second per WebSocket connection. */
    public int wsRatePerSecond() {
        return wsRatePerSecond;
    }

    /** Open WebSocket connections per client address. */
    public int wsMaxConnectionsPerAddress() {
        return wsMaxConnectionsPerAddress;
    }

    /** Outbound frames queued per WebSocket connection. */
    public int wsOutboundQueue() {
        return wsOutboundQueue;
    }

    /** Failed logins to one account from one address before further attempts from there must wait. */
    public int loginMaxFailures() {
        return loginMaxFailures;
    }

    /** The longest wait for one account from one address, and how long quiet failures are remembered. */
    public Duration loginFailureWindow() {
        return loginFailureWindow;
    }

    /** How log lines are written. */
    public LogFormat logFormat() {
        return logFormat;
    }

    /** {@link #LOG_FORMAT}: how the server writes its log lines. */
    public enum LogFormat {
        /** One human-readable line per record (the default). */
        TEXT,
        /** One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code message}, {@code thread}. */
        JSON
    }

    /** {@code PARLEY_*} keys that were set but are not known (probably typos); reported as a warning. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** Describes the configuration without secrets (the database URL is reduced to its kind and file). */
    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port + ", db="
                + (postgres() ? "postgresql" : "sqlite:" + sqliteFile()) + ", bus=" + bus + ", presenceTtl=" + presenceTtl + ", allowedOrigins=" + allowedOrigins
                + ", maxMessageLength=" + maxMessageLength + ", sessionIdleTimeout=" + sessionIdleTimeout
                + ", sessionLifetime=" + sessionLifetime + ", maxBodyBytes=" + maxBodyBytes + ", wsMaxFrameBytes="
                + wsMaxFrameBytes + ", wsRatePerSecond=" + wsRatePerSecond + ", wsMaxConnectionsPerAddress="
                + wsMaxConnectionsPerAddress + ", wsOutboundQueue=" + wsOutboundQueue + ", loginMaxFailures="
                + loginMaxFailures + ", loginFailureWindow=" + loginFailureWindow + ", dbConnectTimeout="
                + dbConnectTimeout + ", dbSocketTimeout=" + dbSocketTimeout + ", sqliteSynchronous="
                + sqliteSynchronous + ", logFormat=" + logFormat + "]";
    }

    /** Parses single keys, each failure naming its key. */
    private static final class Reader {
        private final Map<String, String> env;

        Reader(Map<String, String> env) {
            this.env = env;
        }

        private String raw(String key) {
            String value = env.get(key);
            return value == null || value.isBlank() ? null : value.strip();
        }

        /** The set value, else the table's default; {@code null} if neither. */
        private String value(String key) {
            String value = raw(key);
            if (value != null) {
                return value;
            }
            String defaultValue = DEFAULTS.get(key);
            if (defaultValue == null) {
                throw new IllegalStateException("not in SETTINGS: " + key);
            }
            return defaultValue.isEmpty() ? null : defaultValue;
        }

        private static IllegalArgumentException bad(String key, String expected, String value) {
            return new IllegalArgumentException(key + ": expected " + expected + ", got \"" + value + "\"");
        }

        int integer(String key, int min, int max) {
            String value = value(key);
            String expected = "an integer from " + min + " to " + max;
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw bad(key, expected, value);
            }
            if (parsed < min || parsed > max) {
                throw bad(key, expected, value);
            }
            return parsed;
        }

        Duration duration(String key) {
            String value = value(key);
            String expected = "a positive ISO-8601 duration such as PT15M, PT24H or P30D";
            Duration parsed;
            try {
                parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw bad(key, expected, value);
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw bad(key, expected, value);
            }
            return parsed;
        }

        Duration duration(String key, Duration min, Duration max) {
            Duration parsed = duration(key);
            if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                throw bad(key, "an ISO-8601 duration from " + min + " to " + max, value(key));
            }
            return parsed;
        }

        /** One of an enum's constants, by name in any case. */
        <E extends Enum<E>> E choice(String key, Class<E> type) {
            String value = value(key);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw bad(key, "one of " + String.join(", ", names), value);
        }

        String bindAddress(String key) {
            String value = value(key);
            if (!value.matches("[A-Za-z0-9.:\\-\\[\\]]{1,253}")) {
                throw bad(key, "an IP address or host name such as 127.0.0.1 or 0.0.0.0", value);
            }
            return value;
        }

        String dbUrl(String key) {
            String value = value(key);
            if (value.startsWith(SQLITE_PREFIX)) {
                String file = value.substring(SQLITE_PREFIX.length());
                if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:") || file.contains("?")) {
                    // Report without echoing the value: a URL may carry credentials.
                    throw new IllegalArgumentException(key + ": expected jdbc:sqlite:<path to a database file>");
                }
                return value;
            }
            if (value.startsWith(POSTGRES_PREFIX) && value.length() > POSTGRES_PREFIX.length()) {
                return value;
            }
            throw new IllegalArgumentException(
                    key + ": expected a jdbc:sqlite:<file> or jdbc:postgresql://host/db URL");
        }

        String channel(String key) {
            String value = value(key);
            if (!value.matches("[a-z][a-z0-9_]{0,39}")) {
                throw bad(key, "a lower-case name of up to 40 letters, digits and underscores", value);
            }
            return value;
        }

        BusChoice bus(String key, String channel) {
            String value = value(key);
            if (value.equalsIgnoreCase("inprocess")) {
                return new BusChoice(BusChoice.Kind.INPROCESS, null, channel);
            }
            if (value.equalsIgnoreCase("postgres")) {
                return new BusChoice(BusChoice.Kind.POSTGRES, null, channel);
            }
            if (value.startsWith(POSTGRES_PREFIX) && value.length() > POSTGRES_PREFIX.length()) {
                return new BusChoice(BusChoice.Kind.POSTGRES, value, channel);
            }
            String expected = "inprocess, postgres, a jdbc:postgresql: URL or redis[s]://[[user]:password@]host:port[/db]";
            if (!value.regionMatches(true, 0, "redis://", 0, 8) && !value.regionMatches(true, 0, "rediss://", 0, 9)) {
                throw bad(key, expected, value);
            }
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw bad(key, expected, value);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (uri.getHost() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || !(path.isEmpty() || path.matches("/[0-9]{1,2}"))) {
                throw bad(key, expected, value);
            }
            return new BusChoice(BusChoice.Kind.REDIS, value, channel);
        }

        List<String> origins(String key) {
            String value = value(key);
            if (value == null) {
                return List.of();
            }
            Map<String, Boolean> seen = new LinkedHashMap<>();
            for (String part : value.split(",", -1)) {
                String origin = part.strip();
                if (origin.isEmpty()) {
                    continue;
                }
                seen.put(normaliseOrigin(key, origin), Boolean.TRUE);
            }
            return Collections.unmodifiableList(new ArrayList<>(seen.keySet()));
        }

        private static String normaliseOrigin(String key, String origin) {
            String expected = "comma-separated origins such as https://chat.example.com or http://localhost:3000";
            URI uri;
            try {
                uri = new URI(origin);
            } catch (URISyntaxException e) {
                throw bad(key, expected, origin);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw bad(key, expected, origin);
            }
            String normalised = scheme.toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT);
            return uri.getPort() >= 0 ? normalised + ":" + uri.getPort() : normalised;
        }
    }
}
