package dev.parley.chat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A log-in session as stored. The token itself is never stored, only its SHA-256.
 *
 * @param tokenHash the lowercase hex SHA-256 of the token (64 characters)
 * @param userId the user's id
 * @param createdAt when the session was created
 * @param lastSeenAt when the token was last used (updated at most about once a minute)
 * @param expiresAt the absolute expiry
 */
public record StoredSession(String tokenHash, long userId, Instant createdAt, Instant lastSeenAt,
        Instant expiresAt) {
    /** Validates the components. */
    public StoredSession {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
    }
}
