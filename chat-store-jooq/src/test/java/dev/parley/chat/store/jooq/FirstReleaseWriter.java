package dev.parley.chat.store.jooq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes rows with the statements the first release's stores ran (before the change stream), in plain SQL that
 * SQLite and PostgreSQL both accept: what an upgraded database holds, or what a node still running that release
 * would write.
 */
final class FirstReleaseWriter {
    private final Connection connection;

    FirstReleaseWriter(Connection connection) {
        this.connection = connection;
    }

    long user(String name, Instant at) throws SQLException {
        return returningId("INSERT INTO \"users\" (\"username\", \"canonical_name\", \"password_hash\", \"created_at\")"
                + " VALUES (?, ?, ?, ?) RETURNING \"id\"", name, name.toLowerCase(Locale.ROOT), "hash",
                nanos(at));
    }

    long room(String name, Instant at) throws SQLException {
        return returningId("INSERT INTO \"rooms\" (\"name\", \"type\", \"created_by\", \"created_at\", \"last_seq\")"
                + " VALUES (?, 'PUBLIC', 0, ?, 0) RETURNING \"id\"", name, nanos(at));
    }

    void join(long roomId, long userId, Instant at, long lastReadSeq) throws SQLException {
        update("INSERT INTO \"memberships\" (\"room_id\", \"user_id\", \"joined_at\", \"last_read_seq\")"
                + " VALUES (?, ?, ?, ?)", roomId, userId, nanos(at), lastReadSeq);
    }

    /** An append: the sequence number from the room row, then the message row. Returns the message's id. */
    long post(long roomId, long senderId, String body, String clientMsgId, Instant at) throws SQLException {
        long seq = returningId("UPDATE \"rooms\" SET \"last_seq\" = \"last_seq\" + 1 WHERE \"id\" = ?"
                + " RETURNING \"last_seq\"", roomId);
        return returningId("INSERT INTO \"messages\" (\"room_id\", \"seq\", \"sender_id\", \"body\", \"client_msg_id\","
                + " \"created_at\", \"deleted\") VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING \"id\"",
                roomId, seq, senderId, body, clientMsgId, nanos(at), false);
    }

    void edit(long messageId, String body, Instant at) throws SQLException {
        update("UPDATE \"messages\" SET \"body\" = ?, \"edited_at\" = ? WHERE \"id\" = ? AND \"deleted\" = ?",
                body, nanos(at), messageId, false);
    }

    void delete(long messageId, Instant at) throws SQLException {
        update("UPDATE \"messages\" SET \"deleted\" = ?, \"body\" = '', \"edited_at\" = ? WHERE \"id\" = ?"
                + " AND \"deleted\" = ?", true, nanos(at), messageId, false);
    }

    private long returningId(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no row: " + sql);
            }
            return rs.getLong(1);
        }
    }

    private void update(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
