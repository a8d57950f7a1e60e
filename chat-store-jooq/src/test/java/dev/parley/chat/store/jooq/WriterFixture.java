package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real SQLite writer on a fresh file with one table {@code t (v TEXT PRIMARY KEY)}, for the writer's tests. */
final class WriterFixture {
    private WriterFixture() {
    }

    static SqliteDb open(Path dir) {
        SqliteDb db = SqliteDb.open("jdbc:sqlite:" + dir.resolve("writer.db"), SqliteOptions.DEFAULTS);
        db.write("create", dsl -> dsl.execute("CREATE TABLE t (v TEXT PRIMARY KEY)"));
        return db;
    }

    /** Waits (up to 5 s) until {@code n} writes are queued behind the one the writer runs. */
    static void awaitQueued(SqliteDb db, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (db.queued() < n) {
            assertThat(System.nanoTime()).as("%d writes queued", n).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Inside a write: holds the writer until the test releases it (up to 5 s). */
    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
