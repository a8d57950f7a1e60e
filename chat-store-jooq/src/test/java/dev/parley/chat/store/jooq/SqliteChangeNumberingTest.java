package dev.parley.chat.store.jooq;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** Change numbering on SQLite: one storage, its single writer committing the threads' calls in shared batches. */
class SqliteChangeNumberingTest extends ChangeNumberingTest {
    @TempDir
    Path dir;

    @Override
    List<JooqChatStorage> openNodes() {
        return List.of(JooqChatStorage.sqlite(dir.resolve("chat.db")));
    }
}
