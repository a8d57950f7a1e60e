package dev.parley.chat.store.jooq;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Maps database failures to Parley's errors. Messages never contain SQL or user data: the driver's exception (which
 * may) is kept only as the cause of an {@link UnavailableException}, for operators' logs.
 *
 * <p>A message says what is wrong in terms a client can act on: the database is unreachable, did not answer in
 * time, or is locked, rather than which operation happened to meet the failure. Each such failure is also logged as
 * one WARNING line without a stack trace, at most once per {@link #WARNING_INTERVAL}: an outage fails every request,
 * and the log should say so once, not once per request. Any other failure is logged with its stack trace, on a limiter
 * of its own.
 */
final class Errors {
    static final String UNREACHABLE = "the database is unreachable";
    static final String LOCKED = "the database is locked by another connection or process";
    static final String TIMED_OUT = "the database did not answer in time";
    static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

    private static final String PG_UNIQUE_VIOLATION = "23505";
    /** SQLSTATE class 08, connection exception: refused, broken, timed out. */
    private static final String PG_CONNECTION_CLASS = "08";
    /** 57P01-57P03: the server is shutting down, crashed or not yet accepting connections. */
    private static final String PG_SERVER_GOING = "57P0";
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final System.Logger LOG = System.getLogger("dev.parley.chat.store.jooq");
    private static final RateLimitedLog OUTAGES = new RateLimitedLog(LOG, WARNING_INTERVAL);
    private static final RateLimitedLog UNEXPECTED = new RateLimitedLog(LOG, WARNING_INTERVAL);

    private Errors() {
    }

    /**
     * Translates a failure: {@link ChatException}s pass through, unique violations become
     * {@link DuplicateKeyException}, everything else {@code STORAGE_UNAVAILABLE} with {@link #reason}.
     */
    static RuntimeException translate(Throwable failure, String operation) {
        if (failure instanceof ChatException chat) {
            return chat; // includes DuplicateKeyException
        }
        if (isUniqueViolation(failure)) {
            return new DuplicateKeyException(failure);
        }
        return unavailable(reason(failure, operation), failure);
    }

    /**
     * What went wrong, for clients: one of the fixed phrases above when the failure is recognised, else
     * "the database failed while trying to " + operation. Logs a recognised outage (rate-limited, see the class).
     */
    static String reason(Throwable failure, String operation) {
        String reason = recognise(failure);
        if (reason == null) {
            // Not an outage but something unexpected (a driver or schema problem): worth its stack trace, once in a
            // while, and on a limiter of its own so that an outage's lines cannot hide it.
            UNEXPECTED.log(System.Logger.Level.WARNING, "Storage failed while trying to " + operation, failure);
            return "the database failed while trying to " + operation;
        }
        OUTAGES.log(System.Logger.Level.WARNING, "Storage unavailable: " + reason + " (" + rootMessage(failure) + ")",
                null);
        return reason;
    }

    static UnavailableException unavailable(String message, Throwable cause) {
        return new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, message, cause);
    }

    private static String recognise(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return TIMED_OUT; // a connection that went silent, before the SQLSTATE wrapped around it below
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof UnknownHostException) {
                return UNREACHABLE;
            }
            if (t instanceof SQLException sql) {
                String state = String.valueOf(sql.getSQLState());
                if (state.startsWith(PG_CONNECTION_CLASS) || state.startsWith(PG_SERVER_GOING)) {
                    return UNREACHABLE;
                }
                int primary = sql.getErrorCode() & 0xff; // SQLite: the primary result code of an extended one
                if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                    return LOCKED;
                }
                // HikariCP's "connection is not available" with no failed connection attempt behind it: every
                // connection stayed in use, on statements that are slow or that a silent network never answers.
                if (sql instanceof SQLTransientConnectionException && sql.getCause() == null) {
                    return TIMED_OUT;
                }
            }
        }
        return null;
    }

    /** The innermost cause's message, which names the real problem (connection refused, database is locked). */
    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                if (PG_UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                    return true;
                }
                // sqlite-jdbc reports the primary result code; the extended one is only in the message.
                String message = String.valueOf(sql.getMessage());
                if (sql.getErrorCode() == SQLITE_CONSTRAINT && (message.contains("SQLITE_CONSTRAINT_UNIQUE")
                        || message.contains("SQLITE_CONSTRAINT_PRIMARYKEY"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
