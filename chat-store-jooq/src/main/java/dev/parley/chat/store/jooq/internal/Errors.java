package dev.parley.chat.store.jooq.internal;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;
import java.sql.SQLException;

/**
 * Maps database failures to Parley's errors. Messages never contain SQL or user data: the driver's exception (which
 * may) is kept only as the cause of an {@link UnavailableException}, for operators' logs.
 */
final class Errors {
    private static final String PG_UNIQUE_VIOLATION = "23505";
    private static final int SQLITE_CONSTRAINT = 19;

    private Errors() {
    }

    /**
     * Translates a failure: {@link ChatException}s pass through, unique violations become
     * {@link DuplicateKeyException}, everything else {@code STORAGE_UNAVAILABLE}.
     */
    static RuntimeException translate(Throwable failure, String operation) {
        if (failure instanceof ChatException chat) {
            return chat; // includes DuplicateKeyException
        }
        if (isUniqueViolation(failure)) {
            return new DuplicateKeyException(failure);
        }
        return unavailable("storage failed to " + operation, failure);
    }

    static UnavailableException unavailable(String message, Throwable cause) {
        return new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, message, cause);
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
