package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The common base of the store contract suites ({@link UserStoreContract}, {@link SessionStoreContract},
 * {@link RoomStoreContract}, {@link MessageStoreContract}). It creates a fresh, empty storage with
 * {@link #createStorage()} before every test and closes it after, and offers helpers that create users, rooms and
 * messages <em>through the storage under test</em>, so that stores with foreign keys (a SQL store) see consistent
 * data.
 *
 * <p>Do not extend this class directly; extend one of the suites. The knobs below ({@link #concurrentThreads()},
 * {@link #operationsPerThread()}, {@link #concurrencyTimeout()}) may be overridden for slow stores.
 */
public abstract class StoreContractSupport {
    /** A reference time with microsecond precision, the finest a SQL {@code timestamp} keeps. */
    protected static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    private final AtomicInteger names = new AtomicInteger();
    private ChatStorage storage;

    /** For subclasses. */
    protected StoreContractSupport() {
    }

    /**
     * Creates the storage under test. Called before every test; each call must return a storage that is empty (no
     * users, sessions, rooms or messages) and independent of earlier ones. It is closed after the test.
     *
     * @return a new, empty storage
     */
    protected abstract ChatStorage createStorage();

    /**
     * How many threads the concurrency tests run at once. At least 8 by default.
     *
     * @return the thread count
     */
    protected int concurrentThreads() {
        return 8;
    }

    /**
     * How many operations (for example appends) each thread of a concurrency test performs.
     *
     * @return the count per thread
     */
    protected int operationsPerThread() {
        return 200;
    }

    /**
     * How long a concurrency test may take before it fails.
     *
     * @return the timeout
     */
    protected Duration concurrencyTimeout() {
        return Duration.ofSeconds(60);
    }

    /** Creates the storage for the next test. */
    @BeforeEach
    protected final void openStorage() {
        storage = createStorage();
        assertThat(storage).as("createStorage()").isNotNull();
    }

    /** Closes the storage after each test. */
    @AfterEach
    protected final void closeStorage() {
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    /**
     * The storage under test.
     *
     * @return the storage created for the current test
     */
    protected final ChatStorage storage() {
        return storage;
    }

    /**
     * The user store under test.
     *
     * @return the store
     */
    protected final UserStore users() {
        return storage.users();
    }

    /**
     * The session store under test.
     *
     * @return the store
     */
    protected final SessionStore sessions() {
        return storage.sessions();
    }

    /**
     * The room store under test.
     *
     * @return the store
     */
    protected final RoomStore rooms() {
        return storage.rooms();
    }

    /**
     * The message store under test.
     *
     * @return the store
     */
    protected final MessageStore messages() {
        return storage.messages();
    }

    // ---- data helpers -----------------------------------------------------------------------------------------

    /**
     * A time relative to {@link #T0}.
     *
     * @param seconds seconds after {@code T0} (negative for before)
     * @return the instant
     */
    protected static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /**
     * Creates a user whose canonical name is the lower-cased username, with a password hash.
     *
     * @param username the username
     * @return the created user
     */
    protected final User createUser(String username) {
        return users().create(new NewUser(username, username.toLowerCase(Locale.ROOT), "hash-of-" + username, T0));
    }

    /**
     * Creates a user with a generated unique name.
     *
     * @return the created user
     */
    protected final User createUser() {
        return createUser("user" + names.incrementAndGet());
    }

    /**
     * Creates a public room.
     *
     * @param name the room name
     * @return the created room
     */
    protected final Room createRoom(String name) {
        return createRoom(name, RoomType.PUBLIC);
    }

    /**
     * Creates a room created by the system ({@code createdBy == 0}).
     *
     * @param name the room name
     * @param type the type
     * @return the created room
     */
    protected final Room createRoom(String name, RoomType type) {
        return rooms().create(new NewRoom(name, type, 0, T0));
    }

    /**
     * Creates a public room with a generated unique name.
     *
     * @return the created room
     */
    protected final Room createRoom() {
        return createRoom("room" + names.incrementAndGet());
    }

    /**
     * The message a user would send, created at {@link #T0}.
     *
     * @param room the room
     * @param sender the sender
     * @param body the body
     * @param clientMsgId the idempotency key, or {@code null}
     * @return the new message, not yet stored
     */
    protected static NewMessage newMessage(Room room, User sender, String body, String clientMsgId) {
        return new NewMessage(room.id(), room.name(), sender.id(), sender.username(), body, clientMsgId, T0);
    }

    /**
     * Appends a message without a client message id and checks that it was created.
     *
     * @param room the room
     * @param sender the sender
     * @param body the body
     * @return the stored message
     */
    protected final Message post(Room room, User sender, String body) {
        AppendResult r = messages().append(newMessage(room, sender, body, null));
        assertThat(r.created()).as("created").isTrue();
        return r.message();
    }

    /**
     * Appends {@code count} messages with bodies {@code "m1"}, {@code "m2"}, …
     *
     * @param room the room
     * @param sender the sender
     * @param count how many
     * @return the stored messages, in order
     */
    protected final List<Message> postMany(Room room, User sender, int count) {
        List<Message> posted = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            posted.add(post(room, sender, "m" + i));
        }
        return posted;
    }

    /**
     * Makes a user a member of a room, which must be a new membership, and returns the change number it took.
     *
     * @param room the room
     * @param user the user, not yet a member
     * @return the room change number of the join
     */
    protected final long join(Room room, User user) {
        long change = rooms().addMember(room.id(), user.id(), T0);
        assertThat(change).as("change number of %s joining %s", user.username(), room.name()).isPositive();
        return change;
    }

    /**
     * Ends a user's membership of a room, which must exist, and returns the change number it took.
     *
     * @param room the room
     * @param user the user, a member
     * @return the room change number of the departure
     */
    protected final long leave(Room room, User user) {
        long change = rooms().removeMember(room.id(), user.id(), T0);
        assertThat(change).as("change number of %s leaving %s", user.username(), room.name()).isPositive();
        return change;
    }

    /**
     * A session token hash as the service makes it: the lowercase hex SHA-256 of a token.
     *
     * @param token any string
     * @return 64 lowercase hex characters
     */
    protected static String tokenHash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }

    /**
     * The sequence numbers of some messages, in list order.
     *
     * @param messages the messages
     * @return their sequences
     */
    protected static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).toList();
    }

    /**
     * The change numbers of some messages, in list order.
     *
     * @param messages the messages
     * @return their {@link Message#change() changes}
     */
    protected static List<Long> changes(List<Message> messages) {
        return messages.stream().map(Message::change).toList();
    }

    /**
     * The list {@code from, from + 1, …, to}.
     *
     * @param from the first value
     * @param to the last value, inclusive
     * @return the values, empty if {@code to < from}
     */
    protected static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            values.add(v);
        }
        return values;
    }

    /**
     * Runs a call that must fail with a {@link ChatException} and returns the exception.
     *
     * @param call the call
     * @return the exception thrown
     */
    protected static ChatException catchChatException(ThrowingCallable call) {
        ChatException e = catchThrowableOfType(ChatException.class, call);
        assertThat(e).as("expected a ChatException").isNotNull();
        return e;
    }

    // ---- concurrency ------------------------------------------------------------------------------------------

    /**
     * Whether the store under test implements replies, reactions and mentions (release 4 of the SPI). A custom store
     * written before them returns {@code false}, and their cases (in the message store and change stream contracts)
     * are skipped.
     *
     * @return {@code true} unless overridden
     */
    protected boolean supportsRepliesReactionsAndMentions() {
        return true;
    }

    /**
     * One thread's work in {@link #inParallel}.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    protected interface ThreadTask<T> {
        /**
         * Runs the work of one thread.
         *
         * @param thread the thread's index, from 0
         * @return the result
         * @throws Exception to fail the test
         */
        T run(int thread) throws Exception;
    }

    /**
     * Runs a task on {@code threads} threads that all start at the same moment, and waits for all of them.
     *
     * @param threads the number of threads
     * @param task the work of each thread
     * @param <T> the result type
     * @return the results, indexed by thread
     * @throws AssertionError if a task throws or the {@link #concurrencyTimeout()} passes
     */
    protected final <T> List<T> inParallel(int threads, ThreadTask<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return task.run(index);
                }));
            }
            long deadline = System.nanoTime() + concurrencyTimeout().toNanos();
            if (!ready.await(concurrencyTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("threads did not start within " + concurrencyTimeout());
            }
            start.countDown();
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw new AssertionError("a concurrent task failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("concurrent tasks did not finish within " + concurrencyTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
