package dev.parley.chat.core;

/** Who can see and join a room. */
public enum RoomType {
    /** Listed to everyone; any user can join. */
    PUBLIC,
    /** Visible only to its members; members add others. */
    PRIVATE,
    /** A conversation between exactly two users, opened with {@link ChatService#openDirect}. */
    DIRECT
}
