package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.PasswordHasher;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Service logic in isolation: the collaborators that decide ordering and failure are mocks. */
class DefaultChatServiceTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final InMemoryChatStorage memory = InMemoryChatStorage.create();
    private final Fanout fanout = mock(Fanout.class);
    private final PasswordHasher hasher = mock(PasswordHasher.class);
    private ChatService chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatService service(ChatStorage storage, ChatSettings settings) {
        stubHasher();
        when(fanout.nodeId()).thenReturn("node-1");
        when(fanout.subscribeNotices(any())).thenReturn(mock(Subscription.class));
        chat = ChatService.builder().storage(storage).passwordHasher(hasher).fanout(fanout).clock(clock)
                .settings(settings).build();
        return chat;
    }

    private void stubHasher() {
        when(hasher.hash(anyString())).thenAnswer(inv -> "h:" + inv.getArgument(0));
        when(hasher.verify(anyString(), anyString()))
                .thenAnswer(inv -> ("h:" + inv.getArgument(0)).equals(inv.getArgument(1)));
    }

    private static boolean isPosted(ChatEvent e) {
        return e instanceof ChatEvent.MessagePosted;
    }

    @Test
    void concurrentAuthenticationsOfOneTokenTouchItsSessionOncePerInterval() throws Exception {
        AtomicReference<Instant> time = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return time.get();
            }
        };
        SessionStore sessions = mock(SessionStore.class, org.mockito.Mockito.withSettings()
                .defaultAnswer(inv -> inv.getMethod().invoke(memory.sessions(), inv.getArguments())));
        java.util.concurrent.atomic.AtomicInteger touches = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch touching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        org.mockito.Mockito.doAnswer(inv -> {
            if (touches.incrementAndGet() == 1) {
                touching.countDown();
                release.await(2, TimeUnit.SECONDS); // the first touch is slow, as a group commit can be
            }
            memory.sessions().touch(inv.getArgument(0), inv.getArgument(1));
            return null;
        }).when(sessions).touch(anyString(), any(Instant.class));
        stubHasher();
        chat = ChatService.builder().storage(ChatStorage.of(memory.users(), sessions, memory.rooms(),
                memory.messages())).passwordHasher(hasher).clock(moving).build();
        chat.register("alice", "password-1");
        String token = chat.login("alice", "password-1").token();
        time.set(time.get().plusSeconds(120)); // past the touch interval (1 min with the default idle timeout)
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<User> first = pool.submit(() -> chat.authenticate(token));
            assertThat(touching.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(chat.authenticate(token).username()).isEqualTo("alice"); // still reads the old last_seen_at
            }
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).username()).isEqualTo("alice");
        } finally {
            pool.shutdownNow();
        }
        assertThat(touches.get()).as("one touch for six concurrent authentications").isEqualTo(1);
        assertThat(memory.sessions().find(Tokens.hash(token)).orElseThrow().lastSeenAt()).isEqualTo(time.get());

        time.set(time.get().plusSeconds(120));
        chat.authenticate(token);
        assertThat(touches.get()).as("the next interval touches again").isEqualTo(2);
    }

    @Test
    void publishesAMessageOnlyAfterTheStoreAcceptedIt() {
        MessageStore messages = mock(MessageStore.class, org.mockito.Mockito.withSettings()
                .defaultAnswer(inv -> inv.getMethod().invoke(memory.messages(), inv.getArguments())));
        ChatStorage storage = ChatStorage.of(memory.users(), memory.sessions(), memory.rooms(), messages);
        service(storage, ChatSettings.defaults());
        User alice = chat.register("alice", "password-1");
        chat.send(alice, "general", "hello", null);
        InOrder order = inOrder(messages, fanout);
        order.verify(messages).append(any(NewMessage.class));
        order.verify(fanout).publish(argThat((ChatEvent e) -> isPosted(e)));
    }

    @Test
    void aFanoutThatThrowsNeverFailsOrRepeatsACommittedChange() {
        when(fanout.subscribe(anyLong(), any())).thenReturn(mock(Subscription.class));
        doThrow(new IllegalStateException("bus down")).when(fanout).publish(any(ChatEvent.class));
        service(memory, ChatSettings.defaults());
        User alice = chat.register("alice", "password-1");
        User bob = chat.register("bob", "password-2");

        Message sent = chat.send(alice, "general", "hello", null);
        Message edited = chat.edit(alice, sent.id(), "hello, edited");
        chat.delete(alice, edited.id());
        chat.createRoom(alice, "club", RoomType.PUBLIC);
        chat.join(bob, "club");
        chat.leave(bob, "club");

        assertThat(chat.history(alice, "general", HistoryQuery.latest(10)).messages())
                .extracting(Message::id).containsExactly(sent.id());
        assertThat(chat.changes(alice, "club", 0, 10).changes()).extracting(ChatEvent.RoomChange::change)
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void aFanoutThatThrowsStillReachesLocalSubscribersThroughTheStore() throws InterruptedException {
        when(fanout.subscribe(anyLong(), any())).thenReturn(mock(Subscription.class));
        doThrow(new IllegalStateException("bus down")).when(fanout).publish(any(ChatEvent.class));
        service(memory, ChatSettings.defaults());
        User alice = chat.register("alice", "password-1");
        BlockingQueue<ChatEvent> seen = new LinkedBlockingQueue<>();
        chat.subscribe(alice, "general", StreamStart.live(), seen::add);

        Message sent = chat.send(alice, "general", "hello", null);

        ChatEvent got = seen.poll(5, TimeUnit.SECONDS);
        assertThat(got).isInstanceOfSatisfying(ChatEvent.MessagePosted.class,
                e -> assertThat(e.message()).isEqualTo(sent));
    }

    @Test
    void aLeaveCommittedBetweenTheMembershipCheckAndTheAttachRefusesTheSubscription() {
        // The leave is run from inside the membership read that subscribe's access check makes, so it commits (and
        // its MemberLeft is delivered to the room's existing feed) after the check passed and before the attach.
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<Runnable> leave = new AtomicReference<>();
        RoomStore rooms = mock(RoomStore.class, org.mockito.Mockito.withSettings().defaultAnswer(inv -> {
            Object result = inv.getMethod().invoke(memory.rooms(), inv.getArguments());
            if (inv.getMethod().getName().equals("findMembership") && armed.compareAndSet(true, false)) {
                leave.get().run();
            }
            return result;
        }));
        stubHasher();
        chat = ChatService.builder().storage(ChatStorage.of(memory.users(), memory.sessions(), rooms,
                memory.messages())).passwordHasher(hasher).clock(clock).build();
        User alice = chat.register("alice", "password-1");
        User bob = chat.register("bob", "password-2");
        chat.subscribe(bob, "general", StreamStart.live(), e -> { }); // the room's feed exists and is live
        leave.set(() -> chat.leave(alice, "general"));
        armed.set(true);

        ChatException e = catchThrowableOfType(ChatException.class,
                () -> chat.subscribe(alice, "general", StreamStart.live(), ev -> { }));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
    }

    @Test
    void publishesNothingWhenTheStoreFails() {
        MessageStore failing = mock(MessageStore.class);
        when(failing.append(any())).thenThrow(
                new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, "database is locked"));
        service(ChatStorage.of(memory.users(), memory.sessions(), memory.rooms(), failing), ChatSettings.defaults());
        User alice = chat.register("alice", "password-1");
        UnavailableException e = catchThrowableOfType(UnavailableException.class,
                () -> chat.send(alice, "general", "hello", "c-1"));
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.code().retryable()).isTrue();
        verify(fanout, never()).publish(argThat((ChatEvent event) -> isPosted(event)));
    }

    @Test
    void verifiesOneHashForAnUnknownUserSoTimingDoesNotTellUsersApart() {
        service(memory, ChatSettings.defaults());
        chat.register("alice", "password-1");
        org.mockito.Mockito.clearInvocations(hasher);
        catchThrowableOfType(dev.parley.chat.core.AuthenticationException.class,
                () -> chat.login("nobody", "password-1"));
        catchThrowableOfType(dev.parley.chat.core.AuthenticationException.class,
                () -> chat.login("alice", "password-2"));
        verify(hasher, times(2)).verify(anyString(), anyString());
        verify(hasher).verify(eq("password-1"), argThat(h -> !h.equals("h:password-1")));
    }

    @Test
    void aPasswordWithAnUnpairedSurrogateIsRefusedAndNeverReachesTheHasher() {
        service(memory, ChatSettings.defaults());
        InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class,
                () -> chat.register("alice", "correct horse \ud800"));
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_PASSWORD);
        assertThat(chat.findUser("alice")).isEmpty();

        chat.register("bob", "correct horse ?");
        org.mockito.Mockito.clearInvocations(hasher);
        dev.parley.chat.core.AuthenticationException e = catchThrowableOfType(
                dev.parley.chat.core.AuthenticationException.class, () -> chat.login("bob", "correct horse \ud800"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        // still one hash, as for every failure, but never of a string without a UTF-8 form
        verify(hasher, times(1)).verify(anyString(), anyString());
        org.mockito.ArgumentMatcher<String> noUtf8Form = p -> !java.nio.charset.StandardCharsets.UTF_8.newEncoder()
                .canEncode(p);
        verify(hasher, never()).verify(argThat(noUtf8Form), anyString());
        verify(hasher, never()).hash(argThat(noUtf8Form));
    }

    @Test
    void upgradesAWeakHashAfterASuccessfulLogin() {
        service(memory, ChatSettings.defaults());
        chat.register("alice", "password-1");
        when(hasher.needsRehash("h:password-1")).thenReturn(true);
        when(hasher.hash("password-1")).thenReturn("h2:password-1");
        chat.login("alice", "password-1");
        assertThat(memory.users().findCredentials("alice").orElseThrow().passwordHash()).isEqualTo("h2:password-1");
    }

    @Test
    void answersServerBusyWhenThePasswordPoolIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        service(memory, ChatSettings.builder().hashingThreads(1).hashingQueue(1).build());
        when(hasher.hash("slow-password")).thenAnswer(inv -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "h:slow";
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<User> running = pool.submit(() -> chat.register("first", "slow-password"));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            // One thread busy, one queue slot: of three more registrations exactly one can wait, two must fail.
            List<Future<User>> more = new ArrayList<>();
            for (String name : List.of("second", "third", "fourth")) {
                more.add(pool.submit(() -> chat.register(name, "password-" + name)));
            }
            List<ErrorCode> failures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (failures.size() < 2 && System.nanoTime() < deadline) {
                failures.clear();
                for (Future<User> f : more) {
                    if (f.isDone()) {
                        ExecutionException e = catchThrowableOfType(ExecutionException.class, f::get);
                        failures.add(((UnavailableException) e.getCause()).code());
                    }
                }
                Thread.sleep(10);
            }
            assertThat(failures).containsExactly(ErrorCode.SERVER_BUSY, ErrorCode.SERVER_BUSY);
            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS).username()).isEqualTo("first");
            long succeeded = 0;
            for (Future<User> f : more) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    succeeded++;
                } catch (ExecutionException expected) {
                    // one of the two rejected
                }
            }
            assertThat(succeeded).isEqualTo(1);
            assertThat(chat.register("fifth", "password-5").username()).isEqualTo("fifth");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void closesTheFanoutOnlyWhenItOwnsIt() {
        service(memory, ChatSettings.defaults());
        chat.close();
        verify(fanout, never()).close();
    }
}
