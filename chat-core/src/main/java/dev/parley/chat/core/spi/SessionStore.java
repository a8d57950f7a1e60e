package dev.parley.chat.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores log-in sessions, keyed by the SHA-256 of the token. Thread-safe; see the package description.
 */
public interface SessionStore {
    /**
     * Stores a new session.
     *
     * @param session the session; its {@code tokenHash} is unique (256 random bits), so a clash is a bug and may
     *     fail with any {@link dev.parley.chat.core.ChatException}
     */
    void create(StoredSession session);

    /**
     * Finds a session by token hash, whether or not it has expired (expiry is the service's decision).
     *
     * @param tokenHash the lowercase hex SHA-256 of the token
     * @return the session, or empty
     */
    Optional<StoredSession> find(String tokenHash);

    /**
     * Records use of a session. Never moves {@code lastSeenAt} backwards.
     *
     * @param tokenHash the session's token hash
     * @param lastSeenAt the time of use
     */
    void touch(String tokenHash, Instant lastSeenAt);

    /**
     * Deletes one session. Idempotent.
     *
     * @param tokenHash the session's token hash
     * @return whether a session was deleted
     */
    boolean delete(String tokenHash);

    /**
     * Deletes every session of a user (log out everywhere).
     *
     * @param userId the user's id
     * @return how many sessions were deleted
     */
    int deleteAllForUser(long userId);

    /**
     * Deletes every session of a user and says which (sign out everywhere): the caller ends each one, for instance
     * by closing the sockets authenticated with it. A session created concurrently may or may not be included.
     *
     * @param userId the user's id
     * @return the deleted sessions' token hashes, in no particular order; empty if the user had none
     */
    List<String> deleteAllForUserReturningHashes(long userId);

    /**
     * Deletes sessions that expired: last seen before {@code idleCutoff}, or with {@code expiresAt} at or before
     * {@code now}.
     *
     * @param idleCutoff sessions last seen before this are idle-expired
     * @param now the current time
     * @return how many sessions were deleted
     */
    int deleteExpired(Instant idleCutoff, Instant now);
}
