package dev.parley.chat.core;

import java.util.List;
import java.util.Objects;

/**
 * One emoji's reactions to a message: who reacted with it, in the order they reacted. A message lists its reactions
 * in the order of each emoji's oldest remaining reaction (a removed reaction no longer counts). Immutable and thread-safe; a client tells whether its own user
 * reacted by looking for its username in {@link #users()}.
 *
 * @param emoji the emoji, one extended grapheme cluster
 * @param users the usernames of the users who reacted with it, oldest reaction first; never empty
 */
public record Reaction(String emoji, List<String> users) {
    /** Validates and copies the components. */
    public Reaction {
        Objects.requireNonNull(emoji, "emoji == null");
        users = List.copyOf(Objects.requireNonNull(users, "users == null"));
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a reaction has at least one user");
        }
    }

    /** How many users reacted with this emoji: the size of {@link #users()}. */
    public int count() {
        return users.size();
    }
}
