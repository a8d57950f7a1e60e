package dev.parley.chat.store.jooq;

import java.time.Duration;
import java.util.Objects;

/**
 * The pool and timeouts of a PostgreSQL storage that owns its pool. Package-private: the public API is
 * {@link dev.parley.chat.store.jooq.PostgresStorageBuilder}, which documents each value.
 *
 * @param poolSize the most connections
 * @param connectTimeout how long a call waits for a connection (from the pool, or a new one) before failing
 * @param socketTimeout how long a call waits for the server to answer on an open connection before failing
 */
record PostgresOptions(int poolSize, Duration connectTimeout, Duration socketTimeout) {
    /** HikariCP's lowest connection timeout. */
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    /** pgjdbc counts its timeouts in whole seconds. */
    static final Duration MIN_SOCKET_TIMEOUT = Duration.ofSeconds(1);
    /** The defaults: 10 connections, 5 s to get a connection, 30 s for the server to answer. */
    static final PostgresOptions DEFAULTS =
            new PostgresOptions(10, Duration.ofSeconds(5), Duration.ofSeconds(30));

    /** Validates the components. */
    PostgresOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout == null");
        Objects.requireNonNull(socketTimeout, "socketTimeout == null");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
        }
        if (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0) {
            throw new IllegalArgumentException("connectTimeout must be at least 250 ms, got " + connectTimeout);
        }
        if (socketTimeout.compareTo(MIN_SOCKET_TIMEOUT) < 0) {
            throw new IllegalArgumentException("socketTimeout must be at least 1 s, got " + socketTimeout);
        }
    }

    /** A timeout in whole seconds, rounded up, as pgjdbc's {@code connectTimeout} and {@code socketTimeout} take. */
    static String seconds(Duration timeout) {
        long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
        return Long.toString(Math.max(1, Math.min(Integer.MAX_VALUE, seconds)));
    }
}
