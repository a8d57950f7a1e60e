package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feed's repair of an unreliable fan-out and an unreliable store, driven by a fan-out the test controls (hints
 * are dropped, doubled and reordered on purpose) over the real in-memory store, wrapped so that reads can be made to
 * fail. Repairs run on a real catch-up executor, so outcomes are awaited.
 */
class RoomFeedsTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration REPAIR_TIMEOUT = Duration.ofMillis(400);
    private static final long WAIT_MS = 5_000;

    /** A fan-out that delivers only what the test hands it, when the test says. */
    private static final RoomFeeds.Presence NO_PRESENCE = new RoomFeeds.Presence() {
        @Override
        public List<String> enter() {
            return List.of();
        }

        @Override
        public void leave() {
        }
    };

    private static final class ScriptedFanout implements Fanout {
        final List<Listener> listeners = new CopyOnWriteArrayList<>();
        final AtomicInteger closedSubscriptions = new AtomicInteger();

        void deliver(ChatEvent e) {
            listeners.forEach(l -> l.onEvent(e));
        }

        void signalLoss() {
            listeners.forEach(Listener::onPossibleLoss);
        }

        @Override
        public void publish(ChatEvent event) {
        }

        @Override
        public String nodeId() {
            return "scripted";
        }

        @Override
        public void publish(Notice notice) {
        }

        @Override
        public Subscription subscribeNotices(NoticeListener listener) {
            return new InProcessFanout().subscribeNotices(listener);
        }

        @Override
        public Subscription subscribe(long roomId, Listener listener) {
            listeners.add(listener);
            return new Subscription() {
                volatile boolean active = true;

                @Override
                public boolean isActive() {
                    return active;
                }

                @Override
                public void close() {
                    if (active) {
                        active = false;
                        listeners.remove(listener);
                        closedSubscriptions.incrementAndGet();
                    }
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /** The real in-memory message store, with reads that fail on demand; records which threads read. */
    private static final class FaultyMessages implements MessageStore {
        final MessageStore delegate;
        final AtomicInteger positionFailures = new AtomicInteger();
        final AtomicInteger changedFailures = new AtomicInteger();
        volatile boolean changedAlwaysFails;
        final AtomicInteger failedReads = new AtomicInteger();
        final Set<Thread> readers = ConcurrentHashMap.newKeySet();

        FaultyMessages(MessageStore delegate) {
            this.delegate = delegate;
        }

        private void maybeFail(AtomicInteger budget) {
            if (budget.get() > 0 && budget.getAndDecrement() > 0) {
                failedReads.incrementAndGet();
                throw new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, "injected read failure");
            }
        }

        @Override
        public RoomPosition position(long roomId) {
            maybeFail(positionFailures);
            return delegate.position(roomId);
        }

        @Override
        public List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit) {
            readers.add(Thread.currentThread());
            if (changedAlwaysFails) {
                failedReads.incrementAndGet();
                throw new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, "injected read failure");
            }
            maybeFail(changedFailures);
            return delegate.findChanged(roomId, afterChange, upToChange, limit);
        }

        @Override
        public AppendResult append(NewMessage message) {
            return delegate.append(message);
        }

        @Override
        public Optional<Message> findById(long id) {
            return delegate.findById(id);
        }

        @Override
        public List<Message> findAfter(long roomId, long afterSeq, int limit) {
            return delegate.findAfter(roomId, afterSeq, limit);
        }

        @Override
        public List<Message> findBefore(long roomId, long beforeSeq, int limit) {
            return delegate.findBefore(roomId, beforeSeq, limit);
        }

        @Override
        public long countUnread(long roomId, long afterSeq, long excludeSenderId) {
            return delegate.countUnread(roomId, afterSeq, excludeSenderId);
        }

        @Override
        public Optional<Message> edit(long id, String body, Instant editedAt) {
            return delegate.edit(id, body, editedAt);
        }

        @Override
        public Optional<Message> delete(long id, Instant deletedAt) {
            return delegate.delete(id, deletedAt);
        }
    }

    /** Records events and the error that ended the subscription, from any thread. */
    private static final class Seen implements ChatListener {
        final List<ChatEvent> events = new CopyOnWriteArrayList<>();
        final AtomicReference<ChatException> error = new AtomicReference<>();
        @Override
        public void onEvent(ChatEvent event) {
            events.add(event);
        }

        @Override
        public void onError(ChatException e) {
            error.set(e);
        }

        List<Long> changes() {
            return events.stream().filter(e -> e instanceof ChatEvent.RoomChange)
                    .map(e -> ((ChatEvent.RoomChange) e).change()).collect(Collectors.toList());
        }
    }

    private final ScriptedFanout fanout = new ScriptedFanout();
    private final ScheduledThreadPoolExecutor catchUp = new ScheduledThreadPoolExecutor(2);
    private InMemoryChatStorage storage;
    private FaultyMessages messages;
    private RoomFeeds feeds;
    private User alice;
    private User bob;
    private long roomId;

    @BeforeEach
    void setUp() {
        storage = InMemoryChatStorage.create();
        messages = new FaultyMessages(storage.messages());
        alice = storage.users().create(new NewUser("alice", "alice", null, T));
        bob = storage.users().create(new NewUser("bob", "bob", null, T));
        roomId = storage.rooms().create(new NewRoom("room", RoomType.PUBLIC, 0, T)).id();
        feeds = new RoomFeeds(fanout, new ChangeReader(messages, storage.rooms(), storage.users()), messages, catchUp,
                REPAIR_TIMEOUT, System::nanoTime);
    }

    @AfterEach
    void tearDown() {
        feeds.close();
        catchUp.shutdownNow();
    }

    private ChatEvent.MessagePosted post(String body) {
        return new ChatEvent.MessagePosted(
                messages.append(new NewMessage(roomId, "room", alice.id(), "alice", body, null, T)).message());
    }

    private ChatEvent.MemberJoined join(User u) {
        return new ChatEvent.MemberJoined(roomId, "room", u, storage.rooms().addMember(roomId, u.id(), T));
    }

    private ChatEvent.MemberLeft leave(User u) {
        return new ChatEvent.MemberLeft(roomId, "room", u, storage.rooms().removeMember(roomId, u.id(), T));
    }

    private RoomSubscription subscribe(StreamStart start, ChatListener listener) {
        return feeds.subscribe(roomId, "room", alice.id(), start, 1_000, () -> true, listener, NO_PRESENCE);
    }

    private RoomSubscription live(ChatListener listener) {
        return subscribe(StreamStart.live(), listener);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void awaitChanges(Seen seen, Long... expected) {
        await("changes " + List.of(expected) + " arrive (have " + seen.changes() + ")",
                () -> seen.changes().size() >= expected.length);
        assertThat(seen.changes()).containsExactly(expected);
    }

    // ---- gaps ---------------------------------------------------------------------------------------------------

    @Test
    void fillsAGapFromTheStoreOnTheCatchUpThreadNotThePublishers() {
        Seen seen = new Seen();
        live(seen);
        post("one");
        post("two");
        ChatEvent.MessagePosted three = post("three");

        fanout.deliver(three);

        awaitChanges(seen, 1L, 2L, 3L);
        assertThat(seen.events.get(2)).isSameAs(three);
        assertThat(messages.readers).isNotEmpty().doesNotContain(Thread.currentThread());
    }

    @Test
    void dropsDuplicateAndStaleHints() {
        Seen seen = new Seen();
        live(seen);
        ChatEvent one = post("one");
        ChatEvent two = post("two");
        fanout.deliver(one);
        fanout.deliver(one);
        fanout.deliver(two);
        fanout.deliver(one);
        fanout.deliver(two);

        assertThat(seen.changes()).containsExactly(1L, 2L);
    }

    @Test
    void deliversReorderedHintsInChangeOrderAsSoonAsTheGapClosesWithoutReadingTheStore()
            throws InterruptedException {
        Seen seen = new Seen();
        live(seen);
        ChatEvent one = post("one");
        ChatEvent joined = join(bob);
        fanout.deliver(joined);
        assertThat(seen.changes()).isEmpty();

        fanout.deliver(one);

        assertThat(seen.changes()).containsExactly(1L, 2L);
        assertThat(seen.events.get(1)).isSameAs(joined);
        Thread.sleep(RoomFeeds.REORDER_GRACE_MS * 3);
        assertThat(messages.readers).as("the grace period let the gap close by itself").isEmpty();
    }

    @Test
    void aGapReadThatFailsTwiceThenSucceedsLosesNothingAndKeepsOrder() {
        Seen seen = new Seen();
        live(seen);
        post("one");
        post("two");
        messages.changedFailures.set(2);

        fanout.deliver(post("three"));
        fanout.deliver(post("four"));

        awaitChanges(seen, 1L, 2L, 3L, 4L);
        assertThat(messages.failedReads).hasValue(2);
        assertThat(seen.error).hasValue(null);
    }

    @Test
    void laterEventsWaitBehindAGapUntilItIsRead() throws InterruptedException {
        Seen seen = new Seen();
        live(seen);
        post("one");
        messages.changedFailures.set(3); // about 50 + 100 + 200 ms of retries
        fanout.deliver(post("two"));
        fanout.deliver(post("three"));

        Thread.sleep(100);
        assertThat(seen.changes()).as("nothing skips ahead of the unread change 1").isEmpty();

        awaitChanges(seen, 1L, 2L, 3L);
    }

    @Test
    void aGapThatStaysUnreadableEndsTheSubscriptionsWithResyncRequired() {
        Seen first = new Seen();
        Seen second = new Seen();
        RoomSubscription a = live(first);
        RoomSubscription b = live(second);
        post("one");
        messages.changedAlwaysFails = true;

        fanout.deliver(post("two"));

        await("both subscriptions end", () -> !a.isActive() && !b.isActive());
        assertThat(first.error.get().code()).isEqualTo(ErrorCode.RESYNC_REQUIRED);
        assertThat(second.error.get().code()).isEqualTo(ErrorCode.RESYNC_REQUIRED);
        assertThat(first.changes()).as("never skipped past the gap").isEmpty();
        assertThat(feeds.activeRooms()).isZero();
        assertThat(fanout.listeners).isEmpty();

        messages.changedAlwaysFails = false;
        Seen later = new Seen();
        live(later);
        fanout.deliver(post("three"));
        awaitChanges(later, 3L);
    }

    @Test
    void aFailedFirstAttachLeavesNoHalfStartedFeed() {
        for (int i = 0; i < 5; i++) {
            post("history " + i);
        }
        messages.positionFailures.set(1);

        assertThatThrownBy(() -> live(new Seen()))
                .isInstanceOfSatisfying(UnavailableException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        assertThat(feeds.activeRooms()).isZero();
        assertThat(fanout.listeners).isEmpty();
        assertThat(fanout.closedSubscriptions).hasValue(1);

        Seen seen = new Seen();
        RoomSubscription sub = live(seen);
        assertThat(sub.position()).isEqualTo(new RoomPosition(5, 5));
        fanout.deliver(post("new"));
        assertThat(seen.changes()).as("live from the room's end, not its history").containsExactly(6L);
    }

    @Test
    void aRecheckCatchesUpOnATailThatNoLaterEventRevealed() {
        Seen seen = new Seen();
        live(seen);
        post("lost one");
        join(bob);

        feeds.recheck(roomId);

        awaitChanges(seen, 1L, 2L);
        assertThat(seen.events.get(1)).isInstanceOf(ChatEvent.MemberJoined.class);
    }

    @Test
    void aFanoutReportingPossibleLossMakesTheFeedCatchUp() {
        Seen seen = new Seen();
        live(seen);
        post("lost");

        fanout.signalLoss();

        awaitChanges(seen, 1L);
    }

    // ---- subscribing ------------------------------------------------------------------------------------------------

    @Test
    void joinsLiveAfterTheRoomsPositionAndReportsIt() {
        post("old");
        join(bob);
        Seen seen = new Seen();

        RoomSubscription sub = live(seen);
        fanout.deliver(post("new"));

        assertThat(sub.position()).isEqualTo(new RoomPosition(1, 2));
        assertThat(seen.changes()).containsExactly(3L);
    }

    @Test
    void resumeByChangeReplaysCurrentStatesJoinsAndLeavesInChangeOrderThenGoesLive() {
        Message first = post("first").message(); // 1
        Message second = post("second").message(); // 2
        Message third = post("third").message(); // 3
        messages.edit(first.id(), "first, edited", T); // 4
        join(bob); // 5
        messages.delete(second.id(), T); // 6
        messages.edit(third.id(), "third, edited", T); // 7
        messages.edit(third.id(), "third, edited again", T); // 8
        leave(bob); // 9
        Seen seen = new Seen();

        RoomSubscription sub = subscribe(StreamStart.afterChange(1), seen);
        fanout.deliver(post("live")); // 10

        assertThat(sub.position()).isEqualTo(new RoomPosition(3, 9));
        assertThat(seen.changes()).containsExactly(4L, 5L, 6L, 8L, 9L, 10L);
        assertThat(seen.events.get(0)).isInstanceOfSatisfying(ChatEvent.MessageEdited.class,
                e -> assertThat(e.message().body()).isEqualTo("first, edited"));
        assertThat(seen.events.get(2)).isInstanceOfSatisfying(ChatEvent.MessageDeleted.class,
                e -> assertThat(e.message().body()).isEmpty());
        assertThat(seen.events.get(3)).isInstanceOfSatisfying(ChatEvent.MessageEdited.class,
                e -> assertThat(e.message().body()).isEqualTo("third, edited again"));
        assertThat(sub.isActive()).as("a replayed departure of another user ends nothing").isTrue();
    }

    @Test
    void resumeBeyondTheRoomsEndIsResyncRequiredAndSubscribesNothing() {
        post("one");
        join(bob);

        assertThatThrownBy(() -> subscribe(StreamStart.afterChange(3), new Seen()))
                .isInstanceOfSatisfying(ChatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RESYNC_REQUIRED));
        assertThatThrownBy(() -> subscribe(StreamStart.afterSeq(2), new Seen()))
                .isInstanceOfSatisfying(ChatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RESYNC_REQUIRED));
        assertThat(feeds.activeRooms()).isZero();
        assertThat(fanout.listeners).isEmpty();
        subscribe(StreamStart.afterChange(2), new Seen()).close();
    }

    @Test
    void resumeBySeqReplaysMessagesAsBefore() {
        post("a");
        post("b");
        post("c");
        Seen seen = new Seen();
        subscribe(StreamStart.afterSeq(1), seen);
        fanout.deliver(post("d"));

        assertThat(seen.events).extracting(e -> ((ChatEvent.MessagePosted) e).message().seq())
                .containsExactly(2L, 3L, 4L);
    }

    @Test
    void aSubscriberThatIsNoLongerAMemberAfterAttachingIsRefused() {
        assertThatThrownBy(() -> feeds.subscribe(roomId, "room", alice.id(), StreamStart.live(), 100, () -> false,
                new Seen(), NO_PRESENCE)).isInstanceOfSatisfying(ChatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_MEMBER));
        assertThat(feeds.activeRooms()).isZero();
    }

    // ---- delivery ---------------------------------------------------------------------------------------------------

    @Test
    void handsTheSameEventInstanceToEverySubscriber() {
        Seen first = new Seen();
        Seen second = new Seen();
        live(first);
        live(second);
        post("one");
        fanout.deliver(post("two")); // the gap-filled "one" must be shared too

        awaitChanges(first, 1L, 2L);
        awaitChanges(second, 1L, 2L);
        assertThat(second.events.get(0)).isSameAs(first.events.get(0));
        assertThat(second.events.get(1)).isSameAs(first.events.get(1));
    }

    @Test
    void closesOnlyTheSubscriptionWhoseListenerThrows() {
        Seen healthy = new Seen();
        Subscription broken = live(e -> {
            throw new IllegalStateException("boom");
        });
        Subscription ok = live(healthy);
        fanout.deliver(post("one"));
        fanout.deliver(post("two"));

        assertThat(broken.isActive()).isFalse();
        assertThat(ok.isActive()).isTrue();
        assertThat(healthy.changes()).containsExactly(1L, 2L);
    }

    @Test
    void releasesTheFanoutSubscriptionWithTheLastLocalSubscriber() {
        Subscription a = live(e -> { });
        Subscription b = live(e -> { });
        assertThat(fanout.listeners).hasSize(1);
        assertThat(feeds.activeRooms()).isEqualTo(1);
        a.close();
        assertThat(fanout.closedSubscriptions).hasValue(0);
        b.close();
        b.close();
        assertThat(fanout.closedSubscriptions).hasValue(1);
        assertThat(feeds.activeRooms()).isZero();
    }

    @Test
    void endsOnTheSubscribersOwnLiveLeaveButNotOnAnotherUsers() {
        storage.rooms().addMember(roomId, alice.id(), T);
        Seen seen = new Seen();
        RoomSubscription sub = live(seen);
        fanout.deliver(join(bob));
        fanout.deliver(leave(bob));
        assertThat(sub.isActive()).isTrue();

        fanout.deliver(leave(alice));
        assertThat(sub.isActive()).isFalse();
        fanout.deliver(post("after"));
        assertThat(seen.changes()).containsExactly(2L, 3L, 4L);
        assertThat(seen.error).hasValue(null);
    }

    @Test
    void typingIsDeliveredAsReceivedWithoutAChangeNumber() {
        Seen seen = new Seen();
        live(seen);
        fanout.deliver(new ChatEvent.Typing(roomId, "room", bob));

        assertThat(seen.events).singleElement().isInstanceOf(ChatEvent.Typing.class);
    }

    @Test
    void deliversNothingAfterClose() {
        Seen seen = new Seen();
        Subscription sub = live(seen);
        Subscription other = live(e -> { });
        sub.close();
        fanout.deliver(post("one"));
        assertThat(seen.events).isEmpty();
        assertThat(other.isActive()).isTrue();
    }
}
