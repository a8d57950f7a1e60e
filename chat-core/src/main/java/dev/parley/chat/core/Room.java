package dev.parley.chat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A room: a named stream of messages with members. Immutable and safe to share between threads.
 *
 * @param id the room's unique, stable id
 * @param name the room's unique public name, normalised (see {@link ChatSettings}); direct rooms are named
 *     {@code dm:<lowerUserId>:<higherUserId>}, which no user-created name can take
 * @param type who can see and join the room
 * @param createdBy the id of the user who created it
 * @param createdAt when it was created
 */
public record Room(long id, String name, RoomType type, long createdBy, Instant createdAt) {
    /** Validates the components. */
    public Room {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
