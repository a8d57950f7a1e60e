package dev.parley.chat.core;

import java.util.Objects;

/**
 * Something that happened in a room, delivered live to subscribers. Events are immutable and the same instance is
 * handed to every local subscriber of a room, so a transport may cache per-event work (such as the encoded frame)
 * keyed on identity.
 */
public sealed interface ChatEvent {
    /** The id of the room the event belongs to. */
    long roomId();

    /** The name of the room the event belongs to. */
    String room();

    /**
     * A message was stored. Subscribers receive these in strictly increasing {@code seq} order without gaps.
     *
     * @param message the stored message
     */
    record MessagePosted(Message message) implements ChatEvent {
        /** Validates the component. */
        public MessagePosted {
            Objects.requireNonNull(message, "message == null");
        }

        @Override
        public long roomId() {
            return message.roomId();
        }

        @Override
        public String room() {
            return message.room();
        }
    }

    /**
     * A message's body was changed by its sender.
     *
     * @param message the message as it is now
     */
    record MessageEdited(Message message) implements ChatEvent {
        /** Validates the component. */
        public MessageEdited {
            Objects.requireNonNull(message, "message == null");
        }

        @Override
        public long roomId() {
            return message.roomId();
        }

        @Override
        public String room() {
            return message.room();
        }
    }

    /**
     * A message was deleted by its sender.
     *
     * @param message the message as it is now: deleted, body empty
     */
    record MessageDeleted(Message message) implements ChatEvent {
        /** Validates the component. */
        public MessageDeleted {
            Objects.requireNonNull(message, "message == null");
        }

        @Override
        public long roomId() {
            return message.roomId();
        }

        @Override
        public String room() {
            return message.room();
        }
    }

    /**
     * A user joined (or was added to) the room.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param user the new member
     */
    record MemberJoined(long roomId, String room, User user) implements ChatEvent {
        /** Validates the components. */
        public MemberJoined {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(user, "user == null");
        }
    }

    /**
     * A user left the room. A subscriber whose own user left receives this event last: its subscription then ends.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param user the former member
     */
    record MemberLeft(long roomId, String room, User user) implements ChatEvent {
        /** Validates the components. */
        public MemberLeft {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(user, "user == null");
        }
    }

    /**
     * A user is typing. Ephemeral: never stored, may be dropped.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param user the user typing
     */
    record Typing(long roomId, String room, User user) implements ChatEvent {
        /** Validates the components. */
        public Typing {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(user, "user == null");
        }
    }
}
