package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change-stream reads, exactly as the stores render them, are range scans of their indexes in index order on
 * SQLite: no table scan and no sort, however long the room's history.
 */
class SqliteChangeReadPlanTest {
    private static final String RANGE = "(room_id=? AND change_seq>? AND change_seq<?)";

    @TempDir
    Path dir;

    @Test
    void changeStreamReadsAreIndexRangeScansWithoutASort() throws SQLException {
        Path file = dir.resolve("chat.db");
        JooqChatStorage.sqlite(file, SqliteOptions.DEFAULTS).close();
        DSLContext sqlite = DSL.using(SQLDialect.SQLITE, JooqSettings.SETTINGS);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            String messages = plan(connection, sqlite, MessageStoreImpl.selectChanged(sqlite, 1, 10, 20, 50));
            String memberships =
                    plan(connection, sqlite, RoomStoreImpl.selectMembershipChanges(sqlite, 1, 10, 20, 50));
            assertThat(messages)
                    .contains("SEARCH messages USING INDEX messages_room_change_uk " + RANGE)
                    .doesNotContain("SCAN")
                    .doesNotContain("TEMP B-TREE");
            // The primary key's index, named by SQLite.
            assertThat(memberships)
                    .contains("SEARCH membership_changes USING INDEX sqlite_autoindex_membership_changes_1 " + RANGE)
                    .doesNotContain("SCAN")
                    .doesNotContain("TEMP B-TREE");
        }
    }

    private static String plan(Connection connection, DSLContext dsl, Query query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("EXPLAIN QUERY PLAN " + dsl.renderInlined(query))) {
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }
}
