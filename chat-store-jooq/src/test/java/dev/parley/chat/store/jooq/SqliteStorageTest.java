package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.NewUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite-specific behaviour: files, migrations, the single writer and its group commit, lock failures. */
class SqliteStorageTest {
    @TempDir
    Path dir;

    @Test
    void createsMissingParentDirectories() {
        Path file = dir.resolve("a/b/c/chat.db");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            storage.checkHealth();
        }
        assertThat(file).exists();
    }

    @Test
    void migrationsAreIdempotentWhenTheSameFileIsOpenedAgain() {
        Path file = dir.resolve("chat.db");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            TestData.user(storage, "alice");
        }
        try (JooqChatStorage again = JooqChatStorage.sqlite(file);
                JooqChatStorage concurrently = JooqChatStorage.sqlite(file)) {
            assertThat(again.users().findByCanonicalName("alice")).isPresent();
            assertThat(concurrently.users().findByCanonicalName("alice")).isPresent();
        }
    }

    @Test
    void reopeningTheFileKeepsEverythingAndContinuesSequences() {
        Path file = dir.resolve("chat.db");
        long roomId;
        long aliceId;
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            storage.rooms().addMember(room.id(), alice.id(), TestData.T0);
            storage.messages().append(TestData.message(room, alice, "one", "c1"));
            storage.messages().append(TestData.message(room, alice, "two", null));
            storage.rooms().markRead(room.id(), alice.id(), 2);
            roomId = room.id();
            aliceId = alice.id();
        }
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            Room room = storage.rooms().findById(roomId).orElseThrow();
            User alice = storage.users().findById(aliceId).orElseThrow();
            assertThat(storage.rooms().findMembership(roomId, aliceId).orElseThrow().lastReadSeq()).isEqualTo(2);
            assertThat(storage.messages().lastSeq(roomId)).isEqualTo(2);
            AppendResult retry = storage.messages().append(TestData.message(room, alice, "one", "c1"));
            assertThat(retry.created()).isFalse();
            assertThat(retry.message().seq()).isEqualTo(1);
            assertThat(storage.messages().append(TestData.message(room, alice, "three", null)).message().seq())
                    .isEqualTo(3);
        }
    }

    @Test
    void instantsRoundTripToTheNanosecond() {
        Instant precise = Instant.parse("2026-05-06T07:08:09.987654321Z");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("chat.db"))) {
            User user = storage.users().create(new NewUser("Bob", "bob", null, precise));
            assertThat(storage.users().findById(user.id()).orElseThrow().createdAt()).isEqualTo(precise);
        }
    }

    @Test
    void groupCommitBatchesConcurrentAppendsAndAssignsGapFreeSequences() throws Exception {
        Path file = dir.resolve("chat.db");
        int threads = 8;
        int perThread = 300;
        Room room;
        ConcurrentLinkedQueue<Message> acknowledged = new ConcurrentLinkedQueue<>();
        long commits;
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            room = TestData.room(storage, "general");
            List<User> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(TestData.user(storage, "u" + t));
            }
            long before = storage.commitCount();
            TestData.inParallel(threads, t -> {
                for (int i = 0; i < perThread; i++) {
                    acknowledged.add(storage.messages()
                            .append(TestData.message(room, senders.get(t), "m" + i, "c" + i)).message());
                }
                return null;
            });
            commits = storage.commitCount() - before;
        }
        int total = threads * perThread;
        assertThat(acknowledged).hasSize(total);
        assertThat(acknowledged.stream().map(Message::seq).sorted().toList())
                .isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
        // Group commit: far fewer transactions than appends (each thread waits for its commit, so at most
        // 8 appends can share one; one per append would mean no batching at all).
        assertThat(commits).isLessThan(total);
        System.out.printf("group commit: %d appends in %d transactions%n", total, commits);

        try (JooqChatStorage reopened = JooqChatStorage.sqlite(file)) {
            List<Message> stored = reopened.messages().findAfter(room.id(), 0, total + 10);
            assertThat(stored).hasSize(total);
            assertThat(stored).containsExactlyInAnyOrderElementsOf(acknowledged);
        }
    }

    @Test
    void lockedDatabaseFailsEveryWriteOfTheBatchWithStorageUnavailableAndStoresNothing() throws Exception {
        Path file = dir.resolve("chat.db");
        SqliteOptions options = SqliteOptions.DEFAULTS.withBusyTimeout(Duration.ofMillis(200));
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file, options)) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement lock = other.createStatement()) {
                lock.execute("BEGIN EXCLUSIVE");
                List<ChatException> failures = TestData.inParallel(4, t -> catchThrowableOfType(
                        ChatException.class,
                        () -> storage.messages().append(TestData.message(room, alice, "hi " + t, "k" + t))));
                assertThat(failures).allSatisfy(e -> {
                    assertThat(e).isInstanceOf(UnavailableException.class);
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    assertThat(e.code().retryable()).isTrue();
                });
                lock.execute("ROLLBACK");
            }
            assertThat(storage.messages().lastSeq(room.id())).isZero();
            AppendResult retried = storage.messages().append(TestData.message(room, alice, "hi 0", "k0"));
            assertThat(retried.created()).isTrue();
            assertThat(retried.message().seq()).isEqualTo(1);
        }
    }

    @Test
    void theHealthCheckFailsWhileAnotherProcessHoldsTheWriteLockAndRecoversAfter() throws Exception {
        Path file = dir.resolve("chat.db");
        SqliteOptions options = SqliteOptions.DEFAULTS.withBusyTimeout(Duration.ofMillis(200));
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file, options)) {
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement lock = other.createStatement()) {
                lock.execute("BEGIN EXCLUSIVE");
                // Reads still work in WAL mode: only a write shows the lock.
                assertThat(storage.users().findByCanonicalName("nobody")).isEmpty();
                ChatException health = catchThrowableOfType(ChatException.class, storage::checkHealth);
                assertThat(health).as("health fails while writes cannot commit").isNotNull();
                assertThat(health.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                assertThat(health.getMessage()).startsWith("the database is locked by another connection or process");
                lock.execute("ROLLBACK");
            }
            awaitHealthy(storage);
        }
    }

    @Test
    void aBurstOfHealthChecksWritesToTheDatabaseAtMostOncePerSecond() {
        try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("chat.db"))) {
            long before = storage.commitCount();
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                storage.checkHealth();
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            long probes = storage.commitCount() - before;
            assertThat(probes).as("the check writes").isPositive();
            assertThat(probes).as("500 checks in %d s", seconds).isLessThanOrEqualTo(seconds + 1);
        }
    }

    private static void awaitHealthy(JooqChatStorage storage) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                storage.checkHealth();
                return;
            } catch (UnavailableException e) {
                assertThat(System.nanoTime()).as("healthy again: " + e.getMessage()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aConflictInABatchFailsOnlyThatAppend() throws Exception {
        try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("chat.db"))) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            storage.messages().append(TestData.message(room, alice, "original", "dup"));
            // Many concurrent appends so that conflicting and valid ones share batches.
            List<Object> outcomes = TestData.inParallel(8, t -> {
                List<Object> mine = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    if (i % 5 == 0) {
                        mine.add(catchThrowableOfType(ChatException.class, () -> storage.messages()
                                .append(TestData.message(room, alice, "different", "dup"))).code());
                    } else {
                        mine.add(storage.messages()
                                .append(TestData.message(room, alice, "x", "t" + t + "-" + i)).created());
                    }
                }
                return mine;
            }).stream().flatMap(List::stream).map(Object.class::cast).toList();
            assertThat(outcomes).filteredOn(ErrorCode.IDEMPOTENCY_CONFLICT::equals).hasSize(8 * 10);
            assertThat(outcomes).filteredOn(Boolean.TRUE::equals).hasSize(8 * 40);
            assertThat(storage.messages().lastSeq(room.id())).isEqualTo(1 + 8 * 40);
        }
    }

    @Test
    void retryOfAnEditedOrDeletedMessageReturnsItAsItIsNow() {
        try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("chat.db"))) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            Room other = TestData.room(storage, "other");
            Message edited = storage.messages().append(TestData.message(room, alice, "tpyo", "e1")).message();
            storage.messages().edit(edited.id(), "typo", TestData.T0.plusSeconds(1));
            AppendResult retry = storage.messages().append(TestData.message(room, alice, "tpyo", "e1"));
            assertThat(retry.created()).isFalse();
            assertThat(retry.message().body()).isEqualTo("typo");

            Message deleted = storage.messages().append(TestData.message(room, alice, "oops", "d1")).message();
            storage.messages().delete(deleted.id(), TestData.T0.plusSeconds(2));
            AppendResult retryDeleted = storage.messages().append(TestData.message(room, alice, "oops", "d1"));
            assertThat(retryDeleted.created()).isFalse();
            assertThat(retryDeleted.message().deleted()).isTrue();

            ChatException otherRoom = catchThrowableOfType(ChatException.class,
                    () -> storage.messages().append(TestData.message(other, alice, "typo", "e1")));
            assertThat(otherRoom.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
            assertThat(storage.messages().lastSeq(room.id())).isEqualTo(2);
        }
    }

    @Test
    void closedStorageAnswersStorageUnavailableAndCloseIsIdempotent() {
        JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("chat.db"));
        User alice = TestData.user(storage, "alice");
        Room room = TestData.room(storage, "general");
        storage.close();
        storage.close();
        ChatException append = catchThrowableOfType(ChatException.class,
                () -> storage.messages().append(TestData.message(room, alice, "late", null)));
        assertThat(append.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        ChatException read = catchThrowableOfType(ChatException.class, () -> storage.users().findById(alice.id()));
        assertThat(read.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        ChatException health = catchThrowableOfType(ChatException.class, storage::checkHealth);
        assertThat(health.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    }

    @Test
    void closeFinishesWritesAcceptedBeforeIt() throws Exception {
        Path file = dir.resolve("chat.db");
        JooqChatStorage storage = JooqChatStorage.sqlite(file);
        User alice = TestData.user(storage, "alice");
        Room room = TestData.room(storage, "general");
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            storage.close();
        });
        closer.start();
        TestData.inParallel(4, t -> {
            for (int i = 0; i < 500; i++) {
                try {
                    acknowledged.add(storage.messages()
                            .append(TestData.message(room, alice, "m", null)).message().seq());
                } catch (UnavailableException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    return null; // closed: later appends are refused
                }
            }
            return null;
        });
        closer.join();
        try (JooqChatStorage reopened = JooqChatStorage.sqlite(file)) {
            assertThat(reopened.messages().lastSeq(room.id())).isEqualTo(acknowledged.size());
            assertThat(reopened.messages().findAfter(room.id(), 0, 10_000)).extracting(Message::seq)
                    .containsExactlyInAnyOrderElementsOf(acknowledged);
        }
    }

    @Test
    void historyReadsUseTheRoomSequenceIndex() throws Exception {
        Path file = dir.resolve("chat.db");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            storage.checkHealth();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            List<String> plans = new ArrayList<>();
            for (String where : List.of("\"seq\" > 10 ORDER BY \"seq\" ASC", "\"seq\" < 10 ORDER BY \"seq\" DESC")) {
                try (ResultSet rs = statement.executeQuery("EXPLAIN QUERY PLAN SELECT * FROM \"messages\" "
                        + "WHERE \"room_id\" = 1 AND " + where + " LIMIT 50")) {
                    StringBuilder plan = new StringBuilder();
                    while (rs.next()) {
                        plan.append(rs.getString("detail")).append('\n');
                    }
                    plans.add(plan.toString());
                }
            }
            assertThat(plans).allSatisfy(plan -> assertThat(plan)
                    .contains("USING INDEX messages_room_seq_uk")
                    .doesNotContain("USE TEMP B-TREE"));
        }
        assertThat(Files.exists(file)).isTrue();
    }
}
