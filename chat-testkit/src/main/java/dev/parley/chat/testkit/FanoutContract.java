package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Fanout}: events reach the subscribers of their room, on this node, and nobody else. Extend
 * it in the test sources of a fan-out implementation:
 *
 * <pre>{@code
 * class MyFanoutTest extends FanoutContract {
 *     @Override
 *     protected Fanout createFanout() {
 *         return MyFanout.connect(testBus()); // closed after each test
 *     }
 * }
 * }</pre>
 *
 * Deliveries may be asynchronous (a cross-node bus): every expected delivery is awaited for up to
 * {@link #deliveryTimeout()}, and the absence of a delivery is checked for {@link #quietPeriod()} only after a
 * positive delivery has shown that events are flowing. A fan-out is a hint that may drop events under load or
 * failure; these tests expect none to be dropped in their quiet, healthy conditions.
 */
public abstract class FanoutContract {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    static final long ROOM = 101;
    static final long OTHER_ROOM = 202;

    private Fanout fanout;
    private boolean closed;
    private final List<Subscription> subscriptions = new ArrayList<>();

    /** For subclasses. */
    protected FanoutContract() {
    }

    /**
     * Creates the fan-out under test. Called before every test; it is closed after the test unless the test closed
     * it itself. Fan-outs created by successive calls must not deliver to each other.
     *
     * @return a new fan-out
     */
    protected abstract Fanout createFanout();

    /**
     * The longest wait for an expected delivery.
     *
     * @return 5 seconds unless overridden
     */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }

    /**
     * How long to watch for a delivery that must not happen.
     *
     * @return 200 milliseconds unless overridden
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    /** Creates the fan-out for the next test. */
    @BeforeEach
    protected final void openFanout() {
        fanout = createFanout();
        closed = false;
        assertThat(fanout).as("createFanout()").isNotNull();
    }

    /** Closes the subscriptions and the fan-out after each test. */
    @AfterEach
    protected final void closeFanout() {
        subscriptions.forEach(Subscription::close);
        subscriptions.clear();
        if (fanout != null && !closed) {
            fanout.close();
        }
        fanout = null;
    }

    /**
     * The fan-out under test.
     *
     * @return the fan-out created for the current test
     */
    protected final Fanout fanout() {
        return fanout;
    }

    /** Registers a subscription to be closed after the test. */
    final void closeAfterTest(Subscription s) {
        subscriptions.add(s);
    }

    private Subscription subscribe(long roomId, RecordingListener listener) {
        Subscription s = fanout.subscribe(roomId, listener);
        assertThat(s).as("subscription").isNotNull();
        subscriptions.add(s);
        return s;
    }

    static ChatEvent.MessagePosted posted(long roomId, long seq) {
        return new ChatEvent.MessagePosted(message(roomId, seq, "message " + seq, null, false));
    }

    private static Message message(long roomId, long seq, String body, Instant editedAt, boolean deleted) {
        return new Message(roomId * 1_000 + seq, roomId, "room-" + roomId, seq, seq, 7, "alice", body, T0, "c-" + seq,
                editedAt, deleted);
    }

    // ---- delivery ---------------------------------------------------------------------------------------------

    @Test
    void deliversAPublishedEventToASubscriberOfItsRoom() {
        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        ChatEvent event = posted(ROOM, 1);

        fanout.publish(event);

        assertThat(listener.awaitEvent(event, deliveryTimeout())).contains(event);
    }

    @Test
    void deliversEveryEventTypeIntact() {
        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        User bob = new User(8, "bob", T0);
        List<ChatEvent> events = List.of(
                posted(ROOM, 1),
                new ChatEvent.MessageEdited(message(ROOM, 1, "edited 👋🏽 日本語", T0.plusSeconds(1), false)),
                new ChatEvent.MessageDeleted(message(ROOM, 1, "", T0.plusSeconds(2), true)),
                new ChatEvent.MemberJoined(ROOM, "room-" + ROOM, bob, 2),
                new ChatEvent.MemberLeft(ROOM, "room-" + ROOM, bob, 3),
                new ChatEvent.Typing(ROOM, "room-" + ROOM, bob));

        events.forEach(fanout::publish);

        List<ChatEvent> received = listener.awaitAll(events, deliveryTimeout());
        assertThat(received).containsAll(events);
    }

    @Test
    void deliversToEverySubscriberOfTheRoom() {
        List<RecordingListener> listeners = List.of(new RecordingListener(), new RecordingListener(),
                new RecordingListener());
        listeners.forEach(l -> subscribe(ROOM, l));
        ChatEvent event = posted(ROOM, 1);

        fanout.publish(event);

        for (RecordingListener l : listeners) {
            assertThat(l.awaitEvent(event, deliveryTimeout())).contains(event);
        }
    }

    @Test
    void doesNotDeliverToSubscribersOfOtherRooms() {
        RecordingListener inRoom = new RecordingListener();
        RecordingListener inOther = new RecordingListener();
        subscribe(ROOM, inRoom);
        subscribe(OTHER_ROOM, inOther);
        ChatEvent forOther = posted(OTHER_ROOM, 1);

        fanout.publish(forOther);

        inOther.awaitEvent(forOther, deliveryTimeout());
        inRoom.assertNothingFor(quietPeriod());
        assertThat(inOther.events()).allSatisfy(e -> assertThat(e.roomId()).isEqualTo(OTHER_ROOM));
    }

    @Test
    void oneListenerMaySubscribeToSeveralRooms() {
        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        subscribe(OTHER_ROOM, listener);
        ChatEvent a = posted(ROOM, 1);
        ChatEvent b = posted(OTHER_ROOM, 1);

        fanout.publish(a);
        fanout.publish(b);

        assertThat(listener.awaitAll(List.of(a, b), deliveryTimeout())).contains(a, b);
    }

    @Test
    void publishingToARoomWithoutSubscribersIsHarmless() {
        assertThatCode(() -> fanout.publish(posted(OTHER_ROOM, 1))).doesNotThrowAnyException();

        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        ChatEvent event = posted(ROOM, 1);
        fanout.publish(event);
        listener.awaitEvent(event, deliveryTimeout());
    }

    @Test
    void deliversEventsPublishedConcurrentlyFromSeveralThreads() throws InterruptedException {
        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        int threads = 8;
        int perThread = 50;
        List<ChatEvent> all = new ArrayList<>();
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<ChatEvent> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(posted(ROOM, (long) t * perThread + i + 1));
            }
            all.addAll(mine);
            publishers.add(new Thread(() -> mine.forEach(fanout::publish), "publisher-" + t));
        }

        publishers.forEach(Thread::start);
        for (Thread p : publishers) {
            p.join(deliveryTimeout().toMillis());
        }

        assertThat(listener.awaitAll(all, deliveryTimeout())).containsAll(all);
    }

    // ---- subscriptions ----------------------------------------------------------------------------------------

    @Test
    void subscriptionIsActiveUntilClosedAndClosingTwiceIsHarmless() {
        Subscription s = subscribe(ROOM, new RecordingListener());

        assertThat(s.isActive()).isTrue();
        s.close();
        assertThat(s.isActive()).isFalse();
        assertThatCode(s::close).doesNotThrowAnyException();
        assertThat(s.isActive()).isFalse();
    }

    @Test
    void closedSubscriptionReceivesNothingMore() {
        RecordingListener closing = new RecordingListener();
        RecordingListener staying = new RecordingListener();
        Subscription s = subscribe(ROOM, closing);
        subscribe(ROOM, staying);
        ChatEvent before = posted(ROOM, 1);
        fanout.publish(before);
        closing.awaitEvent(before, deliveryTimeout());
        staying.awaitEvent(before, deliveryTimeout());

        s.close();
        ChatEvent after = posted(ROOM, 2);
        fanout.publish(after);

        staying.awaitEvent(after, deliveryTimeout());
        closing.assertNoneFor(after::equals, quietPeriod());
    }

    @Test
    void subscriptionClosedBeforeAnyPublishReceivesNothing() {
        RecordingListener closing = new RecordingListener();
        RecordingListener staying = new RecordingListener();
        subscribe(ROOM, closing).close();
        subscribe(ROOM, staying);
        ChatEvent event = posted(ROOM, 1);

        fanout.publish(event);

        staying.awaitEvent(event, deliveryTimeout());
        closing.assertNothingFor(quietPeriod());
    }

    @Test
    void throwingListenerDoesNotStopOthers() {
        RecordingListener first = new RecordingListener();
        RecordingListener last = new RecordingListener();
        subscribe(ROOM, first);
        subscriptions.add(fanout.subscribe(ROOM, e -> {
            throw new IllegalStateException("listener failure (expected by the test)");
        }));
        subscribe(ROOM, last);
        ChatEvent one = posted(ROOM, 1);
        ChatEvent two = posted(ROOM, 2);

        assertThatCode(() -> {
            fanout.publish(one);
            fanout.publish(two);
        }).doesNotThrowAnyException();

        first.awaitAll(List.of(one, two), deliveryTimeout());
        last.awaitAll(List.of(one, two), deliveryTimeout());
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------

    @Test
    void closingTheFanoutStopsDelivery() {
        RecordingListener listener = new RecordingListener();
        subscribe(ROOM, listener);
        ChatEvent before = posted(ROOM, 1);
        fanout.publish(before);
        listener.awaitEvent(before, deliveryTimeout());

        fanout.close();
        closed = true;
        ChatEvent after = posted(ROOM, 2);
        try {
            fanout.publish(after);
        } catch (RuntimeException e) {
            // Whether publishing after close fails or is ignored is up to the implementation.
        }

        listener.assertNoneFor(after::equals, quietPeriod());
    }

    // ---- notices ----------------------------------------------------------------------------------------------

    @Test
    void deliversEveryNoticeToThisNodesNoticeListeners() {
        List<Notice> seen = new CopyOnWriteArrayList<>();
        subscriptions.add(fanout.subscribeNotices(seen::add));
        List<Notice> notices = List.of(new Notice.SessionEnded("hash-1"), new Notice.RoomAdded(7, ROOM),
                new Notice.PresenceChanged(fanout.nodeId(), ROOM, "room 101", 7, "alice", true),
                new Notice.Mentioned(7, ROOM, 42));
        notices.forEach(fanout::publish);
        awaitTrue(() -> seen.containsAll(notices), "notices " + notices + " delivered, saw " + seen);
    }

    @Test
    void aClosedNoticeSubscriptionReceivesNothingMore() {
        List<Notice> seen = new CopyOnWriteArrayList<>();
        Subscription s = fanout.subscribeNotices(seen::add);
        fanout.publish(new Notice.SessionEnded("before"));
        awaitTrue(() -> seen.contains(new Notice.SessionEnded("before")), "first notice delivered");
        s.close();
        assertThat(s.isActive()).isFalse();
        fanout.publish(new Notice.SessionEnded("after"));
        sleep(quietPeriod());
        assertThat(seen).doesNotContain(new Notice.SessionEnded("after"));
    }

    @Test
    void hasANodeId() {
        assertThat(fanout.nodeId()).matches("[A-Za-z0-9._-]{1,64}");
    }

    void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            sleep(Duration.ofMillis(10));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
