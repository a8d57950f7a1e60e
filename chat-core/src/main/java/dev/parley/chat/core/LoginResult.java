package dev.parley.chat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of a successful {@link ChatService#login}.
 *
 * @param token the opaque bearer token (256 random bits, URL-safe base64). Parley keeps only its SHA-256, so this
 *     is the only time it is ever available: hand it to the client and do not log it.
 * @param expiresAt the absolute expiry; the session also ends earlier if it is idle for longer than
 *     {@link ChatSettings#sessionIdleTimeout()}
 * @param user the authenticated user
 */
public record LoginResult(String token, Instant expiresAt, User user) {
    /** Validates the components. */
    public LoginResult {
        Objects.requireNonNull(token, "token == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
        Objects.requireNonNull(user, "user == null");
    }

    /** Keeps the token out of logs. */
    @Override
    public String toString() {
        return "LoginResult[token=<redacted>, expiresAt=" + expiresAt + ", user=" + user + "]";
    }
}
