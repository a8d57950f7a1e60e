package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer connection runs with the configured {@code PRAGMA synchronous}: 1 is NORMAL, 2 is FULL. */
class SqliteSynchronousTest {
    @TempDir
    Path dir;

    @Test
    void theWriterSyncsEveryCommitWhenFullIsChosen() {
        assertThat(writerSynchronous(SqliteOptions.DEFAULTS.withSynchronousFull(true))).isEqualTo(2);
    }

    @Test
    void theWriterDefaultsToNormal() {
        assertThat(writerSynchronous(SqliteOptions.DEFAULTS)).isEqualTo(1);
    }

    private int writerSynchronous(SqliteOptions options) {
        SqliteDb db = SqliteDb.open("jdbc:sqlite:" + dir.resolve("sync.db"), options);
        try {
            // Work given to write() runs on the writer's own connection, whose pragma this reads.
            return db.write("read the pragma", dsl -> ((Number) dsl.fetchValue("PRAGMA synchronous")).intValue());
        } finally {
            db.close();
        }
    }
}
