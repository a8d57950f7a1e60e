package dev.parley.chat.client;

import java.util.List;
import java.util.Objects;

/**
 * One emoji's reactions to a message (docs/protocol.md, Reaction). The caller reacted with it if its own username
 * is in {@link #users()}. Immutable and thread-safe.
 *
 * @param emoji the emoji
 * @param users who reacted with it, oldest first; {@link #count()} is their number
 */
public record Reaction(String emoji, List<String> users) {
    /**
     * Checks and copies the members.
     *
     * @throws NullPointerException if {@code emoji} or {@code users} is null
     */
    public Reaction {
        Objects.requireNonNull(emoji, "emoji == null");
        users = List.copyOf(Objects.requireNonNull(users, "users == null"));
    }

    /**
     * How many users reacted with this emoji.
     *
     * @return the size of {@link #users()}
     */
    public int count() {
        return users.size();
    }
}
