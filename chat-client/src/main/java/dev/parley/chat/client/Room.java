package dev.parley.chat.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A room: {@code {name, type, createdAt}}.
 *
 * @param name the normalised name (direct rooms are named {@code dm:<id>:<id>})
 * @param type {@code public}, {@code private} or {@code direct}
 * @param createdAt when it was created
 */
public record Room(String name, String type, Instant createdAt) {
    /**
     * Checks the members.
     *
     * @throws NullPointerException if any member is null
     */
    public Room {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
