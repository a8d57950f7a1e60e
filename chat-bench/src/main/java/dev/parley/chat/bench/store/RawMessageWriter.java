package dev.parley.chat.bench.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The raw-JDBC baseline of scenario 4: writes messages straight into the store's schema, producing rows the store
 * cannot tell from its own.
 *
 * <ul>
 *   <li>{@link #insertOne}: one message per transaction with exactly the statements of the store's {@code append}
 *       ({@code MessageStoreImpl}): the idempotency lookup on (sender_id, client_msg_id), {@code UPDATE rooms SET
 *       last_seq = last_seq + 1, last_change = last_change + 1 ... RETURNING last_seq, last_change} (the message's
 *       sequence number and its room change number), and {@code INSERT ... RETURNING id}. What it leaves out of the
 *       store's path: jOOQ, the hand-off to the SQLite writer thread and the per-task {@code SAVEPOINT}, the
 *       PostgreSQL connection pool, and building the returned {@code Message}.
 *   <li>{@link #insertBatch}: {@code n} messages in one transaction: one {@code UPDATE rooms SET last_seq = last_seq
 *       + n, last_change = last_change + n ... RETURNING last_seq, last_change} to take {@code n} sequence and
 *       change numbers at once, then {@code n} INSERTs sent with {@code executeBatch}, without RETURNING and without
 *       the idempotency lookups (the unique index still rejects a duplicate, failing the whole batch).
 * </ul>
 *
 * On SQLite the connection must be in auto-commit mode (as {@link Sqlite#writer}) and transactions are {@code BEGIN
 * IMMEDIATE ... COMMIT}, as in the store's writer; on PostgreSQL auto-commit is switched off and each transaction
 * ends with {@link Connection#commit()} (READ COMMITTED, as the store).
 */
final class RawMessageWriter implements AutoCloseable {
    // The store's statements, identifiers quoted as the store quotes them.
    static final String FIND_CLIENT_MSG_ID =
            "SELECT \"id\" FROM \"messages\" WHERE \"sender_id\" = ? AND \"client_msg_id\" = ?";
    static final String NEXT_SEQ = "UPDATE \"rooms\" SET \"last_seq\" = \"last_seq\" + 1, "
            + "\"last_change\" = \"last_change\" + 1 WHERE \"id\" = ? RETURNING \"last_seq\", \"last_change\"";
    /** Parameters: room_id, seq, change_seq, sender_id, body, client_msg_id, created_at, deleted. */
    static final String INSERT_NO_RETURN = "INSERT INTO \"messages\" (\"room_id\", \"seq\", \"change_seq\", "
            + "\"sender_id\", \"body\", \"client_msg_id\", \"created_at\", \"deleted\") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT = INSERT_NO_RETURN + " RETURNING \"id\"";
    static final String TAKE_SEQS = "UPDATE \"rooms\" SET \"last_seq\" = \"last_seq\" + ?, "
            + "\"last_change\" = \"last_change\" + ? WHERE \"id\" = ? RETURNING \"last_seq\", \"last_change\"";

    private final Connection connection;
    private final boolean sqlite;
    private final PreparedStatement find;
    private final PreparedStatement nextSeq;
    private final PreparedStatement insert;
    private final PreparedStatement takeSeqs;
    private final PreparedStatement insertBatch;
    private final PreparedStatement begin;
    private final PreparedStatement commit;

    /**
     * Prepares the statements once.
     *
     * @param connection owned by this writer from now on (closed by {@link #close()})
     * @param sqlite SQLite (explicit BEGIN IMMEDIATE) or PostgreSQL (JDBC transactions)
     */
    RawMessageWriter(Connection connection, boolean sqlite) throws SQLException {
        this.connection = connection;
        this.sqlite = sqlite;
        try {
            if (!sqlite) {
                connection.setAutoCommit(false);
            }
            find = connection.prepareStatement(FIND_CLIENT_MSG_ID);
            nextSeq = connection.prepareStatement(NEXT_SEQ);
            insert = connection.prepareStatement(INSERT);
            takeSeqs = connection.prepareStatement(TAKE_SEQS);
            insertBatch = connection.prepareStatement(INSERT_NO_RETURN);
            begin = sqlite ? connection.prepareStatement("BEGIN IMMEDIATE") : null;
            commit = sqlite ? connection.prepareStatement("COMMIT") : null;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Stores one message in its own transaction, as the store's {@code append} does.
     *
     * @return the assigned sequence number
     * @throws SQLException also if the client message id is already used (the store would answer with the original
     *     instead; the benchmark never retries)
     */
    long insertOne(long roomId, long senderId, String body, String clientMsgId, long createdAtNanos)
            throws SQLException {
        begin();
        try {
            find.setLong(1, senderId);
            find.setString(2, clientMsgId);
            try (ResultSet rs = find.executeQuery()) {
                if (rs.next()) {
                    throw new SQLException("client message id already used: " + clientMsgId);
                }
            }
            long seq;
            long change;
            nextSeq.setLong(1, roomId);
            try (ResultSet rs = nextSeq.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no such room: " + roomId);
                }
                seq = rs.getLong(1);
                change = rs.getLong(2);
            }
            bindRow(insert, roomId, seq, change, senderId, body, clientMsgId, createdAtNanos);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
            }
            commit();
            return seq;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * Stores {@code clientMsgIds.length} messages from one sender in one transaction (see the class description).
     *
     * @return the last assigned sequence number
     */
    long insertBatch(long roomId, long senderId, String body, String[] clientMsgIds, long createdAtNanos)
            throws SQLException {
        int n = clientMsgIds.length;
        begin();
        try {
            long last;
            long lastChange;
            takeSeqs.setLong(1, n);
            takeSeqs.setLong(2, n);
            takeSeqs.setLong(3, roomId);
            try (ResultSet rs = takeSeqs.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no such room: " + roomId);
                }
                last = rs.getLong(1);
                lastChange = rs.getLong(2);
            }
            for (int i = 0; i < n; i++) {
                bindRow(insertBatch, roomId, last - n + 1 + i, lastChange - n + 1 + i, senderId, body,
                        clientMsgIds[i], createdAtNanos);
                insertBatch.addBatch();
            }
            insertBatch.executeBatch();
            commit();
            return last;
        } catch (SQLException | RuntimeException e) {
            insertBatch.clearBatch();
            rollbackQuietly();
            throw e;
        }
    }

    /** Sets the parameters of {@link #INSERT} or {@link #INSERT_NO_RETURN}: a message, not deleted. */
    static void bindRow(PreparedStatement insert, long roomId, long seq, long change, long senderId, String body,
            String clientMsgId, long createdAtNanos) throws SQLException {
        insert.setLong(1, roomId);
        insert.setLong(2, seq);
        insert.setLong(3, change);
        insert.setLong(4, senderId);
        insert.setString(5, body);
        insert.setString(6, clientMsgId);
        insert.setLong(7, createdAtNanos);
        insert.setBoolean(8, false);
    }

    private void begin() throws SQLException {
        if (sqlite) {
            begin.execute();
        }
    }

    private void commit() throws SQLException {
        if (sqlite) {
            commit.execute();
        } else {
            connection.commit();
        }
    }

    private void rollbackQuietly() {
        try {
            if (sqlite) {
                try (PreparedStatement rollback = connection.prepareStatement("ROLLBACK")) {
                    rollback.execute();
                }
            } else {
                connection.rollback();
            }
        } catch (SQLException e) {
            // No transaction was open any more.
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
