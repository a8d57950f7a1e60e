package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.RoomStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link ChatStorage}'s change streams, across its {@link RoomStore} and {@link MessageStore}:
 * every change to a room (a message posted, edited or deleted, a member joining or leaving) takes the room's next
 * change number from one counter the two stores share, 1, 2, 3, … with no gaps and no duplicates under any number
 * of concurrent writers; a reader that reads {@link MessageStore#position} and then both stores up to it sees every
 * change already acknowledged, and misses only message states superseded since; and rooms never share numbers.
 * Extend it in the test sources of a storage implementation:
 *
 * <pre>{@code
 * class MyChangeStreamTest extends ChangeStreamContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 *
 * Each test runs {@link #concurrentThreads()} threads doing {@link #operationsPerThread()} mixed writes each; override
 * those for a slow store, but keep at least 8 threads.
 */
public abstract class ChangeStreamContract extends StoreContractSupport {
    /** Messages that every writer of a room edits. */
    private static final int SHARED_MESSAGES = 4;
    /** How many change numbers back from the position a concurrent reader reads. */
    private static final int READ_WINDOW = 100;
    /** The page size of {@link #read}; smaller than the window, so that reads page. */
    private static final int PAGE = 40;

    /** For subclasses. */
    protected ChangeStreamContract() {
    }

    /**
     * One numbered change: what it changed, and for a message the state it produced ({@code null} for a join or a
     * departure). Writers record what their calls returned; readers what the stores returned.
     */
    private record Change(long number, String what, Message state) {
        static Change of(Message m) {
            return new Change(m.change(), "message " + m.id(), m);
        }

        static Change of(long number, long userId, MembershipChange.Kind kind) {
            return new Change(number, kind + " user " + userId, null);
        }

        boolean isMessage() {
            return state != null;
        }
    }

    /** What a concurrent reader read in {@code (after, bound]}, after reading {@code bound} as the position. */
    private record Snapshot(long after, long bound, List<Change> read) {
    }

    /** One room, its writers, and the changes made to set it up. */
    private final class RoomWork {
        final Room room;
        final List<User> writers = new ArrayList<>();
        final List<Message> shared = new ArrayList<>();
        final List<Change> setUp = new ArrayList<>();

        /** Creates the room, its writers (all members) and the messages they all edit. */
        RoomWork(String name, int writerCount) {
            room = createRoom(name);
            User host = createUser(name + "-host");
            setUp.add(Change.of(join(room, host), host.id(), MembershipChange.Kind.JOINED));
            for (int w = 0; w < writerCount; w++) {
                User writer = createUser(name + "-writer" + w);
                writers.add(writer);
                setUp.add(Change.of(join(room, writer), writer.id(), MembershipChange.Kind.JOINED));
            }
            for (int i = 0; i < SHARED_MESSAGES; i++) {
                Message m = post(room, host, "shared " + i);
                shared.add(m);
                setUp.add(Change.of(m));
            }
        }

        /**
         * One writer's work: posts (with and without a client message id), edits of its own and of shared messages,
         * deletes, leaves and joins, each followed where possible by a call that must change nothing.
         *
         * @param writer the writer's index in {@link #writers}
         * @param operations how many changes to make
         * @param committed told each change number a call returned, once the call has returned
         * @return the changes this writer's calls made, in call order
         */
        List<Change> write(int writer, int operations, LongConsumer committed) {
            User me = writers.get(writer);
            List<Change> made = new ArrayList<>(operations);
            List<Message> mine = new ArrayList<>(); // not deleted, in their current state
            boolean member = true;
            for (int i = 0; i < operations; i++) {
                Change change;
                String body = me.username() + " " + i;
                switch (i % 6) {
                    case 0 -> {
                        String key = me.username() + "-" + i;
                        AppendResult r = messages().append(newMessage(room, me, body, key));
                        assertThat(r.created()).as("append %s", key).isTrue();
                        AppendResult retry = messages().append(newMessage(room, me, body, key));
                        assertThat(retry.created()).as("retry of %s", key).isFalse();
                        assertThat(retry.message().change()).as("retry of %s", key).isEqualTo(r.message().change());
                        mine.add(r.message());
                        change = Change.of(r.message());
                    }
                    case 1 -> {
                        Message target = shared.get((writer + i) % shared.size());
                        change = Change.of(messages().edit(target.id(), body, at(i)).orElseThrow(
                                () -> new AssertionError("shared message " + target.id() + " not editable")));
                    }
                    case 2 -> {
                        Message m = post(room, me, body);
                        mine.add(m);
                        change = Change.of(m);
                    }
                    case 3 -> {
                        Message own = mine.remove(mine.size() - 1);
                        Message edited = messages().edit(own.id(), body, at(i)).orElseThrow(
                                () -> new AssertionError("own message " + own.id() + " not editable"));
                        mine.add(edited);
                        change = Change.of(edited);
                    }
                    case 4 -> {
                        if (member) {
                            change = Change.of(leave(room, me), me.id(), MembershipChange.Kind.LEFT);
                            assertThat(rooms().removeMember(room.id(), me.id(), at(i))).as("second leave").isZero();
                        } else {
                            change = Change.of(join(room, me), me.id(), MembershipChange.Kind.JOINED);
                            assertThat(rooms().addMember(room.id(), me.id(), at(i))).as("second join").isZero();
                        }
                        member = !member;
                    }
                    default -> {
                        Message own = mine.remove(0);
                        Message deleted = messages().delete(own.id(), at(i)).orElseThrow();
                        assertThat(messages().delete(own.id(), at(i + 1))).as("second delete").contains(deleted);
                        assertThat(messages().edit(own.id(), body, at(i + 1))).as("edit of a deleted message")
                                .isEmpty();
                        change = Change.of(deleted);
                    }
                }
                made.add(change);
                committed.accept(change.number());
            }
            return made;
        }

        /**
         * Checks, after the writers have finished, that the room's changes are exactly {@code 1..N}, that
         * {@link MessageStore#position} is at {@code N}, and that reading the stream returns every join and
         * departure and every message once, in the state of its newest change.
         */
        void assertDenseAndComplete(List<List<Change>> written) {
            List<Change> all = new ArrayList<>(setUp);
            written.forEach(all::addAll);
            all.sort(Comparator.comparingLong(Change::number));
            int n = all.size();
            assertThat(all).extracting(Change::number).as("change numbers of %s", room.name())
                    .containsExactlyElementsOf(range(1, n));
            for (List<Change> one : written) {
                assertThat(one).extracting(Change::number).as("one writer's changes follow its call order")
                        .isSorted();
            }
            long posts = all.stream().filter(Change::isMessage).map(Change::what).distinct().count();
            assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(posts, n));
            assertThat(read(room, 0, n)).as("the stream of %s", room.name()).containsExactlyElementsOf(newest(all));
        }
    }

    /**
     * What a reader of the whole stream should get: every join and departure, and each message once, at its newest
     * change.
     */
    private static List<Change> newest(List<Change> all) {
        Map<String, Change> latest = new HashMap<>();
        List<Change> stream = new ArrayList<>();
        for (Change c : all) {
            if (c.isMessage()) {
                latest.merge(c.what(), c, (a, b) -> a.number() > b.number() ? a : b);
            } else {
                stream.add(c);
            }
        }
        stream.addAll(latest.values());
        stream.sort(Comparator.comparingLong(Change::number));
        return stream;
    }

    /**
     * Reads the room's stream in {@code (after, upTo]} from both stores, page by page, checking that everything read
     * is of this room and that no number is both a message's and a membership's.
     */
    private List<Change> read(Room room, long after, long upTo) {
        List<Change> stream = new ArrayList<>();
        List<Message> changed = paged("findChanged", after, upTo,
                from -> messages().findChanged(room.id(), from, upTo, PAGE), Message::change);
        assertThat(changed).extracting(Message::roomId).as("rooms of findChanged").allMatch(id -> id == room.id());
        changed.forEach(m -> stream.add(Change.of(m)));
        List<MembershipChange> membership = paged("findMembershipChanges", after, upTo,
                from -> rooms().findMembershipChanges(room.id(), from, upTo, PAGE), MembershipChange::change);
        assertThat(membership).extracting(MembershipChange::roomId).as("rooms of findMembershipChanges")
                .allMatch(id -> id == room.id());
        membership.forEach(c -> stream.add(Change.of(c.change(), c.userId(), c.kind())));
        stream.sort(Comparator.comparingLong(Change::number));
        assertThat(stream).extracting(Change::number).as("numbers read in (%d, %d]", after, upTo)
                .doesNotHaveDuplicates();
        return stream;
    }

    /**
     * Reads {@code (after, upTo]} in pages of {@link #PAGE}, each page after the last change of the one before,
     * checking that every page ascends strictly inside its bounds.
     */
    private static <T> List<T> paged(String what, long after, long upTo, LongFunction<List<T>> pageAfter,
            ToLongFunction<T> changeOf) {
        List<T> all = new ArrayList<>();
        for (long from = after; ; ) {
            long lower = from;
            List<T> page = pageAfter.apply(lower);
            List<Long> numbers = page.stream().map(changeOf::applyAsLong).toList();
            assertThat(numbers).as("%s(%d, %d]", what, lower, upTo).hasSizeLessThanOrEqualTo(PAGE).isSorted()
                    .doesNotHaveDuplicates().allMatch(n -> n > lower && n <= upTo);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            from = numbers.get(PAGE - 1);
        }
    }

    // ---- density ----------------------------------------------------------------------------------------------

    @Test
    void changesAreDenseUnderConcurrentWritersMixingEveryKindOfChange() {
        int threads = concurrentThreads();
        RoomWork work = new RoomWork("busy", threads);

        List<List<Change>> written = inParallel(threads, t -> work.write(t, operationsPerThread(), c -> { }));

        work.assertDenseAndComplete(written);
    }

    @Test
    void concurrentReactionsToOneMessageTakeDenseChangesAndNeverExceedTheEmojiLimit() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        int threads = concurrentThreads();
        int operations = Math.min(operationsPerThread(), 30);
        int maxEmoji = 4;
        String[] emoji = {"👍", "🎉", "😀", "❤️", "🍕", "🚀"};
        Room room = createRoom("reacting");
        List<User> users = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            users.add(createUser("reactor" + t));
        }
        Message m = post(room, users.get(0), "react to me");
        long start = messages().position(room.id()).lastChange();

        List<Integer> effective = inParallel(threads, t -> {
            int changed = 0;
            for (int i = 0; i < operations; i++) {
                try {
                    if (messages().react(m.id(), users.get(t).id(), emoji[(t + i) % emoji.length], i % 3 != 2,
                            maxEmoji, T0).orElseThrow().changed()) {
                        changed++;
                    }
                } catch (ChatException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REACTIONS);
                }
            }
            return changed;
        });

        long total = effective.stream().mapToLong(Integer::longValue).sum();
        RoomPosition end = messages().position(room.id());
        assertThat(end.lastChange()).as("one change per effective reaction").isEqualTo(start + total);
        Message now = messages().findById(m.id()).orElseThrow();
        assertThat(now.reactions().size()).isLessThanOrEqualTo(maxEmoji);
        assertThat(now.reactions()).allSatisfy(r -> assertThat(r.users()).doesNotHaveDuplicates());
        if (total > 0) {
            assertThat(now.change()).isEqualTo(end.lastChange());
            assertThat(messages().findChanges(room.id(), start, end.lastChange(), 10))
                    .containsExactly(new ChangedMessage(now, ChangedMessage.Kind.REACTED));
        }
    }

    // ---- visibility -------------------------------------------------------------------------------------------

    @Test
    void aConcurrentReaderSeesEveryAcknowledgedChangeAndMissesOnlySupersededStates() {
        int writers = Math.max(2, concurrentThreads() - 2);
        int readers = 2;
        RoomWork work = new RoomWork("busy", writers);
        AtomicLong acknowledged = new AtomicLong(); // the highest change number a finished writer call returned
        AtomicInteger writersLeft = new AtomicInteger(writers);
        AtomicBoolean writing = new AtomicBoolean(true);
        Queue<Snapshot> snapshots = new ConcurrentLinkedQueue<>();

        List<List<Change>> results = inParallel(writers + readers, t -> {
            if (t < writers) {
                try {
                    return work.write(t, operationsPerThread(), c -> acknowledged.accumulateAndGet(c, Math::max));
                } finally {
                    if (writersLeft.decrementAndGet() == 0) {
                        writing.set(false);
                    }
                }
            }
            long previous = 0;
            for (int reads = 0; writing.get() || reads == 0; reads++) {
                long floor = acknowledged.get();
                long bound = messages().position(work.room.id()).lastChange();
                assertThat(bound).as("position covers every change already acknowledged").isGreaterThanOrEqualTo(floor);
                assertThat(bound).as("position never moves back").isGreaterThanOrEqualTo(previous);
                previous = bound;
                long after = Math.max(0, bound - READ_WINDOW);
                snapshots.add(new Snapshot(after, bound, read(work.room, after, bound)));
            }
            return List.of();
        });

        List<List<Change>> written = results.subList(0, writers);
        work.assertDenseAndComplete(written);
        List<Change> all = new ArrayList<>(work.setUp);
        written.forEach(all::addAll);
        assertThat(snapshots).isNotEmpty();
        for (Snapshot s : snapshots) {
            assertAccountedFor(s, all);
        }
    }

    /**
     * Checks one concurrent read against what the writers did: everything read is what its change produced and is
     * the newest state of its message up to the bound; every number in the window that was not read is a message
     * state that a later change of the same message superseded.
     */
    private static void assertAccountedFor(Snapshot s, List<Change> all) {
        Map<Long, Change> byNumber = new HashMap<>();
        Map<String, List<Long>> numbersOf = new HashMap<>();
        for (Change c : all) {
            byNumber.put(c.number(), c);
            numbersOf.computeIfAbsent(c.what(), w -> new ArrayList<>()).add(c.number());
        }
        Set<Long> read = new HashSet<>();
        for (Change c : s.read()) {
            read.add(c.number());
            assertThat(c).as("change %d read in (%d, %d]", c.number(), s.after(), s.bound())
                    .isEqualTo(byNumber.get(c.number()));
            if (c.isMessage()) {
                assertThat(numbersOf.get(c.what())).as("later changes of %s up to the bound %d, read at %d",
                        c.what(), s.bound(), c.number()).noneMatch(n -> n > c.number() && n <= s.bound());
            }
        }
        for (long n = s.after() + 1; n <= s.bound(); n++) {
            if (read.contains(n)) {
                continue;
            }
            Change missing = byNumber.get(n);
            long number = n;
            assertThat(missing).as("change %d, missing from (%d, %d]", n, s.after(), s.bound()).isNotNull();
            assertThat(missing.isMessage()).as("change %d (%s), missing from (%d, %d]: only a message state may be "
                    + "superseded", n, missing.what(), s.after(), s.bound()).isTrue();
            assertThat(numbersOf.get(missing.what())).as("later changes of %s, missing at %d", missing.what(), n)
                    .anyMatch(later -> later > number);
        }
    }

    // ---- independence -----------------------------------------------------------------------------------------

    @Test
    void eachRoomKeepsItsOwnDenseStreamUnderConcurrentWritersInSeveralRooms() {
        int threads = concurrentThreads();
        List<RoomWork> works = List.of(new RoomWork("one", (threads + 1) / 2), new RoomWork("two", threads / 2));

        List<List<Change>> written = inParallel(threads,
                t -> works.get(t % 2).write(t / 2, operationsPerThread(), c -> { }));

        for (int r = 0; r < works.size(); r++) {
            List<List<Change>> mine = new ArrayList<>();
            for (int t = r; t < threads; t += 2) {
                mine.add(written.get(t));
            }
            works.get(r).assertDenseAndComplete(mine);
        }
    }
}
