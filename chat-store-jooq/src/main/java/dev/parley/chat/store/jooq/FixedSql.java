package dev.parley.chat.store.jooq;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/**
 * Fixed SQL strings for the statements that run on every connect (and every append): jOOQ renders its query DSL to
 * SQL on every call, and for the key lookups of a WebSocket's {@code auth} and {@code join} that rendering was the
 * largest single cost of a warm server (issue 15: 21.6% of the CPU samples of a JFR profile taken while 10k
 * clients connected, more than the Tyrus upgrade). A fixed string costs nothing to build and is the key of the
 * connection's {@link StatementCache} (SQLite) or of pgjdbc's server-side prepared statements (PostgreSQL), so it
 * is also parsed once. Identifiers come from the generated schema, quoted as jOOQ quotes them, so the SQL is the
 * same on SQLite and PostgreSQL.
 */
final class FixedSql {
    private FixedSql() {
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A quoted identifier. */
    static String q(String identifier) {
        return '"' + identifier + '"';
    }

    /**
     * {@code SELECT <every column of table, in its declared order> FROM table WHERE k1 = ? AND k2 = ? ...}: the row
     * mapper reads the columns by position, 1 for the first declared column.
     */
    static String selectWhere(Table<?> table, Field<?>... keys) {
        List<String> columns = new ArrayList<>();
        for (Field<?> f : table.fields()) {
            columns.add(q(f.getName()));
        }
        List<String> conditions = new ArrayList<>();
        for (Field<?> k : keys) {
            conditions.add(q(k.getName()) + " = ?");
        }
        return "SELECT " + String.join(", ", columns) + " FROM " + q(table.getName()) + " WHERE "
                + String.join(" AND ", conditions);
    }

    /** The 1-based position of {@code field} in the select list of {@link #selectWhere} of {@code table}. */
    static int column(Table<?> table, Field<?> field) {
        int i = table.indexOf(field);
        if (i < 0) {
            throw new IllegalArgumentException(field + " is not a column of " + table);
        }
        return i + 1;
    }

    /** Runs {@code sql} on the context's connection and maps its first row, if any. */
    static <T> Optional<T> queryOne(DSLContext dsl, String sql, Binder binder, RowMapper<T> mapper) {
        return dsl.connectionResult(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }
}
