package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.store.jooq.SqliteDb.FaultPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends that share one group commit on the real SQLite writer: the writer is held busy while they queue, so they
 * are certain to run in one batch, through the multi-row path ({@code MessageStoreImpl.appendAll}) or, if anything in
 * the group fails, one by one.
 */
class SqliteAppendBatchTest {
    @TempDir
    Path dir;
    private JooqChatStorage storage;
    private SqliteDb db;
    private CountDownLatch release;
    private CompletableFuture<Integer> blocker;

    @BeforeEach
    void open() {
        storage = JooqChatStorage.sqlite(dir.resolve("chat.db"));
        db = (SqliteDb) storage.db();
    }

    @AfterEach
    void close() {
        if (release != null) {
            release.countDown();
        }
        storage.close();
    }

    /** Holds the writer in a write of its own until {@link #releaseWriter} once {@code queued} writes wait. */
    private void holdWriter() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        release = new CountDownLatch(1);
        blocker = CompletableFuture.supplyAsync(() -> db.write("block", dsl -> {
            busy.countDown();
            WriterFixture.await(release);
            return 0;
        }));
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
    }

    private void releaseWriter(int queued) throws Exception {
        WriterFixture.awaitQueued(db, queued);
        release.countDown();
        blocker.get(5, TimeUnit.SECONDS);
    }

    private static AppendResult result(CompletionStage<AppendResult> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static ChatException failure(CompletionStage<AppendResult> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ChatException.class);
            return (ChatException) e.getCause();
        }
        throw new AssertionError("the append succeeded");
    }

    @Test
    void oneGroupOfAppendsToSeveralRoomsIsStoredExactlyAsOneByOne() throws Exception {
        User alice = TestData.user(storage, "alice");
        User bob = TestData.user(storage, "bob");
        List<Room> rooms = List.of(TestData.room(storage, "a"), TestData.room(storage, "b"),
                TestData.room(storage, "c"));
        Message target = storage.messages().append(TestData.message(rooms.get(1), bob, "target", null)).message();
        long commits = db.commitCount();
        holdWriter();

        List<NewMessage> sent = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // 150 = 2 x 64 + 16 + 4 + 2 x 1: every chunk size of the multi-row insert
            Room room = rooms.get(i % 3);
            sent.add(i % 10 == 4 && room == rooms.get(1)
                    ? new NewMessage(room.id(), room.name(), alice.id(), alice.username(), "reply " + i, "k" + i,
                            TestData.T0, target.id(), List.of(bob))
                    : new NewMessage(room.id(), room.name(), alice.id(), alice.username(), "m" + i,
                            i % 7 == 0 ? null : "k" + i, TestData.T0, 0, i % 5 == 0 ? List.of(bob) : List.of()));
        }
        List<CompletionStage<AppendResult>> stages = new ArrayList<>();
        sent.forEach(m -> stages.add(storage.messages().appendAsync(m)));
        releaseWriter(sent.size());

        long[] nextSeq = {1, 2, 1};
        for (int i = 0; i < sent.size(); i++) {
            AppendResult r = result(stages.get(i));
            assertThat(r.created()).isTrue();
            assertThat(r.message().body()).isEqualTo(sent.get(i).body());
            assertThat(r.message().seq()).as("message %d", i).isEqualTo(nextSeq[i % 3]++);
            assertThat(storage.messages().findById(r.message().id())).as("as stored").contains(r.message());
        }
        assertThat(db.commitCount() - commits).as("the blocker, then one group commit").isEqualTo(2);
        for (Room room : rooms) {
            RoomPosition position = storage.messages().position(room.id());
            assertThat(position.lastSeq()).isEqualTo(room == rooms.get(1) ? 51 : 50);
            assertThat(storage.messages().findAfter(room.id(), 0, 1000)).extracting(Message::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, position.lastSeq()).boxed().toList());
        }
        Message reply = result(stages.get(4)).message();
        assertThat(reply.replyTo()).isNotNull();
        assertThat(reply.replyTo().id()).isEqualTo(target.id());
        assertThat(reply.mentions()).containsExactly("bob");
    }

    @Test
    void failingAppendsInOneGroupFailAloneAndTheRestOfTheGroupIsStored() throws Exception {
        User alice = TestData.user(storage, "alice");
        Room room = TestData.room(storage, "lobby");
        Message original = storage.messages().append(TestData.message(room, alice, "hello", "c-0")).message();
        long commits = db.commitCount();
        holdWriter();

        CompletionStage<AppendResult> first = storage.messages().appendAsync(TestData.message(room, alice, "1", "c-1"));
        CompletionStage<AppendResult> unknownRoom = storage.messages().appendAsync(new NewMessage(room.id() + 1000,
                "nowhere", alice.id(), alice.username(), "lost", "c-2", TestData.T0));
        CompletionStage<AppendResult> badReply = storage.messages().appendAsync(new NewMessage(room.id(), room.name(),
                alice.id(), alice.username(), "re", "c-3", TestData.T0, original.id() + 1000, List.of()));
        CompletionStage<AppendResult> conflict =
                storage.messages().appendAsync(TestData.message(room, alice, "other", "c-0"));
        CompletionStage<AppendResult> second = storage.messages().appendAsync(TestData.message(room, alice, "2", "c-4"));
        CompletionStage<AppendResult> again = storage.messages().appendAsync(TestData.message(room, alice, "2", "c-4"));
        CompletionStage<AppendResult> retry = storage.messages().appendAsync(TestData.message(room, alice, "hello",
                "c-0"));
        CompletionStage<AppendResult> third = storage.messages().appendAsync(TestData.message(room, alice, "3", "c-5"));
        releaseWriter(8);

        assertThat(failure(unknownRoom).code()).isEqualTo(ErrorCode.ROOM_NOT_FOUND);
        assertThat(failure(badReply).code()).isEqualTo(ErrorCode.INVALID_REPLY);
        assertThat(failure(conflict).code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
        assertThat(result(retry).created()).isFalse();
        assertThat(result(retry).message()).isEqualTo(original);
        assertThat(result(again).created()).as("a retry in the same group as its original").isFalse();
        assertThat(result(again).message()).isEqualTo(result(second).message());
        assertThat(List.of(result(first), result(second), result(third))).extracting(r -> r.message().seq())
                .containsExactly(2L, 3L, 4L);
        assertThat(storage.messages().position(room.id())).isEqualTo(new RoomPosition(4, 4));
        assertThat(db.commitCount() - commits).as("the blocker, then one group commit").isEqualTo(2);
    }

    @Test
    void aWriterFailureFailsEveryAppendOfTheGroupAndStoresNothing() throws Exception {
        User alice = TestData.user(storage, "alice");
        Room room = TestData.room(storage, "lobby");
        holdWriter();
        List<CompletionStage<AppendResult>> stages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stages.add(storage.messages().appendAsync(TestData.message(room, alice, "m" + i, "k" + i)));
        }
        db.failNextAt(FaultPoint.BEGIN, new OutOfMemoryError("injected")); // the blocker is past its own BEGIN
        releaseWriter(20);

        for (CompletionStage<AppendResult> stage : stages) {
            ChatException e = failure(stage);
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("nothing was stored");
        }
        assertThat(storage.messages().position(room.id())).isEqualTo(RoomPosition.EMPTY);
        AppendResult next = result(storage.messages().appendAsync(TestData.message(room, alice, "m0", "k0")));
        assertThat(next.created()).isTrue();
        assertThat(next.message().seq()).isEqualTo(1);
    }

    @Test
    void asyncAppendsCompleteOffTheWriterThread() throws Exception {
        User alice = TestData.user(storage, "alice");
        Room room = TestData.room(storage, "lobby");
        holdWriter();
        CompletableFuture<String> thread = storage.messages().appendAsync(TestData.message(room, alice, "m", "k"))
                .thenApply(r -> Thread.currentThread().getName()).toCompletableFuture();
        assertThat(thread).as("not before the commit").isNotDone();
        releaseWriter(1);
        assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("parley-sqlite-completer");
    }
}
