package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RoomStore}: rooms, memberships, and joins and departures as numbered changes of their
 * room, sharing the room's counter with the {@link dev.parley.chat.core.spi.MessageStore}. Extend it in the test
 * sources of a store implementation:
 *
 * <pre>{@code
 * class MyRoomStoreTest extends RoomStoreContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 *
 * Members are users created through the same storage, so foreign keys hold.
 */
public abstract class RoomStoreContract extends StoreContractSupport {
    /** For subclasses. */
    protected RoomStoreContract() {
    }

    private List<Long> membershipChanges(Room room, long afterChange, long upToChange, int limit) {
        return rooms().findMembershipChanges(room.id(), afterChange, upToChange, limit).stream()
                .map(MembershipChange::change).toList();
    }

    private static String directName(User a, User b) {
        return "dm:" + Math.min(a.id(), b.id()) + ":" + Math.max(a.id(), b.id());
    }

    // ---- rooms ------------------------------------------------------------------------------------------------

    @Test
    void createReturnsRoomExactlyAsGivenWithPositiveId() {
        User u = createUser("alice");
        Instant t = Instant.parse("2026-01-02T03:04:05.123456Z");

        Room r = rooms().create(new NewRoom("lobby", RoomType.PRIVATE, u.id(), t));

        assertThat(r.id()).isPositive();
        assertThat(r.name()).isEqualTo("lobby");
        assertThat(r.type()).isEqualTo(RoomType.PRIVATE);
        assertThat(r.createdBy()).isEqualTo(u.id());
        assertThat(r.createdAt()).isEqualTo(t);
    }

    @Test
    void createAcceptsSystemCreatorZero() {
        Room r = rooms().create(new NewRoom("general", RoomType.PUBLIC, 0, T0));

        assertThat(r.createdBy()).isZero();
        assertThat(rooms().findById(r.id())).contains(r);
    }

    @Test
    void createAssignsDistinctIds() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(createRoom("room-" + i).id());
        }

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isPositive());
    }

    @Test
    void storesEveryRoomType() {
        User a = createUser("alice");
        User b = createUser("bob");
        Room pub = createRoom("pub", RoomType.PUBLIC);
        Room priv = createRoom("priv", RoomType.PRIVATE);
        Room direct = createRoom(directName(a, b), RoomType.DIRECT);

        assertThat(rooms().findById(pub.id())).map(Room::type).contains(RoomType.PUBLIC);
        assertThat(rooms().findById(priv.id())).map(Room::type).contains(RoomType.PRIVATE);
        assertThat(rooms().findById(direct.id())).map(Room::type).contains(RoomType.DIRECT);
    }

    @Test
    void rejectsDuplicateRoomName() {
        Room first = createRoom("lobby", RoomType.PUBLIC);

        ChatException e = catchChatException(() -> createRoom("lobby", RoomType.PRIVATE));

        assertThat(e).isInstanceOf(ConflictException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.ROOM_EXISTS);
        assertThat(rooms().findByName("lobby")).contains(first);
    }

    @Test
    void concurrentCreatesOfTheSameNameLetExactlyOneSucceed() {
        int threads = concurrentThreads();
        int rounds = 5;
        List<List<Object>> outcomes = inParallel(threads, t -> {
            List<Object> mine = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                try {
                    mine.add(rooms().create(new NewRoom("race-" + r, RoomType.PUBLIC, 0, at(t))));
                } catch (ChatException e) {
                    mine.add(e);
                }
            }
            return mine;
        });

        for (int r = 0; r < rounds; r++) {
            int round = r;
            List<Object> results = outcomes.stream().map(l -> l.get(round)).toList();
            List<Room> winners = results.stream().filter(Room.class::isInstance).map(Room.class::cast).toList();
            assertThat(winners).as("winners of race-%d", r).hasSize(1);
            assertThat(results.stream().filter(ChatException.class::isInstance).map(ChatException.class::cast))
                    .hasSize(threads - 1)
                    .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.ROOM_EXISTS));
            assertThat(rooms().findByName("race-" + r)).contains(winners.get(0));
        }
    }

    @Test
    void findByIdReturnsTheRoomOrEmpty() {
        Room r = createRoom("lobby");

        assertThat(rooms().findById(r.id())).contains(r);
        assertThat(rooms().findById(r.id() + 1000)).isEmpty();
        assertThat(rooms().findById(0)).isEmpty();
    }

    @Test
    void findByNameReturnsTheRoomOrEmpty() {
        Room r = createRoom("lobby");

        assertThat(rooms().findByName("lobby")).contains(r);
        assertThat(rooms().findByName("nowhere")).isEmpty();
    }

    @Test
    void findByNameMatchesExactlyWithoutNormalising() {
        createRoom("lobby");

        assertThat(rooms().findByName("Lobby")).isEmpty();
        assertThat(rooms().findByName("lobb")).isEmpty();
        assertThat(rooms().findByName("lobby ")).isEmpty();
    }

    @Test
    void unicodeRoomNamesRoundTripExactly() {
        Room a = createRoom("café");
        Room b = createRoom("日本語-チャット");
        Room c = createRoom("שלום");

        assertThat(rooms().findByName("café")).contains(a);
        assertThat(rooms().findByName("日本語-チャット")).contains(b);
        assertThat(rooms().findByName("שלום")).contains(c);
        assertThat(rooms().findById(b.id())).map(Room::name).contains("日本語-チャット");
    }

    // ---- visibility -------------------------------------------------------------------------------------------

    @Test
    void listVisibleToReturnsPublicRoomsAndOwnRoomsOrderedByName() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        User carol = createUser("carol");
        Room zeta = createRoom("zeta", RoomType.PUBLIC);
        Room alpha = createRoom("alpha", RoomType.PRIVATE);
        Room beta = createRoom("beta", RoomType.PRIVATE);
        Room dmAliceBob = createRoom(directName(alice, bob), RoomType.DIRECT);
        Room dmBobCarol = createRoom(directName(bob, carol), RoomType.DIRECT);
        Room delta = createRoom("delta", RoomType.PUBLIC);
        rooms().addMember(alpha.id(), alice.id(), T0);
        rooms().addMember(beta.id(), bob.id(), T0);
        rooms().addMember(dmAliceBob.id(), alice.id(), T0);
        rooms().addMember(dmAliceBob.id(), bob.id(), T0);
        rooms().addMember(dmBobCarol.id(), bob.id(), T0);
        rooms().addMember(dmBobCarol.id(), carol.id(), T0);
        rooms().addMember(delta.id(), alice.id(), T0);

        assertThat(rooms().listVisibleTo(alice.id())).containsExactly(alpha, delta, dmAliceBob, zeta);
        assertThat(rooms().listVisibleTo(carol.id())).containsExactly(delta, dmBobCarol, zeta);
    }

    @Test
    void listVisibleToWithoutMembershipsReturnsOnlyPublicRooms() {
        User loner = createUser("loner");
        Room b = createRoom("bravo", RoomType.PUBLIC);
        Room a = createRoom("alpha", RoomType.PUBLIC);
        createRoom("secret", RoomType.PRIVATE);

        assertThat(rooms().listVisibleTo(loner.id())).containsExactly(a, b);
    }

    @Test
    void listVisibleToIsEmptyWithoutRooms() {
        User u = createUser("alice");

        assertThat(rooms().listVisibleTo(u.id())).isEmpty();
    }

    @Test
    void listVisibleToFollowsMembershipChanges() {
        User u = createUser("alice");
        Room secret = createRoom("secret", RoomType.PRIVATE);

        rooms().addMember(secret.id(), u.id(), T0);
        assertThat(rooms().listVisibleTo(u.id())).containsExactly(secret);

        rooms().removeMember(secret.id(), u.id(), T0);
        assertThat(rooms().listVisibleTo(u.id())).isEmpty();
    }

    // ---- membership -------------------------------------------------------------------------------------------

    @Test
    void addMemberCreatesMembershipWithJoinTimeAndNoReadPosition() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        Instant joined = Instant.parse("2026-01-02T03:04:05.654321Z");

        assertThat(rooms().addMember(r.id(), u.id(), joined)).isPositive();

        assertThat(rooms().findMembership(r.id(), u.id())).contains(new Membership(r.id(), u.id(), joined, 0));
    }

    @Test
    void addMemberIsIdempotentAndKeepsJoinTimeAndReadPosition() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), at(1));
        rooms().markRead(r.id(), u.id(), 7);

        assertThat(rooms().addMember(r.id(), u.id(), at(2))).isZero();

        assertThat(rooms().findMembership(r.id(), u.id())).contains(new Membership(r.id(), u.id(), at(1), 7));
        assertThat(rooms().listMembers(r.id())).hasSize(1);
    }

    @Test
    void concurrentAddsOfTheSameMemberReportExactlyOneAddition() {
        User u = createUser("alice");
        Room r = createRoom("lobby");

        List<Long> added = inParallel(concurrentThreads(), t -> rooms().addMember(r.id(), u.id(), at(t)));

        assertThat(added).filteredOn(c -> c > 0).containsExactly(1L);
        assertThat(rooms().listMembers(r.id())).hasSize(1);
        assertThat(membershipChanges(r, 0, 10, 10)).containsExactly(1L);
    }

    @Test
    void findMembershipReturnsEmptyForNonMember() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), alice.id(), T0);

        assertThat(rooms().findMembership(r.id(), bob.id())).isEmpty();
        assertThat(rooms().findMembership(r.id() + 1000, alice.id())).isEmpty();
    }

    @Test
    void removeMemberRemovesTheMembershipAndIsIdempotent() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), alice.id(), T0);
        rooms().addMember(r.id(), bob.id(), T0);

        assertThat(rooms().removeMember(r.id(), alice.id(), T0)).isPositive();
        assertThat(rooms().removeMember(r.id(), alice.id(), T0)).isZero();

        assertThat(rooms().findMembership(r.id(), alice.id())).isEmpty();
        assertThat(rooms().listMembers(r.id())).extracting(Membership::userId).containsExactly(bob.id());
        assertThat(rooms().listMemberships(alice.id())).isEmpty();
    }

    @Test
    void removeMemberOfNonMemberTakesNoChange() {
        User u = createUser("alice");
        Room r = createRoom("lobby");

        assertThat(rooms().removeMember(r.id(), u.id(), T0)).isZero();
    }

    @Test
    void rejoiningAfterRemovalStartsAFreshMembership() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), at(1));
        rooms().markRead(r.id(), u.id(), 5);
        rooms().removeMember(r.id(), u.id(), T0);

        assertThat(rooms().addMember(r.id(), u.id(), at(9))).isPositive();

        assertThat(rooms().findMembership(r.id(), u.id())).contains(new Membership(r.id(), u.id(), at(9), 0));
    }

    @Test
    void listMembersIsOrderedByJoinTimeThenUserId() {
        User u1 = createUser("u1");
        User u2 = createUser("u2");
        User u3 = createUser("u3");
        User u4 = createUser("u4");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u3.id(), at(1));
        rooms().addMember(r.id(), u1.id(), at(2));
        rooms().addMember(r.id(), u4.id(), at(1));
        rooms().addMember(r.id(), u2.id(), at(1));

        List<Long> order = new ArrayList<>(List.of(u2.id(), u3.id(), u4.id()));
        Collections.sort(order);
        order.add(u1.id());
        assertThat(rooms().listMembers(r.id())).extracting(Membership::userId).containsExactlyElementsOf(order);
        assertThat(rooms().listMembers(r.id())).extracting(Membership::joinedAt)
                .containsExactly(at(1), at(1), at(1), at(2));
    }

    @Test
    void listMembersIsEmptyForRoomWithoutMembers() {
        Room r = createRoom("lobby");

        assertThat(rooms().listMembers(r.id())).isEmpty();
    }

    @Test
    void listMembersOnlyListsThatRoom() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r1 = createRoom("one");
        Room r2 = createRoom("two");
        rooms().addMember(r1.id(), alice.id(), T0);
        rooms().addMember(r2.id(), bob.id(), T0);

        assertThat(rooms().listMembers(r1.id())).containsExactly(new Membership(r1.id(), alice.id(), T0, 0));
    }

    @Test
    void listMembershipsReturnsEveryRoomOfTheUser() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r1 = createRoom("one");
        Room r2 = createRoom("two", RoomType.PRIVATE);
        Room r3 = createRoom("three");
        rooms().addMember(r1.id(), alice.id(), at(1));
        rooms().addMember(r2.id(), alice.id(), at(2));
        rooms().addMember(r3.id(), bob.id(), at(3));
        rooms().markRead(r2.id(), alice.id(), 4);

        assertThat(rooms().listMemberships(alice.id())).containsExactlyInAnyOrder(
                new Membership(r1.id(), alice.id(), at(1), 0),
                new Membership(r2.id(), alice.id(), at(2), 4));
        assertThat(rooms().listMemberships(createUser("nobody").id())).isEmpty();
    }

    // ---- membership changes -----------------------------------------------------------------------------------

    @Test
    void addAndRemoveMemberReturnTheRoomsNextChangeAndZeroForANoOp() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");

        assertThat(rooms().addMember(r.id(), alice.id(), T0)).isEqualTo(1);
        assertThat(rooms().addMember(r.id(), bob.id(), T0)).isEqualTo(2);
        assertThat(rooms().addMember(r.id(), alice.id(), T0)).isZero();
        assertThat(rooms().removeMember(r.id(), alice.id(), T0)).isEqualTo(3);
        assertThat(rooms().removeMember(r.id(), alice.id(), T0)).isZero();
        assertThat(rooms().addMember(r.id(), alice.id(), T0)).isEqualTo(4);

        assertThat(messages().position(r.id())).isEqualTo(new RoomPosition(0, 4));
    }

    @Test
    void findMembershipChangesKeepsEveryJoinAndLeaveInOrder() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), alice.id(), at(1));
        rooms().addMember(r.id(), bob.id(), at(2));
        rooms().removeMember(r.id(), alice.id(), at(3));
        rooms().addMember(r.id(), alice.id(), at(4));

        assertThat(rooms().findMembershipChanges(r.id(), 0, 4, 10)).containsExactly(
                new MembershipChange(r.id(), 1, alice.id(), MembershipChange.Kind.JOINED, at(1)),
                new MembershipChange(r.id(), 2, bob.id(), MembershipChange.Kind.JOINED, at(2)),
                new MembershipChange(r.id(), 3, alice.id(), MembershipChange.Kind.LEFT, at(3)),
                new MembershipChange(r.id(), 4, alice.id(), MembershipChange.Kind.JOINED, at(4)));
    }

    @Test
    void findMembershipChangesReadsAfterExclusiveUpToInclusiveAndStopsAtTheLimit() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        for (int i = 0; i < 3; i++) {
            rooms().addMember(r.id(), u.id(), T0);
            rooms().removeMember(r.id(), u.id(), T0);
        }

        assertThat(membershipChanges(r, 1, 4, 10)).containsExactly(2L, 3L, 4L);
        assertThat(membershipChanges(r, 1, 6, 2)).containsExactly(2L, 3L);
        assertThat(membershipChanges(r, 4, 100, 10)).containsExactly(5L, 6L);
        assertThat(membershipChanges(r, 4, 4, 10)).isEmpty();
        assertThat(membershipChanges(r, 6, 9, 10)).isEmpty();
        assertThat(membershipChanges(r, 0, 0, 10)).isEmpty();
    }

    @Test
    void findMembershipChangesIsEmptyForARoomWithoutChangesAndReadsOnlyThatRoom() {
        User u = createUser("alice");
        Room quiet = createRoom("quiet");
        Room busy = createRoom("busy");
        rooms().addMember(busy.id(), u.id(), T0);

        assertThat(rooms().findMembershipChanges(quiet.id(), 0, 10, 10)).isEmpty();
        assertThat(rooms().findMembershipChanges(busy.id() + 1000, 0, 10, 10)).isEmpty();
        assertThat(rooms().findMembershipChanges(busy.id(), 0, 10, 10))
                .extracting(MembershipChange::roomId).containsExactly(busy.id());
    }

    @Test
    void joinsAndLeavesShareTheChangeCounterWithMessages() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");
        Message first = post(r, alice, "first");

        long joined = join(r, bob);
        Message second = post(r, bob, "second");
        long left = leave(r, bob);

        assertThat(List.of(first.change(), joined, second.change(), left)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(membershipChanges(r, 0, 4, 10)).containsExactly(2L, 4L);
        assertThat(messages().position(r.id())).isEqualTo(new RoomPosition(2, 4));
    }

    @Test
    void eachRoomNumbersItsMembershipChangesIndependently() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");

        assertThat(join(a, alice)).isEqualTo(1);
        assertThat(join(b, alice)).isEqualTo(1);
        assertThat(leave(a, alice)).isEqualTo(2);
        assertThat(membershipChanges(b, 0, 10, 10)).containsExactly(1L);
    }

    // ---- read positions ---------------------------------------------------------------------------------------

    @Test
    void markReadMovesTheReadPositionForward() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), T0);

        assertThat(rooms().markRead(r.id(), u.id(), 3)).isTrue();
        assertThat(rooms().findMembership(r.id(), u.id())).map(Membership::lastReadSeq).contains(3L);

        assertThat(rooms().markRead(r.id(), u.id(), 10)).isTrue();
        assertThat(rooms().findMembership(r.id(), u.id())).map(Membership::lastReadSeq).contains(10L);
    }

    @Test
    void markReadNeverMovesTheReadPositionBack() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), T0);
        rooms().markRead(r.id(), u.id(), 10);

        assertThat(rooms().markRead(r.id(), u.id(), 4)).isTrue();
        assertThat(rooms().markRead(r.id(), u.id(), 10)).isTrue();
        assertThat(rooms().markRead(r.id(), u.id(), 0)).isTrue();

        assertThat(rooms().findMembership(r.id(), u.id())).map(Membership::lastReadSeq).contains(10L);
    }

    @Test
    void markReadReturnsFalseForNonMemberAndCreatesNoMembership() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), alice.id(), T0);

        assertThat(rooms().markRead(r.id(), bob.id(), 5)).isFalse();

        assertThat(rooms().findMembership(r.id(), bob.id())).isEmpty();
        assertThat(rooms().findMembership(r.id(), alice.id())).map(Membership::lastReadSeq).contains(0L);
    }

    @Test
    void markReadAfterRemovalReturnsFalse() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), T0);
        rooms().removeMember(r.id(), u.id(), T0);

        assertThat(rooms().markRead(r.id(), u.id(), 5)).isFalse();
        assertThat(rooms().findMembership(r.id(), u.id())).isEmpty();
    }

    @Test
    void markReadOnlyAffectsThatMembership() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room r1 = createRoom("one");
        Room r2 = createRoom("two");
        rooms().addMember(r1.id(), alice.id(), T0);
        rooms().addMember(r1.id(), bob.id(), T0);
        rooms().addMember(r2.id(), alice.id(), T0);

        rooms().markRead(r1.id(), alice.id(), 9);

        assertThat(rooms().findMembership(r1.id(), bob.id())).map(Membership::lastReadSeq).contains(0L);
        assertThat(rooms().findMembership(r2.id(), alice.id())).map(Membership::lastReadSeq).contains(0L);
    }

    @Test
    void concurrentMarkReadsKeepTheMaximum() {
        User u = createUser("alice");
        Room r = createRoom("lobby");
        rooms().addMember(r.id(), u.id(), T0);
        int threads = concurrentThreads();
        int perThread = Math.min(operationsPerThread(), 100);

        List<Boolean> allTrue = inParallel(threads, t -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 1; i <= perThread; i++) {
                seqs.add((long) i * threads + t);
            }
            Collections.shuffle(seqs, new Random(t));
            boolean ok = true;
            for (long s : seqs) {
                ok &= rooms().markRead(r.id(), u.id(), s);
            }
            return ok;
        });

        assertThat(allTrue).containsOnly(true);
        assertThat(rooms().findMembership(r.id(), u.id())).map(Membership::lastReadSeq)
                .contains((long) perThread * threads + threads - 1);
    }
}
