package dev.parley.chat.client;

import java.util.Objects;

/**
 * A user as the server describes one: {@code {id, username}}.
 *
 * @param id the user's id, unique on the server
 * @param username the user's name as the server spells it
 */
public record User(long id, String username) {
    /**
     * Checks the name.
     *
     * @throws NullPointerException if {@code username} is null
     */
    public User {
        Objects.requireNonNull(username, "username == null");
    }
}
