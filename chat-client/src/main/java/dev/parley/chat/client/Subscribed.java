package dev.parley.chat.client;

import java.util.List;
import java.util.Objects;

/**
 * The server's answer to a join: the position the room's stream continues after.
 *
 * @param room the room's normalised name
 * @param lastSeq the newest message's {@code seq} when the subscription started, 0 if none
 * @param lastChange the room's newest change number when the subscription started, 0 if none
 * @param online the users online in the room on the server node, the caller included
 */
public record Subscribed(String room, long lastSeq, long lastChange, List<String> online) {
    /**
     * Checks and copies the members.
     *
     * @throws NullPointerException if {@code room} or {@code online} is null
     */
    public Subscribed {
        Objects.requireNonNull(room, "room == null");
        online = List.copyOf(online);
    }
}
