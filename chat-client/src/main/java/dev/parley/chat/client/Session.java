package dev.parley.chat.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in session: what {@code POST /api/login} returns.
 *
 * @param token the opaque bearer token; keep it secret
 * @param expiresAt its absolute expiry (it also expires when idle, see the server's settings)
 * @param user who logged in
 */
public record Session(String token, Instant expiresAt, User user) {
    /**
     * Checks the members.
     *
     * @throws NullPointerException if any member is null
     */
    public Session {
        Objects.requireNonNull(token, "token == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
        Objects.requireNonNull(user, "user == null");
    }

    /** Leaves the token out, so that a logged session does not leak it. */
    @Override
    public String toString() {
        return "Session[user=" + user + ", expiresAt=" + expiresAt + "]";
    }
}
