package dev.parley.chat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A user to be created by {@link UserStore#create}.
 *
 * @param username the display form of the name (NFC)
 * @param canonicalName the unique key: NFKC, case-folded
 * @param passwordHash the encoded password hash, or {@code null} for a user who cannot log in with a password
 *     (one provisioned by an application that authenticates its users itself)
 * @param createdAt the creation time
 */
public record NewUser(String username, String canonicalName, String passwordHash, Instant createdAt) {
    /** Validates the components. */
    public NewUser {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(canonicalName, "canonicalName == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }

    /** Keeps the hash out of logs. */
    @Override
    public String toString() {
        return "NewUser[username=" + username + ", canonicalName=" + canonicalName + "]";
    }
}
