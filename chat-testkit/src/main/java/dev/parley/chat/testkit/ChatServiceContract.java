package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ChangePage;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryPage;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Member;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Reaction;
import dev.parley.chat.core.ReplyPreview;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.UserListener;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.PasswordHasher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour of {@link ChatService} on a given storage: accounts, sessions, rooms, messages, unread counts, live
 * delivery and the change stream (resuming after a change, paging {@link ChatService#changes}, positions,
 * {@code resync_required}, a fan-out that fails, a leave racing a subscribe), run end to end through the service.
 * Every storage implementation should pass it on top of its own store contracts, because the service leans on the
 * stores' guarantees (atomic sequences and change numbers, idempotency, monotonic read positions).
 *
 * <pre>{@code
 * class MyChatServiceTest extends ChatServiceContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyStorage.openFresh();
 *     }
 * }
 * }</pre>
 */
public abstract class ChatServiceContract {
    /** A fixed start time, truncated to microseconds like every stored instant. */
    protected static final Instant START = Instant.parse("2026-03-01T10:00:00.123456Z");
    /** The longest wait for a delivery that may be asynchronous (a gap repaired on a catch-up thread). */
    private static final Duration DELIVERY = Duration.ofSeconds(10);

    /** The clock the service runs on; tests move it. */
    protected MutableClock clock;
    /** The storage under test. */
    protected ChatStorage storage;
    /** The service under test. */
    protected ChatService chat;

    /**
     * Creates a fresh, empty storage. Called before every test; the storage is closed after it.
     *
     * @return the storage
     */
    protected abstract ChatStorage createStorage();

    /**
     * The password hasher for the service. The default is fast and insecure, for tests only.
     *
     * @return the hasher
     */
    protected PasswordHasher passwordHasher() {
        return new FastTestPasswordHasher();
    }

    /**
     * The settings the service is built with; override to test other limits.
     *
     * @return the settings
     */
    protected ChatSettings settings() {
        return ChatSettings.builder()
                .maxMessageLength(100)
                .sessionIdleTimeout(Duration.ofHours(1))
                .sessionLifetime(Duration.ofDays(1))
                .maxReplay(1000)
                .build();
    }

    @BeforeEach
    void startService() {
        clock = new MutableClock(START);
        storage = createStorage();
        chat = ChatService.builder().storage(storage).passwordHasher(passwordHasher()).clock(clock)
                .settings(settings()).build();
    }

    @AfterEach
    void stopService() {
        if (chat != null) {
            chat.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * Registers a user with the password {@code "password-" + name}.
     *
     * @param name the username
     * @return the registered user
     */
    protected User user(String name) {
        return chat.register(name, "password-" + name);
    }

    /**
     * Asserts that running the code fails with the given error code.
     *
     * @param code the expected code
     * @param call the code to run
     * @return the exception thrown
     */
    protected static ChatException assertFailsWith(ErrorCode code, Executable call) {
        ChatException e = catchThrowableOfType(ChatException.class, call::execute);
        assertThat(e).as("expected a ChatException with code %s", code.code()).isNotNull();
        assertThat(e.code()).isEqualTo(code);
        return e;
    }

    private static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).collect(Collectors.toList());
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    /** Collects MessagePosted sequence numbers from a subscription. */
    private static final class Collector {
        final BlockingQueue<ChatEvent> events = new LinkedBlockingQueue<>();

        List<Long> awaitSeqs(int count) throws InterruptedException {
            List<Long> seqs = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seqs.size() < count && System.nanoTime() < deadline) {
                ChatEvent e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e instanceof ChatEvent.MessagePosted) {
                    seqs.add(((ChatEvent.MessagePosted) e).message().seq());
                }
            }
            return seqs;
        }

        <T extends ChatEvent> T await(Class<T> type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                ChatEvent e = events.poll(100, TimeUnit.MILLISECONDS);
                if (type.isInstance(e)) {
                    return type.cast(e);
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
        }
    }

    // ---- accounts --------------------------------------------------------------------------------------------

