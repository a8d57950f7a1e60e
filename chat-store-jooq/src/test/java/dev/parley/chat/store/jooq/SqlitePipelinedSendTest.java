package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.User;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChatService#sendAsync} on SQLite: one caller's sends share group commits instead of one commit each. */
class SqlitePipelinedSendTest {
    @TempDir
    Path dir;
    private JooqChatStorage storage;
    private ChatService chat;

    @BeforeEach
    void open() {
        storage = JooqChatStorage.sqlite(dir.resolve("chat.db"));
        chat = ChatService.builder().storage(storage).passwordHasher(new FastTestPasswordHasher()).build();
    }

    @AfterEach
    void close() {
        chat.close();
        storage.close();
    }

    @Test
    void sendsOfOneCallerWaitingForTheWriterShareOneCommitAndKeepTheirOrder() throws Exception {
        User alice = chat.register("alice", "password-alice");
        SqliteDb db = (SqliteDb) storage.db();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = CompletableFuture.supplyAsync(() -> db.write("block", dsl -> {
            busy.countDown();
            WriterFixture.await(release);
            return 0;
        }));
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

        List<CompletableFuture<Message>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // With the blocking send this thread would wait here for the held writer: the test would time out.
            sent.add(chat.sendAsync(alice, "general", "m" + i, null, 0).toCompletableFuture());
        }
        WriterFixture.awaitQueued(db, 20);
        long commitsBefore = db.commitCount();
        release.countDown();
        blocker.get(5, TimeUnit.SECONDS);

        List<Long> seqs = new ArrayList<>();
        for (CompletableFuture<Message> f : sent) {
            seqs.add(f.get(5, TimeUnit.SECONDS).seq());
        }
        assertThat(seqs).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(db.commitCount() - commitsBefore).as("commits for 20 queued sends (the blocker's included)")
                .isLessThanOrEqualTo(2);
    }
}
