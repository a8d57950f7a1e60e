package dev.parley.chat.core;

import java.util.Objects;

/**
 * Something that happened in a room, delivered live to subscribers. Events are immutable and the same instance is
 * handed to every local subscriber of a room, so a transport may cache per-event work (such as the encoded frame)
 * keyed on identity.
 *
 * <p>Every stored change is a {@link RoomChange} and carries the room's change number; {@link Typing} and
 * {@link Presence} are ephemeral and carry none.
 */
public sealed interface ChatEvent {
    /** The id of the room the event belongs to. */
    long roomId();

    /** The name of the room the event belongs to. */
    String room();

    /**
     * A stored change to a room: a message posted, edited, deleted or reacted to, a member joined or left. Each has the room's
     * next change number, 1, 2, 3, … with no gaps and no duplicates, assigned atomically with the change. A
     * subscription delivers changes in strictly increasing {@link #change()} order, each at most once and none
     * skipped: a change missing from a replay was superseded (a message edited again later is delivered once, in
     * its newest state, at its newest change).
     */
    sealed interface RoomChange extends ChatEvent
            permits MessagePosted, MessageEdited, MessageDeleted, MessageReacted, MemberJoined, MemberLeft {
        /** The room change number of this change, from 1. */
        long change();
    }

    /**
     * A message was stored. Replayed from the store, a message that has been edited is delivered as
     * {@link MessageEdited} and one that has been deleted as {@link MessageDeleted} instead, at its newest change:
     * clients update or insert messages by id.
     *
     * @param message the stored message
     */
    record MessagePosted(Message message) implements RoomChange {
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

        /** The message's {@link Message#change() change}. */
        @Override
        public long change() {
            return message.change();
        }
    }

    /**
     * A message's body was changed by its sender.
     *
     * @param message the message as it is now
     */
    record MessageEdited(Message message) implements RoomChange {
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

        /** The message's {@link Message#change() change}. */
        @Override
        public long change() {
            return message.change();
        }
    }

    /**
     * A message was deleted by its sender.
     *
     * @param message the message as it is now: deleted, body empty
     */
    record MessageDeleted(Message message) implements RoomChange {
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

        /** The message's {@link Message#change() change}. */
        @Override
        public long change() {
            return message.change();
        }
    }

    /**
     * A reaction was added to or removed from a message. Delivered live, it names who reacted with what; replayed
     * from the store (or read by another node of a cluster, which learns only that the room changed), it carries
     * only the message's current state, reactions included, and {@code user} and {@code emoji} are {@code null}.
     *
     * @param message the message as it is now, its reactions included
     * @param user the user who reacted, or {@code null} when replayed
     * @param emoji the emoji added or removed, or {@code null} when replayed
     * @param added whether the reaction was added (meaningless when replayed: {@code false})
     */
    record MessageReacted(Message message, User user, String emoji, boolean added) implements RoomChange {
        /** Validates the components. */
        public MessageReacted {
            Objects.requireNonNull(message, "message == null");
            if ((user == null) != (emoji == null)) {
                throw new IllegalArgumentException("user and emoji are both given or both null");
            }
        }

        /**
         * A reaction as replayed: the message's current state only.
         *
         * @param message the message as it is now
         */
        public MessageReacted(Message message) {
            this(message, null, null, false);
        }

        @Override
        public long roomId() {
            return message.roomId();
        }

        @Override
        public String room() {
            return message.room();
        }

        /** The message's {@link Message#change() change}. */
        @Override
        public long change() {
            return message.change();
        }
    }

    /**
     * A user joined (or was added to) the room.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param user the new member
     * @param change the room change number of the join
     */
    record MemberJoined(long roomId, String room, User user, long change) implements RoomChange {
        /** Validates the components. */
        public MemberJoined {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(user, "user == null");
            requireChange(change);
        }
    }

    /**
     * A user left the room. A subscriber whose own user left receives this event last: its subscription then ends.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param user the former member
     * @param change the room change number of the departure
     */
    record MemberLeft(long roomId, String room, User user, long change) implements RoomChange {
        /** Validates the components. */
        public MemberLeft {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(user, "user == null");
            requireChange(change);
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

    /**
     * A user came online in the room (their first subscription to it, on any node, opened) or went offline (their
     * last one closed, or the node holding it stopped answering). Ephemeral: never stored, may be dropped; a
     * subscription is not sent its own user's presence. {@link RoomSubscription#online()} gives the state the
     * events start from.
     *
     * @param roomId the room's id
     * @param room the room's name
     * @param userId the user's id
     * @param username the user's name
     * @param online whether the user is now online in the room
     */
    record Presence(long roomId, String room, long userId, String username, boolean online) implements ChatEvent {
        /** Validates the components. */
        public Presence {
            Objects.requireNonNull(room, "room == null");
            Objects.requireNonNull(username, "username == null");
        }
    }

    private static void requireChange(long change) {
        if (change < 1) {
            throw new IllegalArgumentException("change < 1: " + change);
        }
    }
}
