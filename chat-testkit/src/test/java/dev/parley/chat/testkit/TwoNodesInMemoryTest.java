package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.UserListener;
import dev.parley.chat.core.cluster.ClusterFanout;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.memory.InMemoryPresenceRegistry;
import dev.parley.chat.core.spi.PresenceRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two services on one storage and one presence registry, with cluster fan-outs over an in-memory bus: the core's
 * cross-node behaviour without a database or a bus server (the server's cluster tests run it on the real ones).
 */
class TwoNodesInMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MemoryBusNetwork network = new MemoryBusNetwork();
    private final InMemoryChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryPresenceRegistry registry = new InMemoryPresenceRegistry(Clock.systemUTC());
    private final ChatService a = node();
    private final ChatService b = node();

    private ChatService node() {
        return ChatService.builder().storage(storage).passwordHasher(new FastTestPasswordHasher())
                .fanout(ClusterFanout.builder(network.bus()).probeInterval(Duration.ofMillis(50)).build())
                .presenceRegistry(registry)
                .settings(ChatSettings.builder().presenceTtl(Duration.ofMillis(300))
                        .feedRecheckInterval(Duration.ofMillis(200)).build())
                .build();
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void aMessageSentOnOneNodeReachesASubscriberOnTheOtherInOrder() {
        User alice = a.register("alice", "password-alice");
        User bob = b.register("bob", "password-bob");
        RecordingListener bobSees = new RecordingListener();
        try (RoomSubscription sub = b.subscribe(bob, "general", StreamStart.live(), bobSees)) {
            Message first = a.send(alice, "general", "one", null);
            Message second = a.send(alice, "general", "two", null);
            Message edited = a.edit(alice, first.id(), "one, edited");
            bobSees.awaitAll(java.util.List.of(new ChatEvent.MessagePosted(second),
                    new ChatEvent.MessageEdited(edited)), WAIT);
            assertThat(bobSees.events()).filteredOn(ChatEvent.RoomChange.class::isInstance)
                    .extracting(e -> ((ChatEvent.RoomChange) e).change()).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void presenceCrossesNodesBothWays() {
        User alice = a.register("alice", "password-alice");
        User bob = b.register("bob", "password-bob");
        RecordingListener aliceSees = new RecordingListener();
        try (RoomSubscription onA = a.subscribe(alice, "general", StreamStart.live(), aliceSees)) {
            RecordingListener bobSees = new RecordingListener();
            RoomSubscription onB = b.subscribe(bob, "general", StreamStart.live(), bobSees);
            long room = storage.rooms().findByName("general").orElseThrow().id();
            // Alice's node writes her presence in the background: bob learns of her from the list or just after.
            assertThat(onB.online()).contains("bob");
            if (!onB.online().contains("alice")) {
                bobSees.awaitEvent(new ChatEvent.Presence(room, "general", alice.id(), "alice", true), WAIT);
            }
            aliceSees.awaitEvent(new ChatEvent.Presence(room, "general", bob.id(), "bob", true), WAIT);
            onB.close();
            aliceSees.awaitEvent(new ChatEvent.Presence(room, "general", bob.id(), "bob", false), WAIT);
        }
    }

    @Test
    void aNodeWritesItsOwnPresenceAgainWhenTheRegistryLostIt() {
        User bob = b.register("bob", "password-bob");
        long room = storage.rooms().findByName("general").orElseThrow().id();
        try (RoomSubscription onB = b.subscribe(bob, "general", StreamStart.live(), new RecordingListener())) {
            await(() -> !registry.online(room).isEmpty(), "bob in the registry");
            String node = registry.online(room).get(0).node();
            registry.forget(node); // as an unlogged table after a database crash
            await(() -> registry.online(room).stream().map(PresenceRegistry.Entry::userId)
                    .anyMatch(id -> id == bob.id()), "bob written again by his node");
        }
    }

    @Test
    void aLogoutOnOneNodeEndsTheSessionsWatchOnTheOther() throws InterruptedException {
        b.register("bob", "password-bob");
        LoginResult login = b.login("bob", "password-bob");
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (Subscription watch = b.watchUser(login.user(), login.token(), new UserListener() {
            @Override
            public void onSessionEnded() {
                heard.add("ended");
            }
        })) {
            a.logout(login.token());
            assertThat(heard.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ended");
        }
    }

    @Test
    void aRoomAddedOnOneNodeReachesTheUsersWatchOnTheOther() throws InterruptedException {
        User alice = a.register("alice", "password-alice");
        b.register("bob", "password-bob");
        LoginResult login = b.login("bob", "password-bob");
        BlockingQueue<Room> heard = new LinkedBlockingQueue<>();
        try (Subscription watch = b.watchUser(login.user(), login.token(), new UserListener() {
            @Override
            public void onRoomAdded(Room room) {
                heard.add(room);
            }
        })) {
            Room club = a.createRoom(alice, "club", RoomType.PRIVATE);
            a.addMember(alice, "club", "bob");
            assertThat(heard.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(club);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
