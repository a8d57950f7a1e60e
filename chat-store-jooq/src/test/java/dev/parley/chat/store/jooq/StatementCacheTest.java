package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
    @TempDir
    Path dir;

    private static long query(Connection c, String sql, long param) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void reusesOnePreparedStatementPerSqlAndResetsItOnClose() throws Exception {
        Connection raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
        Connection cached = StatementCache.wrap(raw);
        PreparedStatement first = cached.prepareStatement("select ? + 1");
        PreparedStatement underlying = first.unwrap(PreparedStatement.class);
        first.close();
        assertThat(query(cached, "select ? + 1", 41)).isEqualTo(42);
        assertThat(query(cached, "select ? + 1", 1)).isEqualTo(2);
        assertThat(cached.prepareStatement("select ? + 1").unwrap(PreparedStatement.class)).isSameAs(underlying);
        assertThat(cached.prepareStatement("select ? * 2").unwrap(PreparedStatement.class)).isNotSameAs(underlying);
        cached.close();
        assertThat(underlying.isClosed()).isTrue();
        assertThat(raw.isClosed()).isTrue();
    }
}
