package dev.parley.chat.store.jooq;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Change numbering on PostgreSQL: two storages on one schema, as two server nodes would be. */
class PostgresChangeNumberingTest extends ChangeNumberingTest {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Override
    List<JooqChatStorage> openNodes() {
        String url = postgres.newSchemaUrl();
        JooqChatStorage nodeA = JooqChatStorage.postgres(url);
        try {
            return List.of(nodeA, JooqChatStorage.postgres(url));
        } catch (RuntimeException e) {
            nodeA.close();
            throw e;
        }
    }
}
