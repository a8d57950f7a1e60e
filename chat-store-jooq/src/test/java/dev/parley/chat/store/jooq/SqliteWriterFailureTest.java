package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.store.jooq.SqliteDb.FaultPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite writer thread meets an {@link Error} outside any task (out of memory, a stack overflow, an error thrown
 * by the driver): no caller may wait forever. The writer recovers and keeps writing; if it dies anyway, every waiting
 * and later writer fails promptly with {@code STORAGE_UNAVAILABLE} and the health check says so.
 */
class SqliteWriterFailureTest {
    /** Far below the 30-second write timeout: a caller answered within this was not left to time out. */
    private static final long PROMPT_SECONDS = 5;

    @TempDir
    Path dir;
    private SqliteDb db;

    @BeforeEach
    void open() {
        db = WriterFixture.open(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anErrorBeforeTheTransactionFailsItsBatchPromptlyAndTheWriterKeepsWriting() throws Exception {
        db.failNextAt(FaultPoint.BEGIN, new OutOfMemoryError("injected"));
        assertUnavailable(insertAsync("lost"), "nothing was stored");
        assertThat(rows()).isEmpty();

        assertThat(insertAsync("kept").get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(rows()).containsExactly("kept");
        db.checkHealth();
    }

    @Test
    void anErrorBetweenTakingAndRunningABatchFailsItAndTheWriterKeepsWriting() throws Exception {
        db.failNextAt(FaultPoint.TAKE, new StackOverflowError("injected"));
        assertUnavailable(insertAsync("lost"), "nothing was stored");

        assertThat(insertAsync("kept").get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(rows()).containsExactly("kept");
    }

    @Test
    void anErrorWhileCommittingRollsTheBatchBackAndTheWriterKeepsWriting() throws Exception {
        db.failNextAt(FaultPoint.COMMIT, new InternalError("injected driver error"));
        assertUnavailable(insertAsync("lost"), "nothing was stored");
        assertThat(rows()).isEmpty();

        assertThat(insertAsync("kept").get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(rows()).containsExactly("kept");
    }

    @Test
    void anErrorAfterTheCommitStillAnswersEachCallerWithItsCommittedResult() throws Exception {
        db.failNextAt(FaultPoint.COMPLETE, new OutOfMemoryError("injected"));
        assertThat(insertAsync("stored").get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(rows()).containsExactly("stored");

        assertThat(insertAsync("next").get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aWriterThatDiesAnywayFailsItsBatchTheQueueAndLaterWritesPromptlyAndHealthSaysSo() throws Exception {
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = CompletableFuture.supplyAsync(() -> db.write("block", dsl -> {
            writerBusy.countDown();
            WriterFixture.await(release);
            return dsl.execute("INSERT INTO t VALUES ('blocker')");
        }));
        assertThat(writerBusy.await(PROMPT_SECONDS, TimeUnit.SECONDS)).isTrue();
        // The next batch fails, and so does the writer's recovery from that failure: the thread ends.
        db.failNextAt(FaultPoint.BEGIN, new OutOfMemoryError("injected"));
        db.failNextAt(FaultPoint.RECOVER, new OutOfMemoryError("injected again"));
        CompletableFuture<Integer> inDoomedBatch = insertAsync("doomed");
        WriterFixture.awaitQueued(db, 1);
        release.countDown();
        assertThat(blocker.get(PROMPT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);

        assertUnavailable(inDoomedBatch, "");
        assertUnavailable(insertAsync("later"), "the SQLite writer stopped");
        assertThatThrownBy(db::checkHealth).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("the SQLite writer stopped");
        assertThat(rows()).as("reads still work").containsExactly("blocker");
    }

    private CompletableFuture<Integer> insertAsync(String value) {
        return CompletableFuture.supplyAsync(() -> db.write("insert", dsl -> dsl.execute("INSERT INTO t VALUES (?)",
                value)));
    }

    private List<String> rows() {
        return db.read("rows", dsl -> dsl.fetch("SELECT v FROM t ORDER BY v").getValues(0, String.class));
    }

    private static void assertUnavailable(CompletableFuture<Integer> write, String messagePart) {
        assertThatThrownBy(() -> write.get(PROMPT_SECONDS, TimeUnit.SECONDS))
                .as("fails within %d s", PROMPT_SECONDS)
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }
}
