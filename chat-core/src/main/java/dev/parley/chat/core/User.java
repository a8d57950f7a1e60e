package dev.parley.chat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A registered user. Immutable and safe to share between threads.
 *
 * @param id the user's unique, stable id, assigned by the {@link dev.parley.chat.core.spi.UserStore}
 * @param username the name as the user chose it, NFC-normalised; unique after NFKC normalisation and case folding
 *     (see {@link ChatService#register})
 * @param createdAt when the user was registered
 */
public record User(long id, String username, Instant createdAt) {
    /** Validates the components. */
    public User {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
