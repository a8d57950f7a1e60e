package dev.parley.chat.core.spi;

import dev.parley.chat.core.RoomType;
import java.time.Instant;
import java.util.Objects;

/**
 * A room to be created by {@link RoomStore#create}.
 *
 * @param name the unique, already normalised name
 * @param type the room type
 * @param createdBy the creator's user id, or {@code 0} for rooms the system creates (such as {@code general})
 * @param createdAt the creation time
 */
public record NewRoom(String name, RoomType type, long createdBy, Instant createdAt) {
    /** Validates the components. */
    public NewRoom {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }
}
