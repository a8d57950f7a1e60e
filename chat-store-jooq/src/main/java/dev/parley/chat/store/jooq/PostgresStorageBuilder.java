package dev.parley.chat.store.jooq;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens a PostgreSQL storage with its own connection pool (HikariCP) and settings; from
 * {@link JooqChatStorage#postgresBuilder(String)}. Not thread-safe; each {@link #open()} opens a new storage.
 *
 * <p>The two timeouts bound how long a call can take when the database is unreachable, before it fails with
 * {@code STORAGE_UNAVAILABLE} ("the database is unreachable"): {@link #connectTimeout} when no connection can be had
 * (the server is down, refuses, or the pool stays busy), {@link #socketTimeout} when the server stops answering on an
 * open connection (a network that drops packets silently). Parameters of the same names in the JDBC URL
 * ({@code connectTimeout}, {@code loginTimeout}, {@code socketTimeout}) win over these. Schema migrations at
 * {@link #open()} run without the socket timeout, since a backfill may legitimately take long.
 */
public final class PostgresStorageBuilder {
    private final String jdbcUrl;
    private int poolSize = PostgresOptions.DEFAULTS.poolSize();
    private Duration connectTimeout = PostgresOptions.DEFAULTS.connectTimeout();
    private Duration socketTimeout = PostgresOptions.DEFAULTS.socketTimeout();
    private MetricsTrackerFactory poolMetrics;

    PostgresStorageBuilder(String jdbcUrl) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    }

    /**
     * The most connections in the pool; default 10.
     *
     * @param connections at least 1
     * @return this
     */
    public PostgresStorageBuilder poolSize(int connections) {
        this.poolSize = connections;
        return this;
    }

    /**
     * How long a call waits for a connection, from the pool or newly opened, before failing; default 5 s, at least
     * 250 ms. Also pgjdbc's {@code connectTimeout} and {@code loginTimeout} (whole seconds, rounded up).
     *
     * @param timeout the timeout
     * @return this
     */
    public PostgresStorageBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = Objects.requireNonNull(timeout, "timeout == null");
        return this;
    }

    /**
     * How long a call waits for the server to answer on an open connection before failing; default 30 s, at least
     * 1 s. pgjdbc's {@code socketTimeout} (whole seconds, rounded up). It also bounds a statement waiting for a lock,
     * so keep it above the longest legitimate statement.
     *
     * @param timeout the timeout
     * @return this
     */
    public PostgresStorageBuilder socketTimeout(Duration timeout) {
        this.socketTimeout = Objects.requireNonNull(timeout, "timeout == null");
        return this;
    }

    /**
     * Where the pool (named {@code parley-postgres}) reports its metrics; default nowhere. For Micrometer, HikariCP's
     * own {@code new MicrometerMetricsTrackerFactory(registry)} (from {@code com.zaxxer.hikari.metrics.micrometer},
     * which needs {@code micrometer-core} at run time) gives the {@code hikaricp.connections.*} meters.
     *
     * @param factory HikariCP's metrics tracker factory
     * @return this
     */
    public PostgresStorageBuilder poolMetrics(MetricsTrackerFactory factory) {
        this.poolMetrics = Objects.requireNonNull(factory, "factory == null");
        return this;
    }

    /**
     * Connects, and creates or upgrades the schema.
     *
     * @return the open storage; close it when done (that closes the pool)
     * @throws IllegalArgumentException if a setting is out of range
     * @throws dev.parley.chat.core.UnavailableException if the database cannot be reached or migrated
     */
    public JooqChatStorage open() {
        PostgresOptions options = new PostgresOptions(poolSize, connectTimeout, socketTimeout);
        return JooqChatStorage.postgres(jdbcUrl, options, poolMetrics);
    }
}
