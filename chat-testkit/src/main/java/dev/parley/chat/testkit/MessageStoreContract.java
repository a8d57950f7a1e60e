package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Reaction;
import dev.parley.chat.core.ReplyPreview;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.ReactionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MessageStore}: gap-free per-room sequences under concurrency, idempotent appends, history
 * paging, edits, deletes, unread counts, and the message side of each room's change stream (change numbers,
 * {@link MessageStore#position}, {@link MessageStore#findChanged}). Extend it in the test sources of a store
 * implementation:
 *
 * <pre>{@code
 * class MyMessageStoreTest extends MessageStoreContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 *
 * Rooms and senders are created through the same storage first, so foreign keys hold. The concurrency tests use
 * {@link #concurrentThreads()} threads doing {@link #operationsPerThread()} appends each; override those for a slow
 * store, but keep at least 8 threads.
 */
public abstract class MessageStoreContract extends StoreContractSupport {
    /** Bodies from scripts and planes that a careless encoding or normalisation would damage. */
    private static final List<String> UNICODE_BODIES = List.of(
            "Emoji 👋🏽 👨‍👩‍👧‍👦 🇯🇵 ❤️‍🔥",
            "中文 日本語のテキスト 한국어",
            "עברית: שלום עולם, العربية: مرحبا بالعالم",
            "Mixed ltr עברית rtl 123",
            "Combining: e\u0301 a\u0308\u0323 \u1100\u1161\u11a8 (not \u00e9)",
            "Mathematical 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 and 𐍈 Gothic",
            "Line one\nLine two\twith tab",
            "  leading and trailing spaces  ");

    /** For subclasses. */
    protected MessageStoreContract() {
    }

    private List<Message> readAll(Room room) {
        List<Message> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Message> page = messages().findAfter(room.id(), after, 500);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            after = page.get(page.size() - 1).seq();
        }
    }

    /** Checks that the room is still at {@code expected}, then posts and checks that it takes the next change. */
    private Message assertStillAt(Room room, User sender, RoomPosition expected) {
        assertThat(messages().position(room.id())).as("position of %s", room.name()).isEqualTo(expected);
        Message next = post(room, sender, "next");
        assertThat(next.change()).as("the next change").isEqualTo(expected.lastChange() + 1);
        return next;
    }

    private Message stored(long id) {
        return messages().findById(id).orElseThrow(() -> new AssertionError("message " + id + " not found"));
    }

    // ---- append -----------------------------------------------------------------------------------------------

    @Test
    void appendStoresEveryFieldExactly() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Instant t = Instant.parse("2026-01-02T03:04:05.123456Z");

        AppendResult r = messages().append(
                new NewMessage(room.id(), room.name(), alice.id(), alice.username(), "hello", "c-1", t));

        Message m = r.message();
        assertThat(r.created()).isTrue();
        assertThat(m.id()).isPositive();
        assertThat(m.roomId()).isEqualTo(room.id());
        assertThat(m.room()).isEqualTo("lobby");
        assertThat(m.seq()).isEqualTo(1);
        assertThat(m.senderId()).isEqualTo(alice.id());
        assertThat(m.sender()).isEqualTo("alice");
        assertThat(m.body()).isEqualTo("hello");
        assertThat(m.createdAt()).isEqualTo(t);
        assertThat(m.clientMsgId()).isEqualTo("c-1");
        assertThat(m.editedAt()).isNull();
        assertThat(m.deleted()).isFalse();
        assertThat(messages().findById(m.id())).contains(m);
    }

    @Test
    void appendWithoutClientMsgIdStoresNullClientMsgId() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");

        Message m = post(room, alice, "hi");

        assertThat(m.clientMsgId()).isNull();
        assertThat(stored(m.id()).clientMsgId()).isNull();
    }

    @Test
    void appendAssignsConsecutiveSequencesFromOne() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");

        List<Message> posted = postMany(room, alice, 5);

        assertThat(seqs(posted)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void appendNumbersTheSequencesAndChangesOfEachRoomIndependently() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");

        Message a1 = post(a, alice, "a1");
        Message b1 = post(b, alice, "b1");
        Message a2 = post(a, alice, "a2");
        Message b2 = post(b, alice, "b2");
        Message b3 = post(b, alice, "b3");

        assertThat(List.of(a1.seq(), a2.seq())).containsExactly(1L, 2L);
        assertThat(List.of(b1.seq(), b2.seq(), b3.seq())).containsExactly(1L, 2L, 3L);
        assertThat(changes(List.of(a1, a2))).containsExactly(1L, 2L);
        assertThat(changes(List.of(b1, b2, b3))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void appendAssignsDistinctPositiveIds() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post(a, alice, "a" + i).id());
            ids.add(post(b, alice, "b" + i).id());
        }

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isPositive());
    }

    @Test
    void appendsWithoutClientMsgIdAreNeverDeduplicated() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");

        Message first = post(room, alice, "same");
        Message second = post(room, alice, "same");

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.seq()).isEqualTo(2);
    }

    // ---- idempotency ------------------------------------------------------------------------------------------

    @Test
    void idempotentRetryReturnsTheOriginalWithCreatedFalse() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        NewMessage first = newMessage(room, alice, "hello", "c-1");
        NewMessage retry = new NewMessage(room.id(), room.name(), alice.id(), alice.username(), "hello", "c-1",
                at(30));

        AppendResult original = messages().append(first);
        AppendResult again = messages().append(retry);

        assertThat(original.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.message()).isEqualTo(original.message());
        assertThat(again.message().id()).isEqualTo(original.message().id());
        assertThat(again.message().seq()).isEqualTo(original.message().seq());
        assertThat(again.message().createdAt()).isEqualTo(T0);
    }

    @Test
    void idempotentRetryOfAnEditedOrDeletedMessageReturnsItAsItIsNow() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message edited = messages().append(newMessage(room, alice, "draft", "c-1")).message();
        messages().edit(edited.id(), "final", at(10));
        AppendResult retryOfEdited = messages().append(newMessage(room, alice, "draft", "c-1"));
        assertThat(retryOfEdited.created()).isFalse();
        assertThat(retryOfEdited.message().body()).isEqualTo("final");

        Message deleted = messages().append(newMessage(room, alice, "oops", "c-2")).message();
        messages().delete(deleted.id(), at(20));
        AppendResult retryOfDeleted = messages().append(newMessage(room, alice, "oops", "c-2"));
        assertThat(retryOfDeleted.created()).isFalse();
        assertThat(retryOfDeleted.message().deleted()).isTrue();
        assertThat(messages().lastSeq(room.id())).isEqualTo(2);

        Room other = createRoom("other");
        ChatException wrongRoom = catchChatException(() -> messages().append(newMessage(other, alice, "draft", "c-1")));
        assertThat(wrongRoom.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
    }

    @Test
    void idempotentRetryStoresNothingAndConsumesNoSequenceOrChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        messages().append(newMessage(room, alice, "hello", "c-1"));

        messages().append(newMessage(room, alice, "hello", "c-1"));
        AppendResult retry = messages().append(newMessage(room, alice, "hello", "c-1"));

        assertThat(retry.message().change()).isEqualTo(1);
        assertThat(messages().lastSeq(room.id())).isEqualTo(1);
        assertThat(readAll(room)).hasSize(1);
        assertThat(assertStillAt(room, alice, new RoomPosition(1, 1)).seq()).isEqualTo(2);
    }

    @Test
    void rejectsClientMsgIdReuseWithADifferentBody() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message original = messages().append(newMessage(room, alice, "hello", "c-1")).message();

        ChatException e = catchChatException(() -> messages().append(newMessage(room, alice, "hullo", "c-1")));

        assertThat(e).isInstanceOf(ConflictException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        assertThat(readAll(room)).containsExactly(original);
    }

    @Test
    void rejectsClientMsgIdReuseInADifferentRoom() {
        User alice = createUser("alice");
        Room lobby = createRoom("lobby");
        Room other = createRoom("other");
        messages().append(newMessage(lobby, alice, "hello", "c-1"));

        ChatException e = catchChatException(() -> messages().append(newMessage(other, alice, "hello", "c-1")));

        assertThat(e).isInstanceOf(ConflictException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        assertThat(messages().lastSeq(other.id())).isZero();
        assertThat(messages().lastSeq(lobby.id())).isEqualTo(1);
        assertThat(messages().position(other.id())).as("no change taken").isEqualTo(RoomPosition.EMPTY);
    }

    @Test
    void rejectedAppendConsumesNoSequenceOrChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        messages().append(newMessage(room, alice, "hello", "c-1"));
        catchChatException(() -> messages().append(newMessage(room, alice, "different", "c-1")));

        Message next = assertStillAt(room, alice, new RoomPosition(1, 1));

        assertThat(next.seq()).isEqualTo(2);
        assertThat(seqs(readAll(room))).containsExactly(1L, 2L);
    }

    @Test
    void clientMsgIdIsScopedToTheSender() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");

        AppendResult a = messages().append(newMessage(room, alice, "hi", "c-1"));
        AppendResult b = messages().append(newMessage(room, bob, "hi", "c-1"));

        assertThat(a.created()).isTrue();
        assertThat(b.created()).isTrue();
        assertThat(b.message().id()).isNotEqualTo(a.message().id());
        assertThat(b.message().senderId()).isEqualTo(bob.id());
        assertThat(seqs(readAll(room))).containsExactly(1L, 2L);
    }

    @Test
    void distinctClientMsgIdsOfOneSenderAreDistinctMessages() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");

        AppendResult a = messages().append(newMessage(room, alice, "hi", "c-1"));
        AppendResult b = messages().append(newMessage(room, alice, "hi", "c-2"));

        assertThat(b.created()).isTrue();
        assertThat(b.message().seq()).isEqualTo(a.message().seq() + 1);
    }

    // ---- findById ---------------------------------------------------------------------------------------------

    // ---- appendAsync ------------------------------------------------------------------------------------------

    /** Waits for an asynchronous append; its failure is rethrown as the ChatException it carries. */
    private static AppendResult joinAppend(CompletionStage<AppendResult> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChatException chat) {
                throw chat;
            }
            throw new AssertionError("not a ChatException: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void asyncAppendsOfEachThreadAreStoredInSubmissionOrderWithGapFreeSequences() {
        int threads = concurrentThreads();
        int perThread = operationsPerThread();
        List<Room> rooms = List.of(createRoom("a"), createRoom("b"), createRoom("c"));
        List<User> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(createUser("async" + t));
        }

        List<List<AppendResult>> results = inParallel(threads, t -> {
            List<CompletionStage<AppendResult>> stages = new ArrayList<>(perThread);
            for (int i = 0; i < perThread; i++) {
                Room room = rooms.get(i % rooms.size());
                stages.add(messages().appendAsync(newMessage(room, senders.get(t), t + ":" + i, "k" + i)));
            }
            List<AppendResult> done = new ArrayList<>(perThread);
            stages.forEach(stage -> done.add(joinAppend(stage)));
            return done;
        });

        int total = 0;
        for (Room room : rooms) {
            List<Message> all = readAll(room);
            total += all.size();
            assertThat(seqs(all)).as("room %s", room.name()).containsExactlyElementsOf(range(1, all.size()));
            assertThat(changes(all)).as("room %s", room.name()).containsExactlyElementsOf(range(1, all.size()));
            Map<Long, Integer> lastIndex = new HashMap<>();
            for (Message m : all) {
                String[] parts = m.body().split(":");
                int index = Integer.parseInt(parts[1]);
                Integer previous = lastIndex.put(m.senderId(), index);
                assertThat(previous == null || previous < index)
                        .as("%s after message %s of its sender in room %s", m.body(), previous, room.name()).isTrue();
            }
        }
        assertThat(total).isEqualTo(threads * perThread);
        for (List<AppendResult> thread : results) {
            assertThat(thread).allSatisfy(r -> {
                assertThat(r.created()).isTrue();
                assertThat(stored(r.message().id())).isEqualTo(r.message());
            });
        }
    }

    @Test
    void asyncAppendsThatFailFailAloneAndTheOthersSubmittedWithThemAreStored() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message before = messages().append(newMessage(room, alice, "hello", "c-0")).message();

        // Submitted back to back, so that a store that commits in groups puts them in one group.
        CompletionStage<AppendResult> first = messages().appendAsync(newMessage(room, alice, "one", "c-1"));
        CompletionStage<AppendResult> conflict = messages().appendAsync(newMessage(room, alice, "changed", "c-0"));
        CompletionStage<AppendResult> second = messages().appendAsync(newMessage(room, alice, "two", "c-2"));
        CompletionStage<AppendResult> retry = messages().appendAsync(newMessage(room, alice, "hello", "c-0"));
        CompletionStage<AppendResult> third = messages().appendAsync(newMessage(room, alice, "three", "c-3"));
        CompletionStage<AppendResult> thirdAgain = messages().appendAsync(newMessage(room, alice, "three", "c-3"));
        CompletionStage<AppendResult> thirdChanged = messages().appendAsync(newMessage(room, alice, "3", "c-3"));
        CompletionStage<AppendResult> badReply = null;
        if (supportsRepliesReactionsAndMentions()) {
            badReply = messages().appendAsync(new NewMessage(room.id(), room.name(), alice.id(), alice.username(),
                    "re", "c-4", T0, before.id() + 1_000_000, List.of()));
        }
        CompletionStage<AppendResult> fourth = messages().appendAsync(newMessage(room, alice, "four", "c-5"));

        assertThat(catchChatException(() -> joinAppend(conflict)).code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        assertThat(catchChatException(() -> joinAppend(thirdChanged)).code())
                .isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        if (badReply != null) {
            CompletionStage<AppendResult> reply = badReply;
            assertThat(catchChatException(() -> joinAppend(reply)).code()).isEqualTo(ErrorCode.INVALID_REPLY);
        }
        AppendResult retried = joinAppend(retry);
        assertThat(retried.created()).isFalse();
        assertThat(retried.message()).isEqualTo(before);
        AppendResult thirdResult = joinAppend(third);
        AppendResult thirdRetried = joinAppend(thirdAgain);
        assertThat(thirdResult.created()).isTrue();
        assertThat(thirdRetried.created()).as("a retry right behind its original").isFalse();
        assertThat(thirdRetried.message()).isEqualTo(thirdResult.message());

        List<Message> created = List.of(joinAppend(first).message(), joinAppend(second).message(),
                thirdResult.message(), joinAppend(fourth).message());
        assertThat(created).extracting(Message::body).containsExactly("one", "two", "three", "four");
        assertThat(seqs(created)).containsExactly(2L, 3L, 4L, 5L);
        assertThat(changes(created)).containsExactly(2L, 3L, 4L, 5L);
        List<Message> all = readAll(room);
        assertThat(all).hasSize(5);
        assertThat(all.subList(1, 5)).containsExactlyElementsOf(created);
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(5, 5));
    }

    @Test
    void findByIdReturnsEmptyForUnknownId() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");

        assertThat(messages().findById(m.id() + 1000)).isEmpty();
        assertThat(messages().findById(0)).isEmpty();
    }

    // ---- history: findAfter -----------------------------------------------------------------------------------

    @Test
    void findAfterOnEmptyRoomReturnsEmpty() {
        Room room = createRoom("lobby");

        assertThat(messages().findAfter(room.id(), 0, 10)).isEmpty();
        assertThat(messages().findAfter(room.id(), 5, 10)).isEmpty();
    }

    @Test
    void findAfterZeroReturnsTheOldestMessagesInAscendingOrder() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 5);

        assertThat(messages().findAfter(room.id(), 0, 3)).containsExactlyElementsOf(posted.subList(0, 3));
    }

    @Test
    void findAfterStopsExactlyAtTheLimit() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 6);

        assertThat(seqs(messages().findAfter(room.id(), 1, 3))).containsExactly(2L, 3L, 4L);
        assertThat(seqs(messages().findAfter(room.id(), 3, 3))).containsExactly(4L, 5L, 6L);
        assertThat(seqs(messages().findAfter(room.id(), 2, 1))).containsExactly(3L);
    }

    @Test
    void findAfterWithLimitLargerThanTheRestReturnsTheRest() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(seqs(messages().findAfter(room.id(), 2, 100))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(messages().findAfter(room.id(), 0, 100))).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void findAfterLastButOneReturnsTheLastMessage() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(seqs(messages().findAfter(room.id(), 4, 10))).containsExactly(5L);
    }

    @Test
    void findAfterTheLastSequenceReturnsEmpty() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(messages().findAfter(room.id(), 5, 10)).isEmpty();
        assertThat(messages().findAfter(room.id(), 6, 10)).isEmpty();
        assertThat(messages().findAfter(room.id(), Long.MAX_VALUE - 1, 10)).isEmpty();
    }

    @Test
    void findAfterReadsOnlyTheGivenRoom() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");
        for (int i = 0; i < 4; i++) {
            post(a, alice, "a" + i);
            post(b, alice, "b" + i);
        }

        assertThat(messages().findAfter(a.id(), 0, 100)).hasSize(4)
                .allSatisfy(m -> assertThat(m.roomId()).isEqualTo(a.id()))
                .extracting(Message::body).containsExactly("a0", "a1", "a2", "a3");
    }

    // ---- history: findBefore ----------------------------------------------------------------------------------

    @Test
    void findBeforeOnEmptyRoomReturnsEmpty() {
        Room room = createRoom("lobby");

        assertThat(messages().findBefore(room.id(), Long.MAX_VALUE, 10)).isEmpty();
        assertThat(messages().findBefore(room.id(), 5, 10)).isEmpty();
    }

    @Test
    void findBeforeMaxValueReturnsTheNewestInAscendingOrder() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 5);

        assertThat(messages().findBefore(room.id(), Long.MAX_VALUE, 2)).containsExactlyElementsOf(posted.subList(3, 5));
    }

    @Test
    void findBeforeExcludesTheBoundAndStopsExactlyAtTheLimit() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 6);

        assertThat(seqs(messages().findBefore(room.id(), 4, 2))).containsExactly(2L, 3L);
        assertThat(seqs(messages().findBefore(room.id(), 4, 3))).containsExactly(1L, 2L, 3L);
        assertThat(seqs(messages().findBefore(room.id(), 6, 1))).containsExactly(5L);
    }

    @Test
    void findBeforeWithLimitLargerThanCountReturnsAllInAscendingOrder() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(seqs(messages().findBefore(room.id(), Long.MAX_VALUE, 100))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(messages().findBefore(room.id(), 4, 100))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void findBeforeOneReturnsEmpty() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(messages().findBefore(room.id(), 1, 10)).isEmpty();
    }

    @Test
    void findBeforeTwoReturnsTheFirstMessage() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(seqs(messages().findBefore(room.id(), 2, 10))).containsExactly(1L);
    }

    @Test
    void findBeforeBeyondTheLastSequenceReturnsTheNewest() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(seqs(messages().findBefore(room.id(), 6, 3))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(messages().findBefore(room.id(), 100, 3))).containsExactly(3L, 4L, 5L);
    }

    @Test
    void findBeforeReadsOnlyTheGivenRoom() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");
        for (int i = 0; i < 4; i++) {
            post(a, alice, "a" + i);
            post(b, alice, "b" + i);
        }

        assertThat(messages().findBefore(b.id(), Long.MAX_VALUE, 3))
                .extracting(Message::body).containsExactly("b1", "b2", "b3");
    }

    @Test
    void pagingBackwardAndForwardVisitsEveryMessageOnce() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 10);

        List<Long> backward = new ArrayList<>();
        long before = Long.MAX_VALUE;
        for (List<Message> page; !(page = messages().findBefore(room.id(), before, 3)).isEmpty(); ) {
            assertThat(page.size()).isLessThanOrEqualTo(3);
            backward.addAll(0, seqs(page));
            before = page.get(0).seq();
        }
        List<Long> forward = new ArrayList<>();
        long after = 0;
        for (List<Message> page; !(page = messages().findAfter(room.id(), after, 3)).isEmpty(); ) {
            assertThat(page.size()).isLessThanOrEqualTo(3);
            forward.addAll(seqs(page));
            after = page.get(page.size() - 1).seq();
        }

        assertThat(backward).containsExactlyElementsOf(range(1, 10));
        assertThat(forward).containsExactlyElementsOf(range(1, 10));
    }

    @Test
    void historyIncludesDeletedAndEditedMessagesInPlace() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 4);
        messages().delete(posted.get(1).id(), at(10));
        messages().edit(posted.get(2).id(), "changed", at(11));

        List<Message> after = messages().findAfter(room.id(), 0, 10);
        List<Message> before = messages().findBefore(room.id(), Long.MAX_VALUE, 10);

        assertThat(after).isEqualTo(before);
        assertThat(seqs(after)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(after).extracting(Message::body).containsExactly("m1", "", "changed", "m4");
        assertThat(after).extracting(Message::deleted).containsExactly(false, true, false, false);
    }

    // ---- lastSeq ----------------------------------------------------------------------------------------------

    @Test
    void lastSeqIsZeroForARoomWithoutMessages() {
        Room room = createRoom("lobby");

        assertThat(messages().lastSeq(room.id())).isZero();
    }

    @Test
    void lastSeqIsTheHighestSequenceOfThatRoom() {
        User alice = createUser("alice");
        Room a = createRoom("a");
        Room b = createRoom("b");
        postMany(a, alice, 7);
        postMany(b, alice, 2);

        assertThat(messages().lastSeq(a.id())).isEqualTo(7);
        assertThat(messages().lastSeq(b.id())).isEqualTo(2);
    }

    @Test
    void deletingNeverFreesOrChangesASequence() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 3);

        messages().delete(posted.get(2).id(), at(5));

        assertThat(messages().lastSeq(room.id())).isEqualTo(3);
        assertThat(post(room, alice, "after delete").seq()).isEqualTo(4);
        assertThat(stored(posted.get(2).id()).seq()).isEqualTo(3);
    }

    // ---- edit -------------------------------------------------------------------------------------------------

    @Test
    void editReplacesTheBodyKeepsTheSequenceAndSetsEditedAt() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 2);
        Message m = post(room, alice, "original");
        Instant editedAt = Instant.parse("2026-01-02T04:00:00.000001Z");

        Message edited = messages().edit(m.id(), "edited", editedAt).orElseThrow();

        assertThat(edited).isEqualTo(new Message(m.id(), m.roomId(), m.room(), 3, edited.change(), m.senderId(),
                m.sender(), "edited", m.createdAt(), m.clientMsgId(), editedAt, false));
        assertThat(stored(m.id())).isEqualTo(edited);
        assertThat(messages().findAfter(room.id(), 2, 10)).containsExactly(edited);
        assertThat(messages().lastSeq(room.id())).isEqualTo(3);
    }

    @Test
    void editingTwiceKeepsTheLatestEdit() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "v1");

        messages().edit(m.id(), "v2", at(1));
        Message last = messages().edit(m.id(), "v3", at(2)).orElseThrow();

        assertThat(last.body()).isEqualTo("v3");
        assertThat(last.editedAt()).isEqualTo(at(2));
        assertThat(stored(m.id())).isEqualTo(last);
    }

    @Test
    void editLeavesOtherMessagesAlone() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 3);

        messages().edit(posted.get(1).id(), "edited", at(1));

        assertThat(stored(posted.get(0).id())).isEqualTo(posted.get(0));
        assertThat(stored(posted.get(2).id())).isEqualTo(posted.get(2));
    }

    @Test
    void editOfDeletedMessageReturnsEmptyChangesNothingAndTakesNoChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        Message deleted = messages().delete(m.id(), at(1)).orElseThrow();

        assertThat(messages().edit(m.id(), "resurrected", at(2))).isEmpty();

        assertThat(stored(m.id())).isEqualTo(deleted);
        assertStillAt(room, alice, new RoomPosition(1, 2));
    }

    @Test
    void editOfUnknownMessageReturnsEmptyAndTakesNoChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");

        assertThat(messages().edit(m.id() + 1000, "x", at(1))).isEmpty();
        assertThat(stored(m.id())).isEqualTo(m);
        assertStillAt(room, alice, new RoomPosition(1, 1));
    }

    // ---- delete -----------------------------------------------------------------------------------------------

    @Test
    void deleteClearsTheBodyKeepsTheSequenceAndRecordsTheTimeAsEditedAt() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        post(room, alice, "first");
        Message m = messages().append(newMessage(room, alice, "secret", "c-9")).message();
        Instant deletedAt = Instant.parse("2026-01-02T05:00:00.000002Z");

        Message deleted = messages().delete(m.id(), deletedAt).orElseThrow();

        assertThat(deleted).isEqualTo(new Message(m.id(), m.roomId(), m.room(), 2, deleted.change(), m.senderId(),
                m.sender(), "", m.createdAt(), "c-9", deletedAt, true));
        assertThat(stored(m.id())).isEqualTo(deleted);
    }

    @Test
    void deleteOfAnEditedMessageOverwritesEditedAt() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "v1");
        messages().edit(m.id(), "v2", at(1));

        Message deleted = messages().delete(m.id(), at(2)).orElseThrow();

        assertThat(deleted.body()).isEmpty();
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.editedAt()).isEqualTo(at(2));
    }

    @Test
    void deleteIsIdempotentKeepsTheFirstDeletionAndTakesNoSecondChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        Message first = messages().delete(m.id(), at(1)).orElseThrow();

        Message second = messages().delete(m.id(), at(2)).orElseThrow();

        assertThat(second).isEqualTo(first);
        assertThat(second.change()).isEqualTo(2);
        assertThat(stored(m.id())).isEqualTo(first);
        assertStillAt(room, alice, new RoomPosition(1, 2));
    }

    @Test
    void deleteOfUnknownMessageReturnsEmptyAndTakesNoChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");

        assertThat(messages().delete(m.id() + 1000, at(1))).isEmpty();
        assertThat(stored(m.id())).isEqualTo(m);
        assertStillAt(room, alice, new RoomPosition(1, 1));
    }

    // ---- unread counts ----------------------------------------------------------------------------------------

    @Test
    void countUnreadCountsOthersMessagesAfterThePosition() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        postMany(room, bob, 5);

        assertThat(messages().countUnread(room.id(), 0, alice.id())).isEqualTo(5);
        assertThat(messages().countUnread(room.id(), 2, alice.id())).isEqualTo(3);
        assertThat(messages().countUnread(room.id(), 5, alice.id())).isZero();
        assertThat(messages().countUnread(room.id(), 9, alice.id())).isZero();
    }

    @Test
    void countUnreadExcludesTheReadersOwnMessages() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        post(room, bob, "b1");
        post(room, alice, "a1");
        post(room, bob, "b2");
        post(room, alice, "a2");

        assertThat(messages().countUnread(room.id(), 0, alice.id())).isEqualTo(2);
        assertThat(messages().countUnread(room.id(), 0, bob.id())).isEqualTo(2);
        assertThat(messages().countUnread(room.id(), 2, alice.id())).isEqualTo(1);
    }

    @Test
    void countUnreadExcludesDeletedMessagesButCountsEditedOnes() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, bob, 4);
        messages().delete(posted.get(0).id(), at(1));
        messages().delete(posted.get(3).id(), at(1));
        messages().edit(posted.get(1).id(), "edited", at(2));

        assertThat(messages().countUnread(room.id(), 0, alice.id())).isEqualTo(2);
    }

    @Test
    void countUnreadIsZeroForAnEmptyRoomAndCountsOnlyThatRoom() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room empty = createRoom("empty");
        Room busy = createRoom("busy");
        postMany(busy, bob, 3);

        assertThat(messages().countUnread(empty.id(), 0, alice.id())).isZero();
        assertThat(messages().countUnread(busy.id(), 0, alice.id())).isEqualTo(3);
    }

    // ---- text and time fidelity -------------------------------------------------------------------------------

    @Test
    void unicodeBodiesRoundTripExactly() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = new ArrayList<>();
        for (String body : UNICODE_BODIES) {
            posted.add(post(room, alice, body));
        }

        assertThat(readAll(room)).extracting(Message::body).containsExactlyElementsOf(UNICODE_BODIES);
        for (int i = 0; i < posted.size(); i++) {
            String body = stored(posted.get(i).id()).body();
            assertThat(body).isEqualTo(UNICODE_BODIES.get(i));
            assertThat(body.codePoints().toArray()).containsExactly(UNICODE_BODIES.get(i).codePoints().toArray());
        }
    }

    @Test
    void unicodeEditsRoundTripAndIdempotencyComparesExactly() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        Message m = messages().append(newMessage(room, alice, composed, "c-1")).message();

        ChatException e = catchChatException(() -> messages().append(newMessage(room, alice, decomposed, "c-1")));
        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);

        Message edited = messages().edit(m.id(), "🙂 " + decomposed, at(1)).orElseThrow();
        assertThat(stored(m.id()).body()).isEqualTo(edited.body()).isEqualTo("🙂 cafe\u0301");
    }

    @Test
    void timestampsRoundTripWithMicrosecondPrecision() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Instant created = Instant.parse("2026-01-02T03:04:05.123456Z");
        Instant edited = Instant.parse("2026-01-02T03:04:05.999999Z");
        Instant deleted = Instant.parse("2026-01-03T00:00:00.000001Z");
        Message a = messages().append(new NewMessage(room.id(), room.name(), alice.id(), alice.username(), "a",
                null, created)).message();
        Message b = post(room, alice, "b");

        messages().edit(a.id(), "a2", edited);
        messages().delete(b.id(), deleted);

        assertThat(stored(a.id()).createdAt()).isEqualTo(created);
        assertThat(stored(a.id()).editedAt()).isEqualTo(edited);
        assertThat(stored(b.id()).editedAt()).isEqualTo(deleted);
    }

    // ---- change numbers ---------------------------------------------------------------------------------------

    @Test
    void appendTakesTheRoomsNextChangeNumberFromOne() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");

        List<Message> posted = postMany(room, alice, 4);

        assertThat(changes(posted)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(stored(posted.get(2).id()).change()).isEqualTo(3);
    }

    @Test
    void editAndDeleteMoveTheMessageToTheNextChangeAndKeepItsSequence() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "v1");
        post(room, alice, "other");

        Message edited = messages().edit(m.id(), "v2", at(1)).orElseThrow();
        Message deleted = messages().delete(m.id(), at(2)).orElseThrow();

        assertThat(edited.change()).isEqualTo(3);
        assertThat(deleted.change()).isEqualTo(4);
        assertThat(List.of(edited.seq(), deleted.seq())).containsOnly(m.seq());
        assertThat(stored(m.id())).isEqualTo(deleted);
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(2, 4));
    }

    // ---- position ---------------------------------------------------------------------------------------------

    @Test
    void positionIsEmptyForAnUnknownRoomAndARoomWithoutChanges() {
        Room room = createRoom("lobby");

        assertThat(messages().position(room.id())).isEqualTo(RoomPosition.EMPTY);
        assertThat(messages().position(room.id() + 1000)).isEqualTo(RoomPosition.EMPTY);
    }

    @Test
    void positionReadsTheLastSequenceAndTheLastChangeTogether() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 3);
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(3, 3));

        messages().edit(posted.get(0).id(), "edited", at(1));
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(3, 4));

        messages().delete(posted.get(2).id(), at(2));
        join(room, bob);
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(3, 6));
        assertThat(messages().lastSeq(room.id())).isEqualTo(3);

        post(room, bob, "m4");
        assertThat(messages().position(room.id())).isEqualTo(new RoomPosition(4, 7));
    }

    // ---- findChanged ------------------------------------------------------------------------------------------

    @Test
    void findChangedReturnsCurrentStatesInChangeOrderDeletedOnesIncluded() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 3);
        Message edited = messages().edit(posted.get(0).id(), "edited", at(1)).orElseThrow();
        Message deleted = messages().delete(posted.get(1).id(), at(2)).orElseThrow();

        List<Message> changed = messages().findChanged(room.id(), 0, 5, 10);

        assertThat(changed).containsExactly(posted.get(2), edited, deleted);
        assertThat(changes(changed)).containsExactly(3L, 4L, 5L);
        assertThat(changed.get(2).deleted()).isTrue();
        assertThat(changed.get(2).body()).isEmpty();
    }

    @Test
    void findChangedReadsAfterExclusiveAndUpToInclusive() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 5);

        assertThat(changes(messages().findChanged(room.id(), 1, 4, 10))).containsExactly(2L, 3L, 4L);
        assertThat(changes(messages().findChanged(room.id(), 3, 100, 10))).containsExactly(4L, 5L);
        assertThat(messages().findChanged(room.id(), 4, 4, 10)).isEmpty();
        assertThat(messages().findChanged(room.id(), 5, 9, 10)).isEmpty();
        assertThat(messages().findChanged(room.id(), 0, 0, 10)).isEmpty();
    }

    @Test
    void findChangedStopsExactlyAtTheLimit() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        postMany(room, alice, 6);

        assertThat(changes(messages().findChanged(room.id(), 0, 6, 2))).containsExactly(1L, 2L);
        assertThat(changes(messages().findChanged(room.id(), 2, 6, 3))).containsExactly(3L, 4L, 5L);
        assertThat(changes(messages().findChanged(room.id(), 5, 6, 3))).containsExactly(6L);
    }

    @Test
    void findChangedShowsAMessageEditedTwiceOnceAtItsNewestChange() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "v1");
        Message n = post(room, alice, "n");
        messages().edit(m.id(), "v2", at(1));
        Message v3 = messages().edit(m.id(), "v3", at(2)).orElseThrow();

        assertThat(messages().findChanged(room.id(), 0, 4, 10)).containsExactly(n, v3);
        assertThat(messages().findChanged(room.id(), 0, 3, 10))
                .as("a message whose current change is above the bound is left for a later read")
                .containsExactly(n);
    }

    @Test
    void findChangedSkipsMembershipChangesAndOtherRooms() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        Room other = createRoom("other");
        Message first = post(room, alice, "first");
        join(room, bob);
        post(other, alice, "elsewhere");
        Message second = post(room, bob, "second");
        leave(room, bob);

        assertThat(messages().findChanged(room.id(), 0, 4, 10)).containsExactly(first, second);
        assertThat(changes(List.of(first, second))).containsExactly(1L, 3L);
        assertThat(messages().findChanged(room.id() + 1000, 0, 4, 10)).isEmpty();
    }

    // ---- concurrency ------------------------------------------------------------------------------------------

    @Test
    void assignsGapFreeSequencesUnderConcurrentSenders() {
        Room room = createRoom("busy");
        int threads = concurrentThreads();
        int perThread = operationsPerThread();
        List<User> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(createUser("sender" + t));
        }

        List<List<Message>> acked = inParallel(threads, t -> {
            List<Message> mine = new ArrayList<>(perThread);
            for (int i = 0; i < perThread; i++) {
                mine.add(post(room, senders.get(t), "t" + t + "-" + i));
            }
            return mine;
        });

        int n = threads * perThread;
        List<Message> all = readAll(room);
        assertThat(seqs(all)).as("sequences").containsExactlyElementsOf(range(1, n));
        assertThat(messages().lastSeq(room.id())).isEqualTo(n);
        assertThat(all).extracting(Message::id).doesNotHaveDuplicates();
        Map<Long, Message> byId = new HashMap<>();
        all.forEach(m -> byId.put(m.id(), m));
        for (List<Message> mine : acked) {
            for (Message m : mine) {
                assertThat(byId.get(m.id())).as("acknowledged message %s", m.id()).isEqualTo(m);
            }
            assertThat(seqs(mine)).as("one sender's sequences follow its sending order").isSorted();
        }
    }

    @Test
    void concurrentAppendsToSeveralRoomsAreIndependent() {
        int threads = concurrentThreads();
        int perThread = operationsPerThread();
        int roomCount = Math.max(2, threads / 2);
        List<Room> rooms = new ArrayList<>();
        for (int r = 0; r < roomCount; r++) {
            rooms.add(createRoom("room-" + r));
        }
        List<User> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(createUser("sender" + t));
        }

        inParallel(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                Room room = rooms.get((t + i) % roomCount);
                post(room, senders.get(t), "t" + t + "-" + i);
            }
            return null;
        });

        long total = 0;
        for (Room room : rooms) {
            List<Message> all = readAll(room);
            assertThat(seqs(all)).as("sequences of %s", room.name()).containsExactlyElementsOf(range(1, all.size()));
            assertThat(all).allSatisfy(m -> {
                assertThat(m.roomId()).isEqualTo(room.id());
                assertThat(m.room()).isEqualTo(room.name());
            });
            assertThat(messages().lastSeq(room.id())).isEqualTo(all.size());
            total += all.size();
        }
        assertThat(total).isEqualTo((long) threads * perThread);
    }

    @Test
    void concurrentAppendsWithTheSameClientMsgIdStoreExactlyOne() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        int threads = concurrentThreads();
        int keys = operationsPerThread();
        CyclicBarrier together = new CyclicBarrier(threads);

        List<List<AppendResult>> results = inParallel(threads, t -> {
            List<AppendResult> mine = new ArrayList<>(keys);
            for (int k = 0; k < keys; k++) {
                together.await(concurrencyTimeout().toMillis(), TimeUnit.MILLISECONDS);
                mine.add(messages().append(newMessage(room, alice, "body-" + k, "key-" + k)));
            }
            return mine;
        });

        for (int k = 0; k < keys; k++) {
            int key = k;
            List<AppendResult> forKey = results.stream().map(l -> l.get(key)).toList();
            assertThat(forKey).as("key-%d", k).filteredOn(AppendResult::created).hasSize(1);
            assertThat(forKey.stream().map(AppendResult::message).distinct()).as("key-%d", k).hasSize(1);
        }
        List<Message> all = readAll(room);
        assertThat(seqs(all)).containsExactlyElementsOf(range(1, keys));
        assertThat(all).extracting(Message::clientMsgId).doesNotHaveDuplicates().hasSize(keys);
    }

    @Test
    void readersNeverSeeGapsWhileSendersAppend() {
        Room room = createRoom("busy");
        int writers = Math.max(2, concurrentThreads() - 2);
        int readers = 2;
        int perThread = operationsPerThread();
        List<User> senders = new ArrayList<>();
        for (int t = 0; t < writers; t++) {
            senders.add(createUser("sender" + t));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writersLeft = new AtomicInteger(writers);

        List<Integer> checks = inParallel(writers + readers, t -> {
            if (t < writers) {
                try {
                    for (int i = 0; i < perThread; i++) {
                        post(room, senders.get(t), "t" + t + "-" + i);
                    }
                } finally {
                    if (writersLeft.decrementAndGet() == 0) {
                        writing.set(false);
                    }
                }
                return 0;
            }
            int done = 0;
            long previous = 0;
            while (writing.get() || done == 0) {
                long last = messages().lastSeq(room.id());
                assertThat(last).as("lastSeq never decreases").isGreaterThanOrEqualTo(previous);
                previous = last;
                if (last > 0) {
                    long from = Math.max(0, last - 100);
                    List<Message> window = messages().findAfter(room.id(), from, (int) (last - from));
                    assertThat(seqs(window)).as("everything up to lastSeq is visible")
                            .containsExactlyElementsOf(range(from + 1, last));
                    List<Message> newest = messages().findBefore(room.id(), Long.MAX_VALUE, 20);
                    long top = newest.get(newest.size() - 1).seq();
                    assertThat(seqs(newest)).as("newest page is contiguous")
                            .containsExactlyElementsOf(range(top - newest.size() + 1, top));
                }
                done++;
            }
            return done;
        });

        assertThat(checks.subList(writers, writers + readers)).allSatisfy(c -> assertThat(c).isPositive());
        assertThat(messages().lastSeq(room.id())).isEqualTo((long) writers * perThread);
    }

    @Test
    void concurrentEditsAndDeletesNeverChangeSequences() {
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        List<Message> posted = postMany(room, alice, 40);
        int threads = concurrentThreads();

        inParallel(threads, t -> {
            for (int i = t; i < posted.size(); i++) {
                Message m = posted.get(i);
                if ((i + t) % 3 == 0) {
                    messages().delete(m.id(), at(100 + t));
                } else {
                    messages().edit(m.id(), "edit-" + t, at(100 + t));
                }
            }
            return null;
        });

        List<Message> all = readAll(room);
        assertThat(seqs(all)).containsExactlyElementsOf(range(1, 40));
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < posted.size(); i++) {
            Message now = all.get(i);
            assertThat(now.id()).isEqualTo(posted.get(i).id());
            ids.add(now.id());
            if (now.deleted()) {
                assertThat(now.body()).isEmpty();
            } else {
                assertThat(now.body()).startsWith("edit-");
            }
            assertThat(now.editedAt()).isNotNull();
        }
        assertThat(ids).hasSize(40);
    }
    // ---- replies, reactions, mentions -------------------------------------------------------------------------

    private Message reply(Room room, User sender, String body, String clientMsgId, long replyTo) {
        return messages().append(new NewMessage(room.id(), room.name(), sender.id(), sender.username(), body,
                clientMsgId, T0, replyTo, List.of())).message();
    }

    private ReactionResult react(Message m, User user, String emoji, boolean add, int max) {
        return messages().react(m.id(), user.id(), emoji, add, max, T0).orElseThrow();
    }

    @Test
    void aReplyShowsItsOriginalAsTheOriginalIsWhenTheReplyIsRead() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        Message original = post(room, alice, "first line\nsecond line");

        Message reply = reply(room, bob, "answer", null, original.id());

        ReplyPreview preview = new ReplyPreview(original.id(), original.seq(), "alice", "first line", false);
        assertThat(reply.replyTo()).isEqualTo(preview);
        assertThat(stored(reply.id()).replyTo()).isEqualTo(preview);
        messages().edit(original.id(), "edited line", at(10));
        assertThat(stored(reply.id()).replyTo().excerpt()).isEqualTo("edited line");
        assertThat(messages().findAfter(room.id(), 0, 10).get(1).replyTo().excerpt()).isEqualTo("edited line");
        messages().delete(original.id(), at(20));
        ReplyPreview gone = new ReplyPreview(original.id(), original.seq(), "alice", "", true);
        assertThat(stored(reply.id()).replyTo()).isEqualTo(gone);
        assertThat(messages().findBefore(room.id(), Long.MAX_VALUE, 10).get(1).replyTo()).isEqualTo(gone);
        assertThat(messages().findChanges(room.id(), 0, Long.MAX_VALUE, 10))
                .filteredOn(c -> c.message().id() == reply.id())
                .singleElement().satisfies(c -> assertThat(c.message().replyTo()).isEqualTo(gone));
    }

    @Test
    void aReplyExcerptIsCutAtOneHundredCodePointsWithoutSplittingASurrogatePair() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        String body = "a".repeat(99) + "😀😀😀";
        Message original = post(room, alice, body);

        Message reply = reply(room, alice, "re", null, original.id());

        assertThat(reply.replyTo().excerpt()).isEqualTo("a".repeat(99) + "😀");
    }

    @Test
    void aReplyToAnUnknownADeletedOrAnotherRoomsMessageIsRefusedAndStoresNothing() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Room other = createRoom("other");
        Message elsewhere = post(other, alice, "elsewhere");
        Message deleted = post(room, alice, "soon gone");
        messages().delete(deleted.id(), at(5));
        RoomPosition before = messages().position(room.id());

        for (long target : new long[] {elsewhere.id(), deleted.id(), elsewhere.id() + 1000}) {
            ChatException e = catchChatException(() -> reply(room, alice, "re", null, target));
            assertThat(e.code()).as("reply to %s", target).isEqualTo(ErrorCode.INVALID_REPLY);
        }

        assertStillAt(room, alice, before);
    }

    @Test
    void aRetryOfAReplyMustNameTheSameOriginalAndStillWorksOnceTheOriginalIsDeleted() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message a = post(room, alice, "a");
        Message b = post(room, alice, "b");
        Message first = reply(room, alice, "re", "c-1", a.id());

        ChatException e = catchChatException(() -> reply(room, alice, "re", "c-1", b.id()));
        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        messages().delete(a.id(), at(5));
        AppendResult retry = messages().append(new NewMessage(room.id(), room.name(), alice.id(), alice.username(),
                "re", "c-1", T0, a.id(), List.of()));

        assertThat(retry.created()).isFalse();
        assertThat(retry.message().id()).isEqualTo(first.id());
        assertThat(retry.message().replyTo().deleted()).isTrue();
    }

    @Test
    void aReactionTakesTheNextChangeAndReadsBackAsAReaction() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        RoomPosition before = messages().position(room.id());

        ReactionResult r = react(m, bob, "👍", true, 20);

        assertThat(r.changed()).isTrue();
        assertThat(r.message().change()).isEqualTo(before.lastChange() + 1);
        assertThat(r.message().reactions()).containsExactly(new Reaction("👍", List.of("bob")));
        assertThat(stored(m.id())).isEqualTo(r.message());
        assertThat(messages().position(room.id()).lastChange()).isEqualTo(before.lastChange() + 1);
        List<ChangedMessage> changes = messages().findChanges(room.id(), before.lastChange(), Long.MAX_VALUE, 10);
        assertThat(changes).containsExactly(new ChangedMessage(r.message(), ChangedMessage.Kind.REACTED));
        assertThat(messages().findChanged(room.id(), before.lastChange(), Long.MAX_VALUE, 10))
                .containsExactly(r.message());
        Message edited = messages().edit(m.id(), "hi!", at(9)).orElseThrow();
        assertThat(edited.reactions()).isEqualTo(r.message().reactions());
        assertThat(messages().findChanges(room.id(), 0, Long.MAX_VALUE, 10))
                .containsExactly(new ChangedMessage(edited, ChangedMessage.Kind.EDITED));
    }

    @Test
    void reactingTwiceIsOneReactionAndRemovingAnAbsentOneChangesNothing() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        Message reacted = react(m, alice, "🎉", true, 20).message();
        RoomPosition at = messages().position(room.id());

        ReactionResult again = react(m, alice, "🎉", true, 20);
        ReactionResult absent = react(m, alice, "👍", false, 20);

        assertThat(again.changed()).isFalse();
        assertThat(absent.changed()).isFalse();
        assertThat(again.message()).isEqualTo(reacted);
        assertThat(absent.message()).isEqualTo(reacted);
        assertStillAt(room, alice, at);
        ReactionResult removed = react(m, alice, "🎉", false, 20);
        assertThat(removed.changed()).isTrue();
        assertThat(removed.message().reactions()).isEmpty();
        assertThat(removed.message().change()).isEqualTo(at.lastChange() + 2);
    }

    @Test
    void reactionsListEmojiByFirstReactionAndUsersInReactionOrder() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        User bob = createUser("bob");
        User carol = createUser("carol");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");

        react(m, carol, "👍", true, 20);
        react(m, alice, "❤️", true, 20);
        react(m, bob, "👍", true, 20);
        react(m, alice, "👍", true, 20);
        react(m, carol, "👍", false, 20);

        // carol's 👍 came first but is gone: order follows the reactions that remain
        List<Reaction> expected = List.of(new Reaction("❤️", List.of("alice")),
                new Reaction("👍", List.of("bob", "alice")));
        assertThat(stored(m.id()).reactions()).isEqualTo(expected);
        assertThat(messages().findAfter(room.id(), 0, 10).get(0).reactions()).isEqualTo(expected);
        assertThat(messages().findBefore(room.id(), Long.MAX_VALUE, 10).get(0).reactions()).isEqualTo(expected);
    }

    @Test
    void aNewEmojiBeyondTheLimitIsRefusedButMoreUsersOfAnExistingOneAreNot() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        User bob = createUser("bob");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        react(m, alice, "👍", true, 2);
        react(m, alice, "🎉", true, 2);
        RoomPosition at = messages().position(room.id());

        ChatException e = catchChatException(() -> react(m, bob, "😀", true, 2));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REACTIONS);
        assertThat(react(m, bob, "👍", true, 2).changed()).isTrue();
        assertThat(stored(m.id()).reactions()).extracting(Reaction::emoji).containsExactly("👍", "🎉");
        assertThat(messages().position(room.id()).lastChange()).isEqualTo(at.lastChange() + 1);
    }

    @Test
    void reactingToADeletedMessageFailsAndToAnUnknownOneFindsNothing() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        Room room = createRoom("lobby");
        Message m = post(room, alice, "hi");
        messages().delete(m.id(), at(3));
        RoomPosition at = messages().position(room.id());

        ChatException e = catchChatException(() -> messages().react(m.id(), alice.id(), "👍", true, 20, T0));

        assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_DELETED);
        assertThat(messages().react(m.id() + 1000, alice.id(), "👍", true, 20, T0)).isEmpty();
        assertStillAt(room, alice, at);
    }

    @Test
    void mentionsAreStoredInOrderCountedUntilReadAndReplacedByAnEdit() {
        Assumptions.assumeTrue(supportsRepliesReactionsAndMentions());
        User alice = createUser("alice");
        User bob = createUser("bob");
        User carol = createUser("carol");
        Room room = createRoom("lobby");
        post(room, alice, "before");
        Message m = messages().append(new NewMessage(room.id(), room.name(), alice.id(), alice.username(),
                "@carol @bob look", null, T0, 0, List.of(carol, bob))).message();
        Message own = messages().append(new NewMessage(room.id(), room.name(), bob.id(), bob.username(),
                "note to @bob", null, T0, 0, List.of(bob))).message();

        assertThat(m.mentions()).containsExactly("carol", "bob");
        assertThat(stored(m.id()).mentions()).containsExactly("carol", "bob");
        assertThat(messages().findAfter(room.id(), 0, 10)).extracting(Message::mentions)
                .containsExactly(List.of(), List.of("carol", "bob"), List.of("bob"));
        assertThat(messages().countUnreadMentions(room.id(), 0, bob.id())).as("own message not counted").isOne();
        assertThat(messages().countUnreadMentions(room.id(), m.seq(), bob.id())).isZero();
        assertThat(messages().countUnreadMentions(room.id(), 0, alice.id())).isZero();
        assertThat(own.mentions()).containsExactly("bob");

        Message edited = messages().edit(m.id(), "@carol only", at(5), List.of(carol)).orElseThrow();

        assertThat(edited.mentions()).containsExactly("carol");
        assertThat(messages().countUnreadMentions(room.id(), 0, bob.id())).isZero();
        assertThat(messages().countUnreadMentions(room.id(), 0, carol.id())).isOne();
        messages().delete(m.id(), at(6));
        assertThat(messages().countUnreadMentions(room.id(), 0, carol.id())).as("deleted").isZero();
    }
}
