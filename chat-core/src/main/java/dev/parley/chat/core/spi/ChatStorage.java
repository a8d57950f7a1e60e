package dev.parley.chat.core.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The four stores a {@link dev.parley.chat.core.ChatService} needs, usually backed by one database. Closing it
 * releases whatever the stores hold (connections, writer threads) after finishing work already accepted.
 */
public interface ChatStorage extends AutoCloseable {
    /** The user store. */
    UserStore users();

    /** The session store. */
    SessionStore sessions();

    /** The room and membership store. */
    RoomStore rooms();

    /** The message store. */
    MessageStore messages();

    /**
     * The message search, if this storage offers one. Without it {@link dev.parley.chat.core.ChatService#search}
     * fails with {@code search_unsupported}. The default offers none.
     *
     * @return the search over {@link #messages()}, or empty
     */
    default Optional<MessageSearch> search() {
        return Optional.empty();
    }

    /**
     * Checks that the storage can serve requests (for a readiness endpoint): both reads and writes, since a database
     * can keep answering reads while every write fails (another process holding a lock, a full or read-only disk, a
     * standby). Health endpoints call this often and from many checkers: an implementation that does real work should
     * limit how often it does it (for example at most once a second, answering with the last outcome in between), and
     * should answer within a few seconds. The default does nothing.
     *
     * @throws dev.parley.chat.core.UnavailableException if it cannot
     */
    default void checkHealth() {
    }

    /** Releases resources; the default does nothing. Never throws a checked exception. */
    @Override
    default void close() {
    }

    /**
     * Combines four stores, for example in-memory users and sessions with a custom room and message store. The room
     * and message stores must share each room's change counter (see {@link MessageStore}): take them from one
     * implementation. The result's {@link #close()} does nothing: the caller owns the parts.
     *
     * @return the combination
     */
    static ChatStorage of(UserStore users, SessionStore sessions, RoomStore rooms, MessageStore messages) {
        Objects.requireNonNull(users, "users == null");
        Objects.requireNonNull(sessions, "sessions == null");
        Objects.requireNonNull(rooms, "rooms == null");
        Objects.requireNonNull(messages, "messages == null");
        return new ChatStorage() {
            @Override
            public UserStore users() {
                return users;
            }

            @Override
            public SessionStore sessions() {
                return sessions;
            }

            @Override
            public RoomStore rooms() {
                return rooms;
            }

            @Override
            public MessageStore messages() {
                return messages;
            }
        };
    }
}
