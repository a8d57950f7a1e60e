package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on the real SQLite writer: tasks queued while the writer is busy run as one batch, and a task that
 * fails inside a batch is rolled back alone while the others commit.
 */
class SqliteDbBatchTest {
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
    void aTaskThatFailsInsideABatchIsRolledBackAloneAndTheOthersCommitWithTheirResults() throws Exception {
        long commitsBefore = db.commitCount();
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> blocker = CompletableFuture.supplyAsync(() -> db.write("block", dsl -> {
            writerBusy.countDown();
            WriterFixture.await(release);
            return dsl.execute("INSERT INTO t VALUES ('blocker')");
        }));
        assertThat(writerBusy.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> db.write("first", dsl -> dsl.execute("INSERT INTO t VALUES ('first')")));
        CompletableFuture<Integer> failing = CompletableFuture.supplyAsync(() -> db.<Integer>write("failing", dsl -> {
            dsl.execute("INSERT INTO t VALUES ('half-done')");
            throw new IllegalStateException("task bug");
        }));
        CompletableFuture<Long> third = CompletableFuture.supplyAsync(() -> db.<Long>write("third", dsl -> {
            dsl.execute("INSERT INTO t VALUES ('third')");
            return ((Number) dsl.fetchValue("SELECT count(*) FROM t")).longValue();
        }));
        WriterFixture.awaitQueued(db, 3);
        release.countDown();

        assertThat(blocker.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(third.get(5, TimeUnit.SECONDS)).as("sees the batch's rows but not the failed task's").isEqualTo(3);
        assertThatThrownBy(() -> failing.join()).hasRootCauseMessage("task bug");
        List<String> rows = db.read("rows", dsl -> dsl.fetch("SELECT v FROM t ORDER BY v").getValues(0, String.class));
        assertThat(rows).containsExactly("blocker", "first", "third");
        assertThat(db.commitCount() - commitsBefore).as("blocker alone, then one batch of three").isEqualTo(2);
    }

    @Test
    void aBatchWithoutFailuresCommitsOnce() throws Exception {
        long commitsBefore = db.commitCount();
        CountDownLatch writerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = CompletableFuture.supplyAsync(() -> db.write("block", dsl -> {
            writerBusy.countDown();
            WriterFixture.await(release);
            return 0;
        }));
        assertThat(writerBusy.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> writes = List.of(1, 2, 3, 4, 5).stream()
                .map(i -> CompletableFuture.supplyAsync(
                        () -> db.write("insert", dsl -> dsl.execute("INSERT INTO t VALUES (?)", "v" + i))))
                .toList();
        WriterFixture.awaitQueued(db, 5);
        release.countDown();
        blocker.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> w : writes) {
            assertThat(w.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
        long count = db.read("count", dsl -> ((Number) dsl.fetchValue("SELECT count(*) FROM t")).longValue());
        assertThat(count).isEqualTo(5);
        assertThat(db.commitCount() - commitsBefore).isEqualTo(2);
    }
}
