package dev.parley.chat.core.memory;

import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.UserStore;
import java.util.Optional;

/**
 * A {@link ChatStorage} that keeps everything in the heap: for tests, demos and single-process applications that
 * need no persistence. Nothing survives the JVM, and nothing is ever evicted, so memory grows with the number of
 * users, sessions (until {@link SessionStore#deleteExpired deleted}), rooms and messages.
 *
 * <h2>Guarantees</h2>
 * Every store implements its SPI contract exactly, as proven by the {@code chat-testkit} suites:
 * <ul>
 *   <li>ids are assigned from {@code 1} upwards, separately for users, rooms and messages;</li>
 *   <li>canonical usernames and room names are unique ({@code USERNAME_TAKEN}, {@code ROOM_EXISTS});</li>
 *   <li>each room's sequence numbers are {@code 1, 2, 3, …} with no gaps or duplicates under any number of
 *       concurrent senders, and appends with a client message id are idempotent per sender
 *       ({@code IDEMPOTENCY_CONFLICT} for a reuse with another room or body);</li>
 *   <li>each room's changes (messages posted, edited and deleted; members joining and leaving) are numbered
 *       {@code 1, 2, 3, …} from one counter shared by {@link #rooms()} and {@link #messages()}, so mixing these two
 *       with another implementation's room or message store breaks the numbering;</li>
 *   <li>a history read costs O(log n + limit) (in fact O(limit)): each room's messages are indexed by sequence.</li>
 * </ul>
 * The stores never normalise or validate their input (the service does that), never call listeners or a
 * {@link dev.parley.chat.core.spi.Fanout}, and never start threads. They never throw
 * {@link dev.parley.chat.core.UnavailableException}: a method that returns has committed its effect.
 * {@link NullPointerException} signals a {@code null} argument where a value is required, and
 * {@link IllegalArgumentException} a history limit below 1 or a negative {@code afterSeq}.
 *
 * <h2>Thread-safety</h2>
 * Thread-safe. Reads run concurrently; writes to different rooms' messages do not contend. Returned objects are
 * immutable records and lists, safe to share.
 */
public final class InMemoryChatStorage implements ChatStorage {
    private final InMemoryUserStore users = new InMemoryUserStore();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    // One change counter per room, shared by joins and leaves and by message changes.
    private final RoomLogs logs = new RoomLogs();
    private final InMemoryRoomStore rooms = new InMemoryRoomStore(logs);
    private final InMemoryMessageStore messages = new InMemoryMessageStore(logs,
            id -> users.findById(id).map(User::username).orElse(""));
    private final MessageSearch search = messages::search;

    private InMemoryChatStorage() {
    }

    /**
     * Creates an empty storage.
     *
     * @return a new storage with no users, sessions, rooms or messages
     */
    public static InMemoryChatStorage create() {
        return new InMemoryChatStorage();
    }

    /**
     * The user store.
     *
     * @return the same instance on every call; thread-safe
     */
    @Override
    public UserStore users() {
        return users;
    }

    /**
     * The session store.
     *
     * @return the same instance on every call; thread-safe
     */
    @Override
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * The room and membership store.
     *
     * @return the same instance on every call; thread-safe
     */
    @Override
    public RoomStore rooms() {
        return rooms;
    }

    /**
     * The message store.
     *
     * @return the same instance on every call; thread-safe
     */
    @Override
    public MessageStore messages() {
        return messages;
    }

    /**
     * The message search: a scan of the messages below the cursor, applying the rule of
     * {@link dev.parley.chat.core.SearchTerms} exactly. Meant for the sizes this storage is for; it has no index.
     *
     * @return the same search on every call; thread-safe
     */
    @Override
    public Optional<MessageSearch> search() {
        return Optional.of(search);
    }

    /** Always healthy: the heap cannot be unavailable. Never throws. */
    @Override
    public void checkHealth() {
    }

    /**
     * Does nothing: there is nothing to release. The stores stay usable and keep their data until this object is
     * garbage collected. Idempotent; never throws.
     */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "InMemoryChatStorage";
    }
}
