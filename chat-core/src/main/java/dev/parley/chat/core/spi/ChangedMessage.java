package dev.parley.chat.core.spi;

import dev.parley.chat.core.Message;
import java.util.Objects;

/**
 * A message in the change stream, with the kind of the change that produced its current state: what
 * {@link MessageStore#findChanges} returns, so that a replay tells a reaction from an edit.
 *
 * @param message the message as it is now
 * @param kind what its newest change was
 */
public record ChangedMessage(Message message, Kind kind) {
    /** Validates the components. */
    public ChangedMessage {
        Objects.requireNonNull(message, "message == null");
        Objects.requireNonNull(kind, "kind == null");
    }

    /** The kinds of change a message goes through. */
    public enum Kind {
        /** Posted, and not changed since. */
        POSTED,
        /** Its body was edited. */
        EDITED,
        /** It was deleted. */
        DELETED,
        /** A reaction was added or removed. */
        REACTED;

        /**
         * The kind a message's own state implies, for a store that does not record kinds: reactions are then
         * indistinguishable from the state before them.
         *
         * @param m the message
         * @return {@link #DELETED}, {@link #EDITED} if it has an edit time, else {@link #POSTED}
         */
        public static Kind inferredFrom(Message m) {
            if (m.deleted()) {
                return DELETED;
            }
            return m.editedAt() == null ? POSTED : EDITED;
        }
    }
}
