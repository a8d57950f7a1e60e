package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feed's repair of an unreliable fan-out, driven by a fan-out the test controls: hints are dropped, doubled
 * and reordered on purpose, and the real in-memory store is the truth.
 */
class RoomFeedsTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** A fan-out that delivers only what the test hands it, when the test says. */
    private static final class ScriptedFanout implements Fanout {
        final List<Consumer<ChatEvent>> listeners = new CopyOnWriteArrayList<>();
        int closedSubscriptions;

        void deliver(ChatEvent e) {
            listeners.forEach(l -> l.accept(e));
        }

        @Override
        public void publish(ChatEvent event) {
        }

        @Override
        public Subscription subscribe(long roomId, Consumer<ChatEvent> listener) {
            listeners.add(listener);
            return new Subscription() {
                boolean active = true;

                @Override
                public boolean isActive() {
                    return active;
                }

                @Override
                public void close() {
                    if (active) {
                        active = false;
                        listeners.remove(listener);
                        closedSubscriptions++;
                    }
                }
            };
        }

        @Override
        public void close() {
        }
    }

    private final ScriptedFanout fanout = new ScriptedFanout();
    private InMemoryChatStorage storage;
    private MessageStore messages;
    private RoomFeeds feeds;
    private long roomId;
    private long userId;

    @BeforeEach
    void setUp() {
        storage = InMemoryChatStorage.create();
        messages = storage.messages();
        userId = storage.users().create(new NewUser("alice", "alice", null, T)).id();
        roomId = storage.rooms().create(new NewRoom("room", RoomType.PUBLIC, 0, T)).id();
        feeds = new RoomFeeds(fanout, messages);
    }

    private ChatEvent store(String body) {
        return new ChatEvent.MessagePosted(
                messages.append(new NewMessage(roomId, "room", userId, "alice", body, null, T)).message());
    }

    private static List<Long> seqs(List<ChatEvent> events) {
        return events.stream().filter(e -> e instanceof ChatEvent.MessagePosted)
                .map(e -> ((ChatEvent.MessagePosted) e).message().seq()).collect(Collectors.toList());
    }

    @Test
    void fillsTheGapFromTheStoreWhenAHintIsDropped() {
        List<ChatEvent> seen = new ArrayList<>();
        feeds.subscribe(roomId, userId, -1, 100, seen::add);
        store("one");
        store("two");
        ChatEvent three = store("three");
        fanout.deliver(three);
        assertThat(seqs(seen)).containsExactly(1L, 2L, 3L);
        assertThat(seen.get(2)).isSameAs(three);
    }

    @Test
    void dropsDuplicateAndStaleHints() {
        List<ChatEvent> seen = new ArrayList<>();
        feeds.subscribe(roomId, userId, -1, 100, seen::add);
        ChatEvent one = store("one");
        ChatEvent two = store("two");
        fanout.deliver(one);
        fanout.deliver(one);
        fanout.deliver(two);
        fanout.deliver(one);
        assertThat(seqs(seen)).containsExactly(1L, 2L);
    }

    @Test
    void deliversReorderedHintsInSequenceOrder() {
        List<ChatEvent> seen = new ArrayList<>();
        feeds.subscribe(roomId, userId, -1, 100, seen::add);
        ChatEvent one = store("one");
        ChatEvent two = store("two");
        fanout.deliver(two);
        fanout.deliver(one);
        assertThat(seqs(seen)).containsExactly(1L, 2L);
    }

    @Test
    void joinsLiveAfterWhatIsAlreadyStored() {
        store("old");
        List<ChatEvent> seen = new ArrayList<>();
        feeds.subscribe(roomId, userId, -1, 100, seen::add);
        fanout.deliver(store("new"));
        assertThat(seqs(seen)).containsExactly(2L);
    }

    @Test
    void replaysFromTheStoreBeforeGoingLive() {
        store("a");
        store("b");
        store("c");
        List<ChatEvent> seen = new ArrayList<>();
        feeds.subscribe(roomId, userId, 1, 100, seen::add);
        fanout.deliver(store("d"));
        assertThat(seqs(seen)).containsExactly(2L, 3L, 4L);
    }

    @Test
    void handsTheSameEventInstanceToEverySubscriber() {
        List<ChatEvent> first = new ArrayList<>();
        List<ChatEvent> second = new ArrayList<>();
        feeds.subscribe(roomId, userId, -1, 100, first::add);
        feeds.subscribe(roomId, userId, -1, 100, second::add);
        store("one");
        fanout.deliver(store("two")); // the gap-filled "one" must be shared too
        assertThat(first).hasSize(2);
        assertThat(second.get(0)).isSameAs(first.get(0));
        assertThat(second.get(1)).isSameAs(first.get(1));
    }

    @Test
    void closesOnlyTheSubscriptionWhoseListenerThrows() {
        List<ChatEvent> healthy = new ArrayList<>();
        Subscription broken = feeds.subscribe(roomId, userId, -1, 100, e -> {
            throw new IllegalStateException("boom");
        });
        Subscription ok = feeds.subscribe(roomId, userId, -1, 100, healthy::add);
        fanout.deliver(store("one"));
        fanout.deliver(store("two"));
        assertThat(broken.isActive()).isFalse();
        assertThat(ok.isActive()).isTrue();
        assertThat(seqs(healthy)).containsExactly(1L, 2L);
    }

    @Test
    void releasesTheFanoutSubscriptionWithTheLastLocalSubscriber() {
        Subscription a = feeds.subscribe(roomId, userId, -1, 100, e -> { });
        Subscription b = feeds.subscribe(roomId, userId, -1, 100, e -> { });
        assertThat(fanout.listeners).hasSize(1);
        assertThat(feeds.activeRooms()).isEqualTo(1);
        a.close();
        assertThat(fanout.closedSubscriptions).isZero();
        b.close();
        b.close();
        assertThat(fanout.closedSubscriptions).isEqualTo(1);
        assertThat(feeds.activeRooms()).isZero();
    }

    @Test
    void deliversNothingAfterClose() {
        List<ChatEvent> seen = new ArrayList<>();
        Subscription sub = feeds.subscribe(roomId, userId, -1, 100, seen::add);
        Subscription other = feeds.subscribe(roomId, userId, -1, 100, e -> { });
        sub.close();
        fanout.deliver(store("one"));
        assertThat(seen).isEmpty();
        assertThat(other.isActive()).isTrue();
    }

    @Test
    void endsOnTheSubscribersOwnLeaveEventButNotOnOthers() {
        List<ChatEvent> seen = new ArrayList<>();
        Subscription sub = feeds.subscribe(roomId, userId, -1, 100, seen::add);
        var bob = new dev.parley.chat.core.User(userId + 1, "bob", T);
        var alice = new dev.parley.chat.core.User(userId, "alice", T);
        fanout.deliver(new ChatEvent.MemberLeft(roomId, "room", bob));
        assertThat(sub.isActive()).isTrue();
        fanout.deliver(new ChatEvent.MemberLeft(roomId, "room", alice));
        assertThat(sub.isActive()).isFalse();
        assertThat(seen).hasSize(2);
        Message m = ((ChatEvent.MessagePosted) store("x")).message();
        fanout.deliver(new ChatEvent.MessagePosted(m));
        assertThat(seen).hasSize(2);
    }
}
