package dev.parley.chat.store.jooq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * PostgreSQL: every call borrows a pooled connection; writes run in a READ COMMITTED transaction. Sequence and change
 * numbers are allocated with a row lock on the room (see {@link MessageStoreImpl} and {@link ChangeCounter}).
 * {@link #close()} waits for the calls in progress, then closes the pool if this object owns it.
 */
final class PostgresDb implements Db {
    private final AutoCloseable owned;
    private final DSLContext dsl;
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private PostgresDb(DataSource dataSource, AutoCloseable owned) {
        this.owned = owned;
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, JooqSettings.SETTINGS);
    }

    /**
     * Migrates the schema on a connection of its own, then serves from the data source.
     *
     * @param owned closed by {@link #close()} (the pool we created), or {@code null} if the caller owns the pool
     */
    static PostgresDb open(DataSource dataSource, AutoCloseable owned) {
        try (Connection connection = dataSource.getConnection()) {
            // A migration may rewrite a large table (a backfill): no read timeout while it runs.
            int socketTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run, 0);
            try {
                Migrations.migrate(connection);
            } finally {
                connection.setNetworkTimeout(Runnable::run, socketTimeout);
            }
        } catch (SQLException e) {
            throw Errors.unavailable("could not connect to PostgreSQL", e);
        }
        return new PostgresDb(dataSource, owned);
    }

    @Override
    public <T> T read(String operation, Function<DSLContext, T> work) {
        enter();
        try {
            return work.apply(dsl);
        } catch (RuntimeException e) {
            throw Errors.translate(e, operation);
        } finally {
            inFlight.readLock().unlock();
        }
    }

    @Override
    public <T> T write(String operation, Function<DSLContext, T> work) {
        enter();
        try {
            return dsl.transactionResult(configuration -> work.apply(configuration.dsl()));
        } catch (RuntimeException e) {
            throw Errors.translate(e, operation);
        } finally {
            inFlight.readLock().unlock();
        }
    }

    @Override
    public void checkHealth() {
        read("check health", HealthProbe::read);
        write("check health", HealthProbe::write);
    }

    @Override
    public void close() {
        inFlight.writeLock().lock(); // waits for calls in progress
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            inFlight.writeLock().unlock();
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // The pool is unusable either way; nothing was pending.
            }
        }
    }


    private void enter() {
        if (closed) {
            throw Errors.unavailable("storage is closed", null);
        }
        inFlight.readLock().lock();
        if (closed) {
            inFlight.readLock().unlock();
            throw Errors.unavailable("storage is closed", null);
        }
    }
}
