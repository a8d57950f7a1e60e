package dev.parley.chat.core.spi;

import dev.parley.chat.core.User;
import java.util.Objects;

/**
 * A user together with the stored password hash, for log-in.
 *
 * @param user the user
 * @param passwordHash the encoded hash, or {@code null} if the user has no password
 */
public record UserCredentials(User user, String passwordHash) {
    /** Validates the components. */
    public UserCredentials {
        Objects.requireNonNull(user, "user == null");
    }

    /** Keeps the hash out of logs. */
    @Override
    public String toString() {
        return "UserCredentials[user=" + user + "]";
    }
}