    @Test
    void registersAndLogsInWithTheSamePassword() {
        User alice = chat.register("Alice", "correct horse");
        LoginResult login = chat.login("alice", "correct horse");
        assertThat(login.user()).isEqualTo(alice);
        assertThat(login.token()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(login.expiresAt()).isEqualTo(START.plus(Duration.ofDays(1)));
        assertThat(chat.authenticate(login.token())).isEqualTo(alice);
    }

    @Test
    void treatsFullwidthAndCaseVariantsAsTheSameUsername() {
        User alice = chat.register("Alice", "password-1");
        assertThat(alice.username()).isEqualTo("Alice");
        assertFailsWith(ErrorCode.USERNAME_TAKEN, () -> chat.register("\uff41\uff4c\uff49\uff43\uff45", "password-2"));
        assertFailsWith(ErrorCode.USERNAME_TAKEN, () -> chat.register("ALICE", "password-2"));
        assertThat(chat.login("\uff21\uff4c\uff49\uff43\uff45", "password-1").user()).isEqualTo(alice);
        assertThat(chat.findUser("aLiCe")).contains(alice);
    }

    @Test
    void everySpellingThatLogsIntoAnAccountHasTheAccountsCanonicalKey() {
        User jon = chat.register("Jon", "password-1");
        String key = ChatService.canonicalUsername("Jon");
        for (String spelling : List.of("jon", " jon", "jon ", "jon\t", "\tJON\n", "\uff4a\uff4f\uff4e")) {
            assertThat(chat.login(spelling, "password-1").user()).as(spelling).isEqualTo(jon);
            assertThat(ChatService.canonicalUsername(spelling)).as(spelling).isEqualTo(key);
        }
        assertThat(ChatService.canonicalUsername("jonathan")).isNotEqualTo(key);
        // defined for names no account can have, too
        assertThat(ChatService.canonicalUsername("no spaces allowed")).isNotEmpty();
        assertThat(ChatService.canonicalUsername("")).isEmpty();
    }

    @Test
    void rejectsUsernamesThatBreakTheRules() {
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("ab", "password-1"));
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("a".repeat(33), "password-1"));
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("has space", "password-1"));
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("_leading", "password-1"));
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("semi;colon", "password-1"));
        assertFailsWith(ErrorCode.INVALID_USERNAME, () -> chat.register("dm:1:2", "password-1"));
        assertThat(chat.register("Zo\u00eb_k.1-x", "password-1").username()).isEqualTo("Zo\u00eb_k.1-x");
        assertThat(chat.register("\u5f20\u4f1f\u660e", "password-1").username()).isEqualTo("\u5f20\u4f1f\u660e");
    }

    @Test
    void acceptsPasswordsOfEightToOneHundredTwentyEightCodePointsOfAnyUnicode() {
        assertFailsWith(ErrorCode.INVALID_PASSWORD, () -> chat.register("short", "1234567"));
        assertFailsWith(ErrorCode.INVALID_PASSWORD, () -> chat.register("long1", "x".repeat(129)));
        String emoji128 = "\uD83D\uDD11".repeat(128); // 128 code points, 256 chars
        chat.register("emoji", emoji128);
        assertThat(chat.login("emoji", emoji128).user().username()).isEqualTo("emoji");
        String spaces = "  padded password  ";
        chat.register("spaces", spaces);
        assertFailsWith(ErrorCode.INVALID_CREDENTIALS, () -> chat.login("spaces", spaces.strip()));
        assertThat(chat.login("spaces", spaces).user().username()).isEqualTo("spaces");
    }

    @Test
    void failsUnknownUserAndWrongPasswordTheSameWay() {
        user("alice");
        ChatException wrong = assertFailsWith(ErrorCode.INVALID_CREDENTIALS, () -> chat.login("alice", "nope-nope"));
        ChatException unknown = assertFailsWith(ErrorCode.INVALID_CREDENTIALS, () -> chat.login("bob", "nope-nope"));
        assertThat(wrong.getMessage()).isEqualTo(unknown.getMessage());
        assertThat(wrong.getClass()).isEqualTo(unknown.getClass());
    }

    @Test
    void provisionedUsersExistButCannotLogInWithAPassword() {
        User carol = chat.ensureUser("Carol");
        assertThat(chat.ensureUser("carol")).isEqualTo(carol);
        assertFailsWith(ErrorCode.INVALID_CREDENTIALS, () -> chat.login("carol", "any-password"));
        assertFailsWith(ErrorCode.USERNAME_TAKEN, () -> chat.register("carol", "password-1"));
    }

    // ---- sessions --------------------------------------------------------------------------------------------

    @Test
    void logoutRevokesTheToken() {
        user("alice");
        String token = chat.login("alice", "password-alice").token();
        chat.logout(token);
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
        chat.logout(token); // idempotent
    }

    @Test
    void rejectsMalformedAndUnknownTokens() {
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(null));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(""));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate("not a token"));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate("A".repeat(43)));
    }

    @Test
    void expiresIdleSessionsButKeepsUsedOnesAlive() {
        user("alice");
        String token = chat.login("alice", "password-alice").token();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(50));
            chat.authenticate(token); // used within the idle timeout: stays alive
        }
        clock.advance(Duration.ofMinutes(61));
        // the same answer on every check: no history decides between invalid_token and token_expired
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
        clock.advance(Duration.ofDays(40));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
    }

    @Test
    void expiresSessionsAtTheirAbsoluteLifetimeHoweverBusy() {
        user("alice");
        String token = chat.login("alice", "password-alice").token();
        for (int i = 0; i < 47; i++) {
            clock.advance(Duration.ofMinutes(30));
            chat.authenticate(token);
        }
        clock.advance(Duration.ofMinutes(31)); // 24 h and 1 min after login
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
        assertFailsWith(ErrorCode.INVALID_TOKEN, () -> chat.authenticate(token));
    }

    // ---- rooms -----------------------------------------------------------------------------------------------

    @Test
    void newUsersAreMembersOfTheGeneralRoom() {
        User alice = user("alice");
        List<RoomSummary> rooms = chat.listRooms(alice);
        assertThat(rooms).extracting(s -> s.room().name()).containsExactly("general");
        assertThat(rooms.get(0).member()).isTrue();
        assertThat(chat.members(alice, "general")).extracting(Member::user).containsExactly(alice);
    }

    @Test
    void createsRoomsWithNormalisedNamesAndRejectsDuplicates() {
        User alice = user("alice");
        Room room = chat.createRoom(alice, "Book-Club", RoomType.PUBLIC);
        assertThat(room.name()).isEqualTo("book-club");
        assertThat(room.createdBy()).isEqualTo(alice.id());
        assertFailsWith(ErrorCode.ROOM_EXISTS, () -> chat.createRoom(alice, "BOOK-CLUB", RoomType.PRIVATE));
        assertFailsWith(ErrorCode.INVALID_ROOM_NAME, () -> chat.createRoom(alice, "no spaces", RoomType.PUBLIC));
        assertFailsWith(ErrorCode.INVALID_ROOM_NAME, () -> chat.createRoom(alice, "dm:1:2", RoomType.PUBLIC));
        assertFailsWith(ErrorCode.INVALID_ROOM_NAME, () -> chat.createRoom(alice, "", RoomType.PUBLIC));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.createRoom(alice, "x", RoomType.DIRECT));
        assertThat(chat.findRoom(alice, "Book-Club")).isEqualTo(room);
    }

    @Test
    void hidesPrivateRoomsFromNonMembers() {
        User alice = user("alice");
        User bob = user("bob");
        chat.createRoom(alice, "secret", RoomType.PRIVATE);
        assertThat(chat.listRooms(bob)).extracting(s -> s.room().name()).doesNotContain("secret");
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.findRoom(bob, "secret"));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.join(bob, "secret"));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.history(bob, "secret", HistoryQuery.latest(10)));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.send(bob, "secret", "hi", null));
        chat.addMember(alice, "secret", "bob");
        assertThat(chat.listRooms(bob)).extracting(s -> s.room().name()).contains("secret");
        chat.send(bob, "secret", "hi", null);
    }

    @Test
    void joinsAndLeavesPublicRoomsIdempotently() {
        User alice = user("alice");
        User bob = user("bob");
        chat.createRoom(alice, "lobby", RoomType.PUBLIC);
        chat.join(bob, "lobby");
        chat.join(bob, "lobby");
        assertThat(chat.members(alice, "lobby")).extracting(m -> m.user().username()).containsExactly("alice", "bob");
        chat.leave(bob, "lobby");
        chat.leave(bob, "lobby");
        assertThat(chat.members(alice, "lobby")).extracting(m -> m.user().username()).containsExactly("alice");
        assertFailsWith(ErrorCode.NOT_A_MEMBER, () -> chat.send(bob, "lobby", "hello?", null));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.join(bob, "nowhere"));
    }

    @Test
    void opensOneDirectRoomPerPairOfUsers() {
        User alice = user("alice");
        User bob = user("bob");
        User carol = user("carol");
        Room ab = chat.openDirect(alice, "bob");
        assertThat(ab.type()).isEqualTo(RoomType.DIRECT);
        assertThat(chat.openDirect(bob, "ALICE")).isEqualTo(ab);
        assertThat(chat.members(alice, ab.name())).extracting(m -> m.user().id())
                .containsExactlyInAnyOrder(alice.id(), bob.id());
        chat.send(bob, ab.name(), "psst", null);
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.history(carol, ab.name(), HistoryQuery.latest(5)));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.join(carol, ab.name()));
        assertFailsWith(ErrorCode.PERMISSION_DENIED, () -> chat.addMember(alice, ab.name(), "carol"));
        assertFailsWith(ErrorCode.USER_NOT_FOUND, () -> chat.openDirect(alice, "nobody"));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.openDirect(alice, "alice"));
    }

    // ---- messages --------------------------------------------------------------------------------------------

    @Test
    void sendsMessagesWithConsecutiveSequenceNumbers() {
        User alice = user("alice");
        Message first = chat.send(alice, "general", "hello", null);
        Message second = chat.send(alice, "general", "world", null);
        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(first.sender()).isEqualTo("alice");
        assertThat(first.room()).isEqualTo("general");
        assertThat(first.createdAt()).isEqualTo(START);
    }

    @Test
    void pipelinedSendsOfOneCallerAreStoredPublishedAndCompletedInSubmissionOrder() throws Exception {
        User alice = user("alice");
        RecordingListener sees = new RecordingListener();
        try (RoomSubscription sub = chat.subscribe(alice, "general", StreamStart.live(), sees)) {
            boolean failing = supportsRepliesReactionsAndMentions();
            List<java.util.concurrent.CompletableFuture<Message>> sent = new ArrayList<>();
            List<Integer> completionOrder = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 40; i++) {
                int n = i;
                // One that fails in the store (a reply to a message that does not exist) fails alone; a store that
                // predates replies ignores replyTo, so there every send succeeds.
                long replyTo = i == 17 && failing ? 999_999 : 0;
                var f = chat.sendAsync(alice, "general", "m" + i, "pipe-" + i, replyTo).toCompletableFuture();
                f.whenComplete((m, e) -> completionOrder.add(n));
                sent.add(f);
            }
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                if (i == 17 && failing) {
                    Throwable failure = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                            () -> sent.get(17).get(10, TimeUnit.SECONDS)).getCause();
                    assertThat(failure).isInstanceOf(ChatException.class);
                    assertThat(((ChatException) failure).code()).isEqualTo(ErrorCode.INVALID_REPLY);
                    continue;
                }
                Message m = sent.get(i).get(10, TimeUnit.SECONDS);
                assertThat(m.body()).isEqualTo("m" + i);
                seqs.add(m.seq());
            }
            int stored = failing ? 39 : 40;
            assertThat(seqs).as("numbered in submission order, no gap for the failed one")
                    .isEqualTo(range(1, stored));
            assertThat(completionOrder).isEqualTo(java.util.stream.IntStream.range(0, 40).boxed().toList());
            List<ChatEvent> events = sees.await(e -> e.stream().filter(ChatEvent.MessagePosted.class::isInstance)
                    .count() == stored, Duration.ofSeconds(10), stored + " messages posted");
            assertThat(events.stream().filter(ChatEvent.MessagePosted.class::isInstance)
                    .map(e -> ((ChatEvent.MessagePosted) e).message().seq()).toList()).isEqualTo(seqs);
        }
        User bob = user("bob");
        chat.createRoom(alice, "club", RoomType.PUBLIC);
        assertFailsWith(ErrorCode.NOT_A_MEMBER, () -> chat.sendAsync(bob, "club", "hi", null, 0));
    }

    @Test
    void rejectsMessageToRoomNotJoined() {
        User alice = user("alice");
        User bob = user("bob");
        chat.createRoom(alice, "club", RoomType.PUBLIC);
        assertFailsWith(ErrorCode.NOT_A_MEMBER, () -> chat.send(bob, "club", "let me in", null));
        assertFailsWith(ErrorCode.ROOM_NOT_FOUND, () -> chat.send(bob, "no-such-room", "hello", null));
    }

    @Test
    void rejectsEmptyOverlongAndMalformedBodies() {
        User alice = user("alice");
        assertFailsWith(ErrorCode.MESSAGE_EMPTY, () -> chat.send(alice, "general", "", null));
        assertFailsWith(ErrorCode.MESSAGE_EMPTY, () -> chat.send(alice, "general", " \n\t ", null));
        assertFailsWith(ErrorCode.MESSAGE_TOO_LONG, () -> chat.send(alice, "general", "x".repeat(101), null));
        assertFailsWith(ErrorCode.MESSAGE_INVALID, () -> chat.send(alice, "general", "nul\u0000byte", null));
        assertFailsWith(ErrorCode.MESSAGE_INVALID, () -> chat.send(alice, "general", "lone \uD800 surrogate", null));
        assertFailsWith(ErrorCode.INVALID_CLIENT_MSG_ID, () -> chat.send(alice, "general", "hi", "has space"));
        assertFailsWith(ErrorCode.INVALID_CLIENT_MSG_ID, () -> chat.send(alice, "general", "hi", "x".repeat(65)));
        // 100 emoji are 100 code points (200 chars): allowed
        assertThat(chat.send(alice, "general", "\uD83D\uDE00".repeat(100), null).seq()).isEqualTo(1);
        assertThat(chat.history(alice, "general", HistoryQuery.latest(10)).messages()).hasSize(1);
    }

    @Test
    void storesUnicodeAndMarkupExactlyAsSent() {
        User alice = user("alice");
        String body = "<img src=x onerror=alert(1)> \u05e9\u05dc\u05d5\u05dd e\u0301 \uD83D\uDC4B\n\t\u4f60\u597d";
        chat.send(alice, "general", body, null);
        assertThat(chat.history(alice, "general", HistoryQuery.latest(1)).messages().get(0).body()).isEqualTo(body);
    }

    @Test
    void retryWithSameClientMessageIdReturnsTheOriginalAndStoresNothing() {
        User alice = user("alice");
        Message original = chat.send(alice, "general", "once", "c-1");
        clock.advance(Duration.ofSeconds(5));
        Message retry = chat.send(alice, "general", "once", "c-1");
        assertThat(retry).isEqualTo(original);
        assertThat(chat.history(alice, "general", HistoryQuery.latest(10)).messages()).hasSize(1);
        assertFailsWith(ErrorCode.IDEMPOTENCY_CONFLICT, () -> chat.send(alice, "general", "twice", "c-1"));
    }

    @Test
    void clientMessageIdsBelongToTheirSender() {
        User alice = user("alice");
        User bob = user("bob");
        Message a = chat.send(alice, "general", "same", "c-1");
        Message b = chat.send(bob, "general", "same", "c-1");
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(b.seq()).isEqualTo(2);
    }

    @Test
    void concurrentRetriesOfOneSendStoreOneMessage() throws Exception {
        User alice = user("alice");
        List<Callable<Message>> tasks = Collections.nCopies(8, () -> chat.send(alice, "general", "dup", "c-dup"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Message> results = new ArrayList<>();
            for (Future<Message> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
            assertThat(results).extracting(Message::id).containsOnly(results.get(0).id());
        } finally {
            pool.shutdownNow();
        }
        assertThat(chat.history(alice, "general", HistoryQuery.latest(10)).messages()).hasSize(1);
    }

    @Test
    void assignsGapFreeSequencesToConcurrentSendersThroughTheService() throws Exception {
        int threads = 8;
        int perThread = 50;
        List<User> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(user("sender" + t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (User sender : senders) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        chat.send(sender, "general", "m" + i, sender.username() + "-" + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = threads * perThread;
        List<Message> all = new ArrayList<>();
        long after = 0;
        HistoryPage page;
        do {
            page = chat.history(senders.get(0), "general", HistoryQuery.after(after, 100));
            all.addAll(page.messages());
            after = page.messages().isEmpty() ? after : page.messages().get(page.messages().size() - 1).seq();
        } while (page.hasMore());
        assertThat(seqs(all)).isEqualTo(range(1, total));
        for (User sender : senders) {
            assertThat(all.stream().filter(m -> m.senderId() == sender.id()).map(Message::body))
                    .as("each sender's own messages stay in the order sent")
                    .containsExactlyElementsOf(LongStream.range(0, perThread).mapToObj(i -> "m" + i)
                            .collect(Collectors.toList()));
        }
    }

    @Test
    void pagesHistoryBySequenceInBothDirections() {
        User alice = user("alice");
        for (int i = 1; i <= 25; i++) {
            chat.send(alice, "general", "m" + i, null);
        }
        HistoryPage latest = chat.history(alice, "general", HistoryQuery.latest(10));
        assertThat(seqs(latest.messages())).isEqualTo(range(16, 25));
        assertThat(latest.hasMore()).isTrue();
        HistoryPage older = chat.history(alice, "general", HistoryQuery.before(16, 10));
        assertThat(seqs(older.messages())).isEqualTo(range(6, 15));
        assertThat(older.hasMore()).isTrue();
        HistoryPage oldest = chat.history(alice, "general", HistoryQuery.before(6, 10));
        assertThat(seqs(oldest.messages())).isEqualTo(range(1, 5));
        assertThat(oldest.hasMore()).isFalse();
        HistoryPage forward = chat.history(alice, "general", HistoryQuery.after(0, 10));
        assertThat(seqs(forward.messages())).isEqualTo(range(1, 10));
        assertThat(forward.hasMore()).isTrue();
        HistoryPage tail = chat.history(alice, "general", HistoryQuery.after(20, 10));
        assertThat(seqs(tail.messages())).isEqualTo(range(21, 25));
        assertThat(tail.hasMore()).isFalse();
        HistoryPage exact = chat.history(alice, "general", HistoryQuery.after(15, 10));
        assertThat(seqs(exact.messages())).isEqualTo(range(16, 25));
        assertThat(exact.hasMore()).isFalse();
        assertThat(chat.history(alice, "general", HistoryQuery.after(25, 10)).messages()).isEmpty();
        assertThat(chat.history(alice, "general", HistoryQuery.before(1, 10)).messages()).isEmpty();
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.history(alice, "general", HistoryQuery.latest(201)));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> HistoryQuery.after(-1, 10));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> HistoryQuery.latest(0));
    }

    @Test
    void editsAndDeletesOnlyOwnMessagesKeepingTheirSequence() {
        User alice = user("alice");
        User bob = user("bob");
        Message m = chat.send(alice, "general", "tpyo", null);
        chat.send(bob, "general", "next", null);
        clock.advance(Duration.ofMinutes(1));
        Message edited = chat.edit(alice, m.id(), "typo");
        assertThat(edited.body()).isEqualTo("typo");
        assertThat(edited.seq()).isEqualTo(m.seq());
        assertThat(edited.editedAt()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        assertFailsWith(ErrorCode.NOT_MESSAGE_OWNER, () -> chat.edit(bob, m.id(), "hijack"));
        assertFailsWith(ErrorCode.NOT_MESSAGE_OWNER, () -> chat.delete(bob, m.id()));
        Message deleted = chat.delete(alice, m.id());
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.body()).isEmpty();
        assertThat(chat.delete(alice, m.id()).deleted()).isTrue(); // idempotent
        assertFailsWith(ErrorCode.MESSAGE_DELETED, () -> chat.edit(alice, m.id(), "resurrect"));
        assertFailsWith(ErrorCode.MESSAGE_NOT_FOUND, () -> chat.edit(alice, 999_999, "ghost"));
        List<Message> history = chat.history(bob, "general", HistoryQuery.latest(10)).messages();
        assertThat(seqs(history)).containsExactly(1L, 2L);
        assertThat(history.get(0).deleted()).isTrue();
        assertThat(history.get(0).body()).isEmpty();
    }

    @Test
    void countsUnreadMessagesFromOthersUntilMarkedRead() {
        User alice = user("alice");
        User bob = user("bob");
        chat.send(alice, "general", "one", null);
        chat.send(alice, "general", "two", null);
        chat.send(bob, "general", "mine", null);
        Message three = chat.send(alice, "general", "three", null);
        RoomSummary bobs = chat.listRooms(bob).get(0);
        assertThat(bobs.unread()).isEqualTo(3);
        assertThat(bobs.lastSeq()).isEqualTo(4);
        chat.delete(alice, three.id());
        assertThat(chat.listRooms(bob).get(0).unread()).isEqualTo(2);
        RoomSummary after = chat.markRead(bob, "general", 2);
        assertThat(after.lastReadSeq()).isEqualTo(2);
        assertThat(after.unread()).isZero();
        assertThat(chat.markRead(bob, "general", 1).lastReadSeq()).as("never moves back").isEqualTo(2);
        assertThat(chat.markRead(bob, "general", 99).lastReadSeq()).as("clamped to the newest").isEqualTo(4);
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.markRead(bob, "general", -1));
        assertThat(chat.listRooms(alice).get(0).unread()).isEqualTo(1);
    }

    // ---- presence and user watches ----------------------------------------------------------------------------

    @Test
    void aSubscriptionReportsWhoIsOnlineAndHearsOthersComeAndGo() {
        User alice = user("alice");
        User bob = user("bob");
        RecordingListener aliceSees = new RecordingListener();
        try (RoomSubscription a = chat.subscribe(alice, "general", StreamStart.live(), aliceSees)) {
            assertThat(a.online()).containsExactly("alice");
            RoomSubscription b = chat.subscribe(bob, "general", StreamStart.live(), new RecordingListener());
            assertThat(b.online()).containsExactly("alice", "bob");
            ChatEvent online = new ChatEvent.Presence(roomId("general"), "general", bob.id(), "bob", true);
            aliceSees.awaitEvent(online, DELIVERY);
            b.close();
            aliceSees.awaitEvent(new ChatEvent.Presence(roomId("general"), "general", bob.id(), "bob", false),
                    DELIVERY);
        }
    }

    @Test
    void aUserWithTwoSubscriptionsGoesOfflineOnlyWhenTheLastCloses() {
        User alice = user("alice");
        User bob = user("bob");
        RecordingListener aliceSees = new RecordingListener();
        try (RoomSubscription a = chat.subscribe(alice, "general", StreamStart.live(), aliceSees)) {
            RoomSubscription b1 = chat.subscribe(bob, "general", StreamStart.live(), new RecordingListener());
            RoomSubscription b2 = chat.subscribe(bob, "general", StreamStart.live(), new RecordingListener());
            b1.close();
            chat.typing(bob, "general"); // a marker: everything before it has been delivered
            awaitTyping(aliceSees);
            assertThat(aliceSees.events()).filteredOn(ChatEvent.Presence.class::isInstance)
                    .containsExactly(new ChatEvent.Presence(roomId("general"), "general", bob.id(), "bob", true));
            b2.close();
            aliceSees.awaitEvent(new ChatEvent.Presence(roomId("general"), "general", bob.id(), "bob", false),
                    DELIVERY);
        }
    }

    @Test
    void aSubscriberIsNotToldAboutItsOwnUsersPresence() {
        User alice = user("alice");
        RecordingListener first = new RecordingListener();
        try (RoomSubscription a = chat.subscribe(alice, "general", StreamStart.live(), first);
                RoomSubscription b = chat.subscribe(alice, "general", StreamStart.live(), new RecordingListener())) {
            b.close();
            User bob = user("bob");
            chat.typing(bob, "general");
            awaitTyping(first);
            assertThat(first.events()).noneMatch(ChatEvent.Presence.class::isInstance);
        }
    }

    @Test
    void aUserWatchHearsOfNewRoomsAndOfItsSessionEnding() throws Exception {
        User alice = user("alice");
        user("bob");
        LoginResult bobLogin = chat.login("bob", "password-bob");
        LoginResult bobElsewhere = chat.login("bob", "password-bob");
        User bob = bobLogin.user();
        BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
        BlockingQueue<Object> heardElsewhere = new LinkedBlockingQueue<>();
        try (Subscription watch = chat.watchUser(bob, bobLogin.token(), listenerInto(heard));
                Subscription other = chat.watchUser(bob, bobElsewhere.token(), listenerInto(heardElsewhere))) {
            Room room = chat.createRoom(alice, "club", RoomType.PRIVATE);
            chat.addMember(alice, "club", "bob");
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(room);
            assertThat(heardElsewhere.poll(5, TimeUnit.SECONDS)).isEqualTo(room);

            chat.logout(bobLogin.token());
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("session ended");
            assertThat(heardElsewhere.poll(200, TimeUnit.MILLISECONDS)).isNull(); // another session
            watch.close();
            assertThat(watch.isActive()).isFalse();
        }
    }

    private static UserListener listenerInto(BlockingQueue<Object> heard) {
        return new UserListener() {
            @Override
            public void onRoomAdded(Room room) {
                heard.add(room);
            }

            @Override
            public void onSessionEnded() {
                heard.add("session ended");
            }
        };
    }

    private long roomId(String name) {
        return storage.rooms().findByName(name).orElseThrow().id();
    }

    private static void awaitTyping(RecordingListener listener) {
        listener.await(events -> events.stream().anyMatch(ChatEvent.Typing.class::isInstance), DELIVERY, "typing");
    }

    // ---- live delivery ---------------------------------------------------------------------------------------

    @Test
    void deliversLiveEventsToSubscribersWithTheirChangeNumbers() throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        Collector bobSees = new Collector();
        try (Subscription sub = chat.subscribe(bob, "general", -1, bobSees.events::add)) {
            assertThat(sub.isActive()).isTrue();
            Message m = chat.send(alice, "general", "hi bob", "c-1");
            assertThat(bobSees.await(ChatEvent.MessagePosted.class).message()).isEqualTo(m);
            chat.typing(alice, "general");
            assertThat(bobSees.await(ChatEvent.Typing.class).user()).isEqualTo(alice);
            Message edited = chat.edit(alice, m.id(), "hi Bob");
            assertThat(bobSees.await(ChatEvent.MessageEdited.class).message()).isEqualTo(edited);
            assertThat(edited.body()).isEqualTo("hi Bob");
            assertThat(edited.change()).isEqualTo(m.change() + 1);
            Message deleted = chat.delete(alice, m.id());
            assertThat(bobSees.await(ChatEvent.MessageDeleted.class).message()).isEqualTo(deleted);
            assertThat(deleted.deleted()).isTrue();
            assertThat(deleted.change()).isEqualTo(m.change() + 2);
            User carol = user("carol");
            Room general = chat.findRoom(bob, "general");
            assertThat(bobSees.await(ChatEvent.MemberJoined.class)).isEqualTo(
                    new ChatEvent.MemberJoined(general.id(), "general", carol, positionOf(general).lastChange()));
            chat.leave(carol, "general");
            assertThat(bobSees.await(ChatEvent.MemberLeft.class)).isEqualTo(
                    new ChatEvent.MemberLeft(general.id(), "general", carol, positionOf(general).lastChange()));
        }
    }

    @Test
    void endsTheSubscriptionWhenItsUserLeavesTheRoom() throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        Collector bobSees = new Collector();
        Subscription sub = chat.subscribe(bob, "general", -1, bobSees.events::add);
        chat.leave(bob, "general");
        assertThat(bobSees.await(ChatEvent.MemberLeft.class).user()).isEqualTo(bob);
        assertThat(sub.isActive()).isFalse();
        chat.send(alice, "general", "after bob left", null);
        assertThat(bobSees.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void refusesSubscriptionsFromNonMembers() {
        User alice = user("alice");
        User bob = user("bob");
        chat.createRoom(alice, "club", RoomType.PUBLIC);
        assertFailsWith(ErrorCode.NOT_A_MEMBER, () -> chat.subscribe(bob, "club", -1, e -> { }));
    }

    @Test
    void resumeReplaysStoredMessagesThenContinuesLiveWithoutGapOrDuplicateWhileOthersSend() throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        for (int i = 1; i <= 30; i++) {
            chat.send(alice, "general", "before " + i, null);
        }
        int live = 200;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> sender = pool.submit(() -> {
                for (int i = 1; i <= live; i++) {
                    chat.send(alice, "general", "during " + i, null);
                }
            });
            Collector bobSees = new Collector();
            try (Subscription sub = chat.subscribe(bob, "general", 10, bobSees.events::add)) {
                sender.get(60, TimeUnit.SECONDS);
                List<Long> seen = bobSees.awaitSeqs(30 + live - 10);
                assertThat(seen).isEqualTo(range(11, 30 + live));
                assertThat(sub.isActive()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesToReplayMoreThanTheConfiguredMaximum() {
        User alice = user("alice");
        for (int i = 0; i < 5; i++) {
            chat.send(alice, "general", "m" + i, null);
        }
        ChatService small = ChatService.builder().storage(storage).passwordHasher(passwordHasher()).clock(clock)
                .settings(settings().toBuilder().maxReplay(3).build()).build();
        try {
            assertFailsWith(ErrorCode.REPLAY_TOO_LARGE, () -> small.subscribe(alice, "general", 0, e -> { }));
            small.subscribe(alice, "general", 2, e -> { }).close();
            long last = positionOf(chat.findRoom(alice, "general")).lastChange();
            assertFailsWith(ErrorCode.REPLAY_TOO_LARGE,
                    () -> small.subscribe(alice, "general", StreamStart.afterChange(last - 4), e -> { }));
            small.subscribe(alice, "general", StreamStart.afterChange(last - 3), e -> { }).close();
        } finally {
            small.close();
        }
    }

    // ---- the change stream -----------------------------------------------------------------------------------

    /** The room's position as the storage reports it. */
    private RoomPosition positionOf(Room room) {
        return storage.messages().position(room.id());
    }

    /** What a client has seen when it goes away: it subscribes live, notes the position and closes. */
    private long lastChangeSeenBy(User user, String room) {
        try (RoomSubscription sub = chat.subscribe(user, room, StreamStart.live(), new RecordingListener())) {
            return sub.position().lastChange();
        }
    }

    /** Waits until the listener has received at least {@code count} events, and returns them. */
    /** Waits for {@code count} events other than presence (which has tests of its own) and returns those. */
    private static List<ChatEvent> awaitEvents(RecordingListener listener, int count) {
        return withoutPresence(listener.await(events -> withoutPresence(events).size() >= count, DELIVERY,
                count + " events"));
    }

    private static List<ChatEvent> withoutPresence(List<ChatEvent> events) {
        return events.stream().filter(e -> !(e instanceof ChatEvent.Presence)).toList();
    }

    /** Waits, with a bound, for a subscription to end. */
    private static void awaitInactive(Subscription sub, String description) {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (sub.isActive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(description + " still active after " + DELIVERY);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The changes bob missed in general: where he left, and what happened after, in change order. */
    private record Missed(long after, List<ChatEvent.RoomChange> changes) {
    }

    /**
     * Bob goes away from general; alice posts, edits an older message and deletes another, and carol joins.
     *
     * @return bob's last change and the four changes he missed
     */
    private Missed bobMissesAPostAnEditADeletionAndAJoin(User alice, User bob) {
        Message older = chat.send(alice, "general", "older", null);
        Message doomed = chat.send(alice, "general", "doomed", null);
        long seen = lastChangeSeenBy(bob, "general");
        clock.advance(Duration.ofMinutes(1));
        Message posted = chat.send(alice, "general", "while you were away", null);
        Message edited = chat.edit(alice, older.id(), "older, edited");
        Message deleted = chat.delete(alice, doomed.id());
        User carol = user("carol");
        Room general = chat.findRoom(alice, "general");
        assertThat(positionOf(general).lastChange()).as("four changes after bob left").isEqualTo(seen + 4);
        List<ChatEvent.RoomChange> missed = List.of(new ChatEvent.MessagePosted(posted),
                new ChatEvent.MessageEdited(edited), new ChatEvent.MessageDeleted(deleted),
                new ChatEvent.MemberJoined(general.id(), general.name(), carol, seen + 4));
        assertThat(missed).extracting(ChatEvent.RoomChange::change).isEqualTo(range(seen + 1, seen + 4));
        return new Missed(seen, missed);
    }

    @Test
    void resumeAfterAChangeReplaysExactlyTheMissedChangesInChangeOrderThenContinuesLive() {
        User alice = user("alice");
        User bob = user("bob");
        Missed missed = bobMissesAPostAnEditADeletionAndAJoin(alice, bob);
        RecordingListener bobSees = new RecordingListener();

        try (RoomSubscription sub = chat.subscribe(bob, "general", StreamStart.afterChange(missed.after()), bobSees)) {
            assertThat(sub.position().lastChange()).isEqualTo(missed.after() + 4);
            assertThat(awaitEvents(bobSees, 4)).isEqualTo(missed.changes());

            Message live = chat.send(alice, "general", "back live", null);
            Message next = chat.send(alice, "general", "and again", null);

            List<ChatEvent> expected = new ArrayList<>(missed.changes());
            expected.add(new ChatEvent.MessagePosted(live));
            expected.add(new ChatEvent.MessagePosted(next));
            assertThat(List.of(live.change(), next.change())).isEqualTo(range(missed.after() + 5, missed.after() + 6));
            assertThat(awaitEvents(bobSees, 6)).as("no gap and no duplicate").isEqualTo(expected);
            assertThat(sub.isActive()).isTrue();
        }
    }

    @Test
    void changesPagesTheMissedChangesWithTheirPositionAndWhetherMoreFollow() {
        User alice = user("alice");
        User bob = user("bob");
        Missed missed = bobMissesAPostAnEditADeletionAndAJoin(alice, bob);
        long after = missed.after();

        ChangePage first = chat.changes(bob, "general", after, 3);
        ChangePage second = chat.changes(bob, "general", first.lastChange(), 3);
        ChangePage end = chat.changes(bob, "general", second.lastChange(), 3);

        assertThat(first).isEqualTo(new ChangePage(missed.changes().subList(0, 3), after + 3, true));
        assertThat(second).isEqualTo(new ChangePage(missed.changes().subList(3, 4), after + 4, false));
        assertThat(end).isEqualTo(new ChangePage(List.of(), after + 4, false));
    }

    @Test
    void pagingTheWholeStreamReadsWhatAResumeFromTheStartReplays() {
        User alice = user("alice");
        User bob = user("bob");
        bobMissesAPostAnEditADeletionAndAJoin(alice, bob);
        chat.leave(bob, "general");
        chat.join(bob, "general");

        List<ChatEvent.RoomChange> paged = new ArrayList<>();
        ChangePage page;
        long after = 0;
        do {
            page = chat.changes(alice, "general", after, 2);
            assertThat(page.changes()).hasSizeLessThanOrEqualTo(2);
            paged.addAll(page.changes());
            after = page.lastChange();
        } while (page.hasMore());
        RecordingListener replay = new RecordingListener();
        try (RoomSubscription sub = chat.subscribe(alice, "general", StreamStart.afterChange(0), replay)) {
            assertThat(awaitEvents(replay, paged.size())).isEqualTo(paged);
            assertThat(sub.position().lastChange()).isEqualTo(after);
        }
        assertThat(after).isEqualTo(positionOf(chat.findRoom(alice, "general")).lastChange());
        assertThat(paged).extracting(ChatEvent.RoomChange::change).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aMessagePostedAndEditedWhileAwayIsReplayedOnceAsEditedWithTheNewBody() {
        User alice = user("alice");
        User bob = user("bob");
        long seen = lastChangeSeenBy(bob, "general");
        Message m = chat.send(alice, "general", "frist", null);
        chat.edit(alice, m.id(), "first");
        Message last = chat.edit(alice, m.id(), "first!");
        RecordingListener bobSees = new RecordingListener();

        try (RoomSubscription sub = chat.subscribe(bob, "general", StreamStart.afterChange(seen), bobSees)) {
            assertThat(last.change()).isEqualTo(seen + 3);
            assertThat(sub.position().lastChange()).isEqualTo(seen + 3);
            assertThat(awaitEvents(bobSees, 1)).containsExactly(new ChatEvent.MessageEdited(last));
            assertThat(chat.changes(bob, "general", seen, 10))
                    .isEqualTo(new ChangePage(List.of(new ChatEvent.MessageEdited(last)), seen + 3, false));

            Message live = chat.send(alice, "general", "second", null);

            assertThat(awaitEvents(bobSees, 2)).containsExactly(new ChatEvent.MessageEdited(last),
                    new ChatEvent.MessagePosted(live));
            assertThat(live.change()).isEqualTo(seen + 4);
        }
    }

    @Test
    void aReplayedDepartureOfTheSubscriberDoesNotEndTheResumedSubscription() {
        User alice = user("alice");
        User bob = user("bob");
        long seen = lastChangeSeenBy(bob, "general");
        chat.leave(bob, "general");
        chat.join(bob, "general");
        Room general = chat.findRoom(bob, "general");
        RecordingListener bobSees = new RecordingListener();

        try (RoomSubscription sub = chat.subscribe(bob, "general", StreamStart.afterChange(seen), bobSees)) {
            assertThat(awaitEvents(bobSees, 2)).containsExactly(
                    new ChatEvent.MemberLeft(general.id(), "general", bob, seen + 1),
                    new ChatEvent.MemberJoined(general.id(), "general", bob, seen + 2));
            Message live = chat.send(alice, "general", "welcome back", null);
            assertThat(awaitEvents(bobSees, 3)).endsWith(new ChatEvent.MessagePosted(live));
            assertThat(sub.isActive()).isTrue();
        }
    }

    @Test
    void resumeBeyondTheNewestChangeOrSequenceFailsWithResyncRequiredAndSubscribesNothing() {
        User alice = user("alice");
        User bob = user("bob");
        chat.send(alice, "general", "one", null);
        chat.send(alice, "general", "two", null);
        RoomPosition now = positionOf(chat.findRoom(bob, "general"));
        RecordingListener refused = new RecordingListener();

        assertFailsWith(ErrorCode.RESYNC_REQUIRED,
                () -> chat.subscribe(bob, "general", StreamStart.afterChange(now.lastChange() + 1), refused));
        assertFailsWith(ErrorCode.RESYNC_REQUIRED,
                () -> chat.subscribe(bob, "general", StreamStart.afterSeq(now.lastSeq() + 1), refused));
        assertFailsWith(ErrorCode.RESYNC_REQUIRED, () -> chat.subscribe(bob, "general", now.lastSeq() + 5, refused));

        RecordingListener atTheEnd = new RecordingListener();
        try (RoomSubscription byChange = chat.subscribe(bob, "general", StreamStart.afterChange(now.lastChange()),
                atTheEnd);
                RoomSubscription bySeq = chat.subscribe(bob, "general", StreamStart.afterSeq(now.lastSeq()),
                        new RecordingListener())) {
            assertThat(byChange.position()).isEqualTo(now);
            assertThat(bySeq.position()).isEqualTo(now);
            Message m = chat.send(alice, "general", "three", null);
            assertThat(awaitEvents(atTheEnd, 1)).containsExactly(new ChatEvent.MessagePosted(m));
        }
        refused.assertNothingFor(Duration.ofMillis(200));
        assertThat(refused.errors()).isEmpty();
    }

    @Test
    void changesBeyondTheNewestChangeFailWithResyncRequired() {
        User alice = user("alice");
        chat.send(alice, "general", "one", null);
        long last = positionOf(chat.findRoom(alice, "general")).lastChange();

        assertFailsWith(ErrorCode.RESYNC_REQUIRED, () -> chat.changes(alice, "general", last + 1, 10));
        assertThat(chat.changes(alice, "general", last, 10)).isEqualTo(new ChangePage(List.of(), last, false));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.changes(alice, "general", -1, 10));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.changes(alice, "general", 0, 0));
        assertFailsWith(ErrorCode.INVALID_ARGUMENT, () -> chat.changes(alice, "general", 0, 201));
    }

    @Test
    void aSubscriptionsPositionIsTheRoomsPositionWhenItWasMadeAndStaysSo() {
        User alice = user("alice");
        User bob = user("bob");
        List<Message> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(chat.send(alice, "general", "m" + i, null));
        }
        chat.edit(alice, sent.get(0).id(), "m1, edited");
        Room general = chat.findRoom(alice, "general");
        RoomPosition before = positionOf(general);
        RecordingListener bobSees = new RecordingListener();

        try (RoomSubscription live = chat.subscribe(bob, "general", StreamStart.live(), bobSees);
                RoomSubscription bySeq = chat.subscribe(bob, "general", StreamStart.afterSeq(1),
                        new RecordingListener());
                RoomSubscription byChange = chat.subscribe(bob, "general", StreamStart.afterChange(2),
                        new RecordingListener())) {
            assertThat(List.of(live.position(), bySeq.position(), byChange.position())).containsOnly(before);
            assertThat(before).isEqualTo(new RoomPosition(3, 6));

            Message m = chat.send(alice, "general", "m4", null);
            awaitEvents(bobSees, 1);

            assertThat(live.position()).isEqualTo(before);
            try (RoomSubscription later = chat.subscribe(bob, "general", StreamStart.live(),
                    new RecordingListener())) {
                assertThat(later.position()).isEqualTo(positionOf(general))
                        .isEqualTo(new RoomPosition(m.seq(), m.change()));
            }
        }
    }

    /** An in-process fan-out whose publishing a subclass breaks; subscribing is left alone. */
    private abstract static class BrokenFanout extends ForwardingFanout {
        BrokenFanout() {
            super(new InProcessFanout());
        }

        /** The real fan-out behind the broken publish. */
        final Fanout local() {
            return delegate();
        }
    }

    /** A fan-out whose every publish fails before delivering anything, as a broken bus would. */
    private static final class FailingFanout extends BrokenFanout {
        private final AtomicInteger failures = new AtomicInteger();

        @Override
        public void publish(ChatEvent event) {
            failures.incrementAndGet();
            throw new IllegalStateException("the bus is down");
        }
    }

    /** A fan-out that drops every fifth event, delivers every third late (out of order) and every fourth twice. */
    private static final class LossyFanout extends BrokenFanout {
        private final ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger published = new AtomicInteger();

        @Override
        public void publish(ChatEvent event) {
            int n = published.incrementAndGet();
            if (n % 5 == 0) {
                return;
            }
            if (n % 3 == 0) {
                late.schedule(() -> local().publish(event), 5, TimeUnit.MILLISECONDS);
                return;
            }
            local().publish(event);
            if (n % 4 == 0) {
                local().publish(event);
            }
        }

        @Override
        public void close() {
            late.shutdownNow();
            super.close();
        }
    }

    /** Another service on the same storage and clock, with its own fan-out (which the caller closes). */
    private ChatService serviceWith(Fanout fanout, ChatSettings settings) {
        return ChatService.builder().storage(storage).passwordHasher(passwordHasher()).clock(clock).settings(settings)
                .fanout(fanout).build();
    }

    @Test
    void aFanoutThatThrowsNeverFailsASendAndLiveSubscribersCatchUpFromTheStore() {
        User alice = user("alice");
        User bob = user("bob");
        FailingFanout fanout = new FailingFanout();
        ChatService broken = serviceWith(fanout, settings());
        RecordingListener bobSees = new RecordingListener();
        try (RoomSubscription sub = broken.subscribe(bob, "general", StreamStart.live(), bobSees)) {
            Message m = broken.send(alice, "general", "through a broken bus", null);

            assertThat(m.body()).isEqualTo("through a broken bus");
            assertThat(fanout.failures.get()).as("publish was tried and failed").isPositive();
            assertThat(broken.history(alice, "general", HistoryQuery.latest(10)).messages()).containsExactly(m);
            assertThat(awaitEvents(bobSees, 1)).containsExactly(new ChatEvent.MessagePosted(m));

            Message edited = broken.edit(alice, m.id(), "still through a broken bus");

            assertThat(awaitEvents(bobSees, 2)).containsExactly(new ChatEvent.MessagePosted(m),
                    new ChatEvent.MessageEdited(edited));
            assertThat(bobSees.errors()).isEmpty();
            assertThat(sub.isActive()).isTrue();
        } finally {
            broken.close();
            fanout.close();
        }
    }

    /** The message a change carries, or {@code null} for a join or a departure. */
    private static Message messageOf(ChatEvent event) {
        if (event instanceof ChatEvent.MessagePosted posted) {
            return posted.message();
        }
        if (event instanceof ChatEvent.MessageEdited edited) {
            return edited.message();
        }
        if (event instanceof ChatEvent.MessageReacted reacted) {
            return reacted.message();
        }
        return event instanceof ChatEvent.MessageDeleted deleted ? deleted.message() : null;
    }

    /**
     * Bob resumes general after a change through {@code service} while, on another thread, alice posts, edits older
     * messages and deletes new ones and carol leaves and joins. Once the writing has stopped, bob must have received
     * every change after his position exactly once and in order: every join and departure, and each changed
     * message in its stored state last.
     */
    private void assertResumeIsLosslessWhileOthersWrite(ChatService service) throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        User carol = user("carol");
        Room general = chat.findRoom(alice, "general");
        List<Message> older = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            older.add(service.send(alice, "general", "before " + i, null));
        }
        long seen = positionOf(general).lastChange() - 10;
        RecordingListener bobSees = new RecordingListener();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writing = pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    Message m = service.send(alice, "general", "during " + i, null);
                    if (i % 5 == 0) {
                        service.edit(alice, older.get(i % older.size()).id(), "edited " + i);
                    }
                    if (i % 11 == 0) {
                        service.delete(alice, m.id());
                    }
                    if (i % 14 == 0) {
                        service.leave(carol, "general");
                    } else if (i % 7 == 0) {
                        service.join(carol, "general");
                    }
                }
                return null;
            });
            try (RoomSubscription sub = service.subscribe(bob, "general", StreamStart.afterChange(seen), bobSees)) {
                writing.get(60, TimeUnit.SECONDS);
                long last = positionOf(general).lastChange();
                List<ChatEvent> got = bobSees.await(events -> !events.isEmpty()
                        && ((ChatEvent.RoomChange) events.get(events.size() - 1)).change() == last, DELIVERY,
                        "change " + last);

                assertThat(got).extracting(e -> ((ChatEvent.RoomChange) e).change()).isSorted()
                        .doesNotHaveDuplicates().allMatch(n -> n > seen);
                assertThat(got).containsAll(storage.rooms().findMembershipChanges(general.id(), seen, last, 10_000)
                        .stream().map(c -> c.kind() == MembershipChange.Kind.JOINED
                                ? new ChatEvent.MemberJoined(general.id(), "general", carol, c.change())
                                : new ChatEvent.MemberLeft(general.id(), "general", carol, c.change()))
                        .toList());
                Map<Long, Message> newest = new HashMap<>();
                got.stream().map(ChatServiceContract::messageOf).filter(Objects::nonNull)
                        .forEach(m -> newest.put(m.id(), m));
                for (Message m : storage.messages().findChanged(general.id(), seen, last, 10_000)) {
                    assertThat(newest.get(m.id())).as("message %d as bob saw it last", m.id()).isEqualTo(m);
                }
                assertThat(bobSees.errors()).isEmpty();
                assertThat(sub.isActive()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void resumeAfterAChangeWhileOthersWriteDeliversEveryChangeOnceInOrder() throws Exception {
        assertResumeIsLosslessWhileOthersWrite(chat);
    }

    @Test
    void aFanoutThatDropsDuplicatesAndReordersEventsStillDeliversEveryChangeOnceInOrder() throws Exception {
        LossyFanout fanout = new LossyFanout();
        ChatService lossy = serviceWith(fanout,
                settings().toBuilder().feedRecheckInterval(Duration.ofMillis(50)).build());
        try {
            assertResumeIsLosslessWhileOthersWrite(lossy);
        } finally {
            lossy.close();
            fanout.close();
        }
    }

    @Test
    void aLeaveRacingASubscribeNeverLeavesALiveSubscriptionToARoomTheUserLeft() throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        Room race = chat.createRoom(alice, "race", RoomType.PUBLIC);
        List<RoomSubscription> returned = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 100; i++) {
                long before = positionOf(race).lastChange();
                RecordingListener aliceSees = new RecordingListener();
                RecordingListener bobSees = new RecordingListener();
                // Every other round a subscriber keeps the room's feed alive; otherwise bob's subscribe starts it.
                RoomSubscription watching = i % 2 == 0
                        ? chat.subscribe(alice, "race", StreamStart.live(), aliceSees) : null;
                chat.join(bob, "race");
                CyclicBarrier together = new CyclicBarrier(2);
                Future<RoomSubscription> subscribing = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    try {
                        return chat.subscribe(bob, "race", StreamStart.live(), bobSees);
                    } catch (ChatException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
                        return null;
                    }
                });
                Future<?> leaving = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    chat.leave(bob, "race");
                    return null;
                });
                leaving.get(10, TimeUnit.SECONDS);
                RoomSubscription sub = subscribing.get(10, TimeUnit.SECONDS);

                List<MembershipChange> happened =
                        storage.rooms().findMembershipChanges(race.id(), before, before + 2, 10);
                assertThat(happened).extracting(MembershipChange::kind)
                        .containsExactly(MembershipChange.Kind.JOINED, MembershipChange.Kind.LEFT);
                ChatEvent joined = new ChatEvent.MemberJoined(race.id(), "race", bob, happened.get(0).change());
                ChatEvent left = new ChatEvent.MemberLeft(race.id(), "race", bob, happened.get(1).change());
                if (sub != null) {
                    returned.add(sub);
                    assertThat(awaitEvents(bobSees, 1)).as("round %d: bob's own departure", i).containsExactly(left);
                    awaitInactive(sub, "round " + i + ": bob's subscription to a room he left");
                }
                if (watching != null) {
                    assertThat(awaitEvents(aliceSees, 2)).as("round %d", i).containsExactly(joined, left);
                    watching.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(chat.members(alice, "race")).extracting(Member::user).containsExactly(alice);
        assertThat(returned).noneMatch(Subscription::isActive);
    }

    @Test
    void failsEveryCallAfterClose() {
        User alice = user("alice");
        chat.close();
        assertFailsWith(ErrorCode.SERVICE_CLOSED, () -> chat.send(alice, "general", "late", null));
        assertFailsWith(ErrorCode.SERVICE_CLOSED, () -> chat.login("alice", "password-alice"));
        chat.close(); // idempotent
    }

    @Test
    void reportsHealthyStorage() {
        chat.checkHealth();
    }
    // ---- replies, reactions, mentions ------------------------------------------------------------------------

    /**
     * Whether the storage's message store implements replies, reactions and mentions (release 4 of the SPI). A
     * custom store written before them returns {@code false}, and their cases are skipped.
     *
     * @return {@code true} unless overridden
     */
    protected boolean supportsRepliesReactionsAndMentions() {
        return true;
    }

    @Test
    void aReplyCarriesAPreviewOfItsOriginalAndRefusesWhatCannotBeRepliedTo() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = user("alice");
        User bob = user("bob");
        Message original = chat.send(alice, "general", "question?\nmore", null);
        chat.createRoom(alice, "secret", RoomType.PRIVATE);
        Message hidden = chat.send(alice, "secret", "hidden", null);
        Message gone = chat.send(alice, "general", "gone", null);
        chat.delete(alice, gone.id());
        long lastSeq = chat.history(bob, "general", HistoryQuery.latest(10)).messages().size();

        Message reply = chat.send(bob, "general", "answer", "r-1", original.id());

        assertThat(reply.replyTo()).isEqualTo(new ReplyPreview(original.id(), original.seq(), "alice", "question?",
                false));
        assertThat(chat.send(bob, "general", "answer", "r-1", original.id())).isEqualTo(reply);
        assertFailsWith(ErrorCode.IDEMPOTENCY_CONFLICT, () -> chat.send(bob, "general", "answer", "r-1", 0));
        for (long target : new long[] {hidden.id(), gone.id(), 999_999, -1}) {
            assertFailsWith(ErrorCode.INVALID_REPLY, () -> chat.send(bob, "general", "re", null, target));
        }
        assertThat(chat.history(bob, "general", HistoryQuery.latest(10)).messages()).hasSize((int) lastSeq + 1);
    }

    @Test
    void reactionsAreToggledIdempotentlyAndPublishedAsRoomChanges() throws Exception {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = user("alice");
        User bob = user("bob");
        Message m = chat.send(alice, "general", "hi", null);
        Collector aliceSees = new Collector();
        try (Subscription sub = chat.subscribe(alice, "general", StreamStart.live(), aliceSees.events::add)) {
            Message reacted = chat.react(bob, m.id(), "👍");

            assertThat(reacted.reactions()).containsExactly(new Reaction("👍", List.of("bob")));
            assertThat(reacted.change()).isEqualTo(m.change() + 1);
            assertThat(aliceSees.await(ChatEvent.MessageReacted.class))
                    .isEqualTo(new ChatEvent.MessageReacted(reacted, bob, "👍", true));
            assertThat(chat.react(bob, m.id(), "👍")).isEqualTo(reacted);
            assertThat(chat.unreact(alice, m.id(), "👍")).isEqualTo(reacted);
            Message removed = chat.unreact(bob, m.id(), "👍");
            assertThat(removed.reactions()).isEmpty();
            assertThat(removed.change()).as("the idempotent calls took no change").isEqualTo(m.change() + 2);
            assertThat(aliceSees.await(ChatEvent.MessageReacted.class))
                    .isEqualTo(new ChatEvent.MessageReacted(removed, bob, "👍", false));
        }
    }

    @Test
    void aResumeReplaysAMissedReactionAsTheMessagesCurrentState() throws Exception {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = user("alice");
        User bob = user("bob");
        Message m = chat.send(alice, "general", "hi", null);
        Message reacted = chat.react(bob, m.id(), "🎉");
        Collector aliceSees = new Collector();

        try (Subscription sub = chat.subscribe(alice, "general", StreamStart.afterChange(m.change()),
                aliceSees.events::add)) {
            assertThat(aliceSees.await(ChatEvent.MessageReacted.class))
                    .isEqualTo(new ChatEvent.MessageReacted(reacted));
        }
        assertThat(chat.changes(alice, "general", m.change(), 10).changes())
                .containsExactly(new ChatEvent.MessageReacted(reacted));
    }

    @Test
    void reactionsCheckTheEmojiTheLimitAndNeverRevealARoomTheCallerCannotRead() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = user("alice");
        User bob = user("bob");
        chat.createRoom(alice, "secret", RoomType.PRIVATE);
        Message hidden = chat.send(alice, "secret", "hidden", null);
        chat.createRoom(alice, "open", RoomType.PUBLIC);
        Message open = chat.send(alice, "open", "open", null);
        Message m = chat.send(alice, "general", "hi", null);

        ChatException unknown = assertFailsWith(ErrorCode.MESSAGE_NOT_FOUND,
                () -> chat.react(bob, 999_999, "👍"));
        ChatException secret = assertFailsWith(ErrorCode.MESSAGE_NOT_FOUND, () -> chat.react(bob, hidden.id(), "👍"));
        assertThat(secret.getMessage()).isEqualTo(unknown.getMessage());
        assertFailsWith(ErrorCode.MESSAGE_NOT_FOUND, () -> chat.unreact(bob, hidden.id(), "👍"));
        assertFailsWith(ErrorCode.NOT_A_MEMBER, () -> chat.react(bob, open.id(), "👍"));
        for (String bad : new String[] {"", "a", "👍👍", ":+1:", "\u200D", "1", "👍 "}) {
            assertFailsWith(ErrorCode.INVALID_EMOJI, () -> chat.react(bob, m.id(), bad));
        }
        for (String good : new String[] {"👨‍👩‍👧", "🇫🇷", "👍🏽", "1️⃣", "❤️", "☕", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"}) {
            chat.react(bob, m.id(), good);
        }
        chat.delete(alice, hidden.id());
        assertFailsWith(ErrorCode.MESSAGE_NOT_FOUND, () -> chat.react(bob, hidden.id(), "👍"));
        Message gone = chat.send(alice, "general", "gone", null);
        chat.delete(alice, gone.id());
        assertFailsWith(ErrorCode.MESSAGE_DELETED, () -> chat.react(bob, gone.id(), "👍"));
        assertThat(hidden.reactions()).isEmpty();
        assertThat(chat.history(alice, "secret", HistoryQuery.latest(5)).messages().get(0).reactions()).isEmpty();
    }

    @Test
    void aNewEmojiBeyondTheConfiguredLimitIsRefused() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        chat.close();
        chat = ChatService.builder().storage(storage).passwordHasher(passwordHasher()).clock(clock)
                .settings(settings().toBuilder().maxReactionsPerMessage(2).build()).build();
        User alice = user("alice");
        Message m = chat.send(alice, "general", "hi", null);
        chat.react(alice, m.id(), "👍");
        chat.react(alice, m.id(), "🎉");

        assertFailsWith(ErrorCode.TOO_MANY_REACTIONS, () -> chat.react(alice, m.id(), "😀"));
    }

    @Test
    void mentionsOfMembersAreStoredCountedAndAnnouncedToTheMentionedUser() throws Exception {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = user("alice");
        User bob = user("bob");
        User carol = user("carol");
        chat.createRoom(alice, "team", RoomType.PRIVATE);
        chat.addMember(alice, "team", "bob");
        LoginResult bobLogin = chat.login("bob", "password-bob");
        BlockingQueue<Message> bobMentioned = new LinkedBlockingQueue<>();
        try (Subscription watch = chat.watchUser(bob, bobLogin.token(), new UserListener() {
            @Override
            public void onMentioned(Room room, Message message) {
                bobMentioned.add(message);
            }
        })) {
            Message m = chat.send(alice, "team", "@BOB and @carol, mail bob@example.com @nobody", null);

            assertThat(m.mentions()).as("carol is no member of team").containsExactly("bob");
            assertThat(bobMentioned.poll(10, TimeUnit.SECONDS)).isEqualTo(m);
            RoomSummary team = chat.listRooms(bob).stream().filter(r -> r.room().name().equals("team"))
                    .findFirst().orElseThrow();
            assertThat(team.unread()).isEqualTo(1);
            assertThat(team.unreadMentions()).isEqualTo(1);
            chat.send(bob, "team", "@alice yes", null);
            Message edited = chat.edit(alice, m.id(), "never mind");
            assertThat(edited.mentions()).isEmpty();
            assertThat(chat.markRead(bob, "team", 0).unreadMentions()).isZero();
            Message again = chat.edit(alice, m.id(), "hey @bob");
            assertThat(again.mentions()).containsExactly("bob");
            assertThat(bobMentioned.poll(10, TimeUnit.SECONDS)).as("an edit that adds a mention").isNotNull();
            assertThat(chat.markRead(bob, "team", again.seq()).unreadMentions()).isZero();
        }
        assertThat(carol.username()).isEqualTo("carol");
    }
}
