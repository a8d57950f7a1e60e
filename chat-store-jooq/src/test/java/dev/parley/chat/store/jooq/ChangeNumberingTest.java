package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.RoomStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Change numbers under concurrency, as the SQL makes them: appends, edits, deletions, joins and departures from 8
 * threads, mixed with calls that change nothing or fail, take each room's numbers 1..N exactly once. Subclasses
 * supply the nodes (storages) sharing one database.
 */
abstract class ChangeNumberingTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 30;
    private static final long NO_SUCH_USER = 999_999_999L;

    /** Storages on one fresh database, all used at once; closed by the test. */
    abstract List<JooqChatStorage> openNodes();

    /** What the calls returned: every change number taken, per room, and each message's latest. */
    private static final class Taken {
        final Map<Long, ConcurrentLinkedQueue<Long>> byRoom = new ConcurrentHashMap<>();
        final Map<Long, Set<Long>> membershipByRoom = new ConcurrentHashMap<>();
        final Map<Long, Long> latestOfMessage = new ConcurrentHashMap<>();

        void message(Message m) {
            number(m.roomId(), m.change());
            latestOfMessage.put(m.id(), m.change());
        }

        void membership(long roomId, long change) {
            assertThat(change).as("a join or departure that changed something").isPositive();
            number(roomId, change);
            membershipByRoom.computeIfAbsent(roomId, id -> ConcurrentHashMap.newKeySet()).add(change);
        }

        void membershipIfAny(long roomId, long change) {
            if (change != 0) {
                membership(roomId, change);
            }
        }

        private void number(long roomId, long change) {
            byRoom.computeIfAbsent(roomId, id -> new ConcurrentLinkedQueue<>()).add(change);
        }
    }

    @Test
    void concurrentChangesOfEveryKindTakeEachNumberOfTheirRoomExactlyOnce() throws Exception {
        List<JooqChatStorage> nodes = openNodes();
        try {
            JooqChatStorage first = nodes.get(0);
            List<Room> rooms = List.of(TestData.room(first, "a"), TestData.room(first, "b"));
            User shared = TestData.user(first, "shared");
            List<User> users = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                users.add(TestData.user(first, "u" + t));
            }
            Taken taken = new Taken();
            TestData.inParallel(THREADS, t -> {
                JooqChatStorage node = nodes.get(t % nodes.size());
                for (int i = 0; i < ROUNDS; i++) {
                    round(node, rooms.get(i % rooms.size()), users.get(t), shared, t + "-" + i, i, taken);
                }
                return null;
            });
            for (Room room : rooms) {
                checkNumbers(first, room, taken);
            }
        } finally {
            nodes.forEach(JooqChatStorage::close);
        }
    }

    /** One thread's round in one room: changes, and calls that must take no number. */
    private static void round(JooqChatStorage node, Room room, User me, User shared, String key, int i,
            Taken taken) {
        MessageStore messages = node.messages();
        RoomStore rooms = node.rooms();
        Message m = messages.append(TestData.message(room, me, "m", key)).message();
        taken.message(m);
        AppendResult retry = messages.append(TestData.message(room, me, "m", key));
        assertThat(retry.created()).isFalse();
        assertThat(retry.message().change()).isEqualTo(m.change());
        // Fails on the sender's foreign key after the numbers were taken: the rollback must give them back.
        assertThatThrownBy(() -> messages.append(new NewMessage(room.id(), room.name(), NO_SUCH_USER, "ghost", "x",
                null, TestData.T0))).isInstanceOf(ChatException.class);
        if (i % 3 == 0) {
            taken.message(messages.edit(m.id(), "edited", TestData.T0).orElseThrow());
        }
        if (i % 4 == 0) {
            Message deleted = messages.delete(m.id(), TestData.T0).orElseThrow();
            taken.message(deleted);
            assertThat(messages.delete(m.id(), TestData.T0)).contains(deleted);
            assertThat(messages.edit(m.id(), "too late", TestData.T0)).isEmpty();
        }
        if (rooms.findMembership(room.id(), me.id()).isEmpty()) {
            taken.membership(room.id(), rooms.addMember(room.id(), me.id(), TestData.T0));
            assertThat(rooms.addMember(room.id(), me.id(), TestData.T0)).isZero();
        } else {
            taken.membership(room.id(), rooms.removeMember(room.id(), me.id(), TestData.T0));
            assertThat(rooms.removeMember(room.id(), me.id(), TestData.T0)).isZero();
        }
        // Every thread races to add and remove the same user: only calls that changed the membership count.
        taken.membershipIfAny(room.id(), rooms.addMember(room.id(), shared.id(), TestData.T0));
        taken.membershipIfAny(room.id(), rooms.removeMember(room.id(), shared.id(), TestData.T0));
    }

    private static void checkNumbers(JooqChatStorage storage, Room room, Taken taken) {
        RoomPosition position = storage.messages().position(room.id());
        assertThat(taken.byRoom.get(room.id()).stream().sorted().toList())
                .as("the numbers the calls returned: 1..lastChange, each once")
                .isEqualTo(LongStream.rangeClosed(1, position.lastChange()).boxed().toList());
        assertThat(position.lastSeq()).isEqualTo(THREADS * ROUNDS / 2);

        // Now stored: each message with its latest number (earlier ones superseded), every join and departure.
        List<Message> changed = storage.messages().findChanged(room.id(), 0, position.lastChange(), 10_000);
        assertThat(changed).hasSize((int) position.lastSeq());
        assertThat(changed).extracting(Message::change).isSorted()
                .containsExactlyElementsOf(changed.stream().map(m -> taken.latestOfMessage.get(m.id())).toList());
        List<MembershipChange> joinsAndLeaves =
                storage.rooms().findMembershipChanges(room.id(), 0, position.lastChange(), 10_000);
        assertThat(joinsAndLeaves).extracting(MembershipChange::change)
                .containsExactlyElementsOf(taken.membershipByRoom.get(room.id()).stream().sorted().toList());
        // In change order, each user's log alternates joined, left, joined...: numbers follow the membership.
        Map<Long, List<MembershipChange.Kind>> kindsByUser = joinsAndLeaves.stream().collect(Collectors.groupingBy(
                MembershipChange::userId, TreeMap::new,
                Collectors.mapping(MembershipChange::kind, Collectors.toList())));
        kindsByUser.values().forEach(kinds -> {
            for (int k = 0; k < kinds.size(); k++) {
                assertThat(kinds.get(k)).isEqualTo(k % 2 == 0
                        ? MembershipChange.Kind.JOINED : MembershipChange.Kind.LEFT);
            }
        });
    }
}
