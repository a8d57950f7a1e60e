package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.MESSAGES;
import static dev.parley.chat.store.jooq.internal.generated.Tables.ROOMS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.USERS;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.store.jooq.internal.generated.tables.records.MessagesRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.SelectOnConditionStep;
import org.jooq.UpdateSetMoreStep;

/**
 * Messages, their per-room sequence numbers and their change numbers.
 *
 * <h2>Sequence and change allocation</h2>
 * In the appending transaction: {@code UPDATE rooms SET last_seq = last_seq + 1, last_change = last_change + 1
 * WHERE id = ? RETURNING last_seq, last_change}, then {@code INSERT} the message with both numbers. On PostgreSQL the
 * UPDATE's row lock serialises the writers of one room until commit, and a rollback returns the numbers with the
 * lock, so numbers are gap-free across processes and commit in order; on SQLite the single writer serialises
 * everything anyway. UNIQUE(room_id, seq) and UNIQUE(room_id, change_seq) back this up. Edits and deletions update
 * the message first and take only a change number, through {@link ChangeCounter}, and only if a row changed.
 *
 * <h2>Idempotency</h2>
 * Before allocating, the transaction looks up (sender_id, client_msg_id). If a concurrent transaction inserts the
 * same key first, our INSERT fails on the unique index, the whole transaction (number included) rolls back, and the
 * committed original is read and compared instead. Either way exactly one message is stored.
 */
final class MessageStoreImpl implements MessageStore {
    private final Db db;

    MessageStoreImpl(Db db) {
        this.db = db;
    }

    @Override
    public AppendResult append(NewMessage message) {
        Objects.requireNonNull(message, "message == null");
        long createdAt = Times.toNanos(message.createdAt());
        try {
            return db.write("append a message", dsl -> appendInTransaction(dsl, message, createdAt));
        } catch (DuplicateKeyException e) {
            if (message.clientMsgId() == null) {
                throw Errors.unavailable("could not store the message; nothing was stored", e);
            }
            Optional<Message> original = db.read("append a message",
                    dsl -> findByClientMsgId(dsl, message.senderId(), message.clientMsgId()));
            if (original.isEmpty()) {
                // The racing transaction that held the key was itself rolled back: retrying may succeed.
                throw Errors.unavailable("concurrent retry of the same message; try again", e);
            }
            return retryOf(original.get(), message);
        }
    }

    // The append path runs for every message, so it skips jOOQ's per-call rendering: three fixed statements, which
    // the SQLite writer's statement cache (and PostgreSQL's server-side plans) prepare once. Identifiers come from
    // the generated schema, quoted as everywhere else.
    private static final String FIND_CLIENT_MSG_ID = "SELECT " + q(MESSAGES.ID.getName()) + " FROM "
            + q(MESSAGES.getName()) + " WHERE " + q(MESSAGES.SENDER_ID.getName()) + " = ? AND "
            + q(MESSAGES.CLIENT_MSG_ID.getName()) + " = ?";
    private static final String NEXT_SEQ = "UPDATE " + q(ROOMS.getName()) + " SET " + increment(ROOMS.LAST_SEQ)
            + ", " + increment(ROOMS.LAST_CHANGE) + " WHERE " + q(ROOMS.ID.getName()) + " = ? RETURNING "
            + q(ROOMS.LAST_SEQ.getName()) + ", " + q(ROOMS.LAST_CHANGE.getName());
    private static final String INSERT = "INSERT INTO " + q(MESSAGES.getName()) + " (" + q(MESSAGES.ROOM_ID.getName())
            + ", " + q(MESSAGES.SEQ.getName()) + ", " + q(MESSAGES.CHANGE_SEQ.getName()) + ", "
            + q(MESSAGES.SENDER_ID.getName()) + ", " + q(MESSAGES.BODY.getName()) + ", "
            + q(MESSAGES.CLIENT_MSG_ID.getName()) + ", " + q(MESSAGES.CREATED_AT.getName()) + ", "
            + q(MESSAGES.DELETED.getName()) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + q(MESSAGES.ID.getName());

    private static String q(String identifier) {
        return '"' + identifier + '"';
    }

    private static String increment(Field<Long> column) {
        return q(column.getName()) + " = " + q(column.getName()) + " + 1";
    }

    private static AppendResult appendInTransaction(DSLContext dsl, NewMessage m, long createdAt) {
        if (m.clientMsgId() != null) {
            Long originalId = dsl.connectionResult(c -> {
                try (PreparedStatement ps = c.prepareStatement(FIND_CLIENT_MSG_ID)) {
                    ps.setLong(1, m.senderId());
                    ps.setString(2, m.clientMsgId());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : null;
                    }
                }
            });
            if (originalId != null) {
                Message original = findById(dsl, MESSAGES.ID.eq(originalId)).orElseThrow(
                        () -> Errors.unavailable("a message vanished while being read", null));
                return retryOf(original, m);
            }
        }
        long[] seqChangeId = dsl.connectionResult(c -> {
            long seq;
            long change;
            try (PreparedStatement ps = c.prepareStatement(NEXT_SEQ)) {
                ps.setLong(1, m.roomId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    seq = rs.getLong(1);
                    change = rs.getLong(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, m.roomId());
                ps.setLong(2, seq);
                ps.setLong(3, change);
                ps.setLong(4, m.senderId());
                ps.setString(5, m.body());
                ps.setString(6, m.clientMsgId());
                ps.setLong(7, createdAt);
                ps.setBoolean(8, false);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {seq, change, rs.getLong(1)};
                }
            }
        });
        if (seqChangeId == null) {
            throw ChatException.of(ErrorCode.ROOM_NOT_FOUND, "no such room");
        }
        return new AppendResult(new Message(seqChangeId[2], m.roomId(), m.room(), seqChangeId[0], seqChangeId[1],
                m.senderId(), m.sender(), m.body(), m.createdAt(), m.clientMsgId(), null, false), true);
    }

    /**
     * The answer to a retry: the original as it is now if it is the same message, else an idempotency conflict.
     * Same message means same room, and the same body unless the original was edited or deleted since (then the
     * sender has evidently seen the acknowledgement, and the body is no longer compared).
     */
    private static AppendResult retryOf(Message original, NewMessage retry) {
        boolean sameRoom = original.roomId() == retry.roomId();
        boolean sameBody = original.editedAt() != null || original.body().equals(retry.body());
        if (sameRoom && sameBody) {
            return new AppendResult(original, false);
        }
        throw new ConflictException(ErrorCode.IDEMPOTENCY_CONFLICT,
                "client message id already used for a different message");
    }

    @Override
    public Optional<Message> findById(long id) {
        return db.read("find a message", dsl -> selectMessages(dsl)
                .where(MESSAGES.ID.eq(id))
                .fetchOptional()
                .map(MessageStoreImpl::toMessage));
    }

    @Override
    public List<Message> findAfter(long roomId, long afterSeq, int limit) {
        requirePositive(limit);
        return db.read("read messages", dsl -> selectMessages(dsl)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.gt(afterSeq))
                .orderBy(MESSAGES.SEQ.asc())
                .limit(limit)
                .fetch(MessageStoreImpl::toMessage));
    }

    @Override
    public List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        requirePositive(limit);
        List<Message> newestFirst = db.read("read messages", dsl -> selectMessages(dsl)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.lt(beforeSeq))
                .orderBy(MESSAGES.SEQ.desc())
                .limit(limit)
                .fetch(MessageStoreImpl::toMessage));
        List<Message> ascending = new ArrayList<>(newestFirst);
        Collections.reverse(ascending);
        return ascending;
    }

    // lastSeq(roomId) is the interface's default: reading last_change from the same row costs nothing extra.
    @Override
    public RoomPosition position(long roomId) {
        return db.read("read the room position", dsl -> dsl.select(ROOMS.LAST_SEQ, ROOMS.LAST_CHANGE)
                .from(ROOMS)
                .where(ROOMS.ID.eq(roomId))
                .fetchOptional(r -> new RoomPosition(r.value1(), r.value2()))
                .orElse(RoomPosition.EMPTY));
    }

    @Override
    public List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit) {
        requireChangeRead(afterChange, limit);
        return db.read("read changed messages", dsl -> selectChanged(dsl, roomId, afterChange, upToChange, limit)
                .fetch(MessageStoreImpl::toMessage));
    }

    /** The query of {@link #findChanged}: a range scan of UNIQUE(room_id, change_seq), already in order. */
    static ResultQuery<Record> selectChanged(DSLContext dsl, long roomId, long afterChange, long upToChange,
            int limit) {
        return selectMessages(dsl)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.CHANGE_SEQ.gt(afterChange))
                .and(MESSAGES.CHANGE_SEQ.le(upToChange))
                .orderBy(MESSAGES.CHANGE_SEQ.asc())
                .limit(limit);
    }

    @Override
    public long countUnread(long roomId, long afterSeq, long excludeSenderId) {
        return db.read("count unread messages", dsl -> dsl.selectCount()
                .from(MESSAGES)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.gt(afterSeq))
                .and(MESSAGES.DELETED.isFalse())
                .and(MESSAGES.SENDER_ID.ne(excludeSenderId))
                .fetchSingle()
                .value1()
                .longValue());
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt) {
        Objects.requireNonNull(body, "body == null");
        long edited = Times.toNanos(editedAt);
        return db.write("edit a message", dsl -> changeIfNotDeleted(dsl, id, dsl.update(MESSAGES)
                .set(MESSAGES.BODY, body)
                .set(MESSAGES.EDITED_AT, edited))
                ? findById(dsl, MESSAGES.ID.eq(id))
                : Optional.<Message>empty());
    }

    @Override
    public Optional<Message> delete(long id, Instant deletedAt) {
        long deleted = Times.toNanos(deletedAt);
        return db.write("delete a message", dsl -> {
            // Only the first deletion records its time and takes a change number; later ones change nothing.
            changeIfNotDeleted(dsl, id, dsl.update(MESSAGES)
                    .set(MESSAGES.DELETED, true)
                    .set(MESSAGES.BODY, "")
                    .set(MESSAGES.EDITED_AT, deleted));
            return findById(dsl, MESSAGES.ID.eq(id));
        });
    }

    /**
     * Applies an edit or a deletion to a message that is not deleted and, if it was applied, takes the room's next
     * change number for it.
     *
     * @return whether the message changed
     */
    private static boolean changeIfNotDeleted(DSLContext dsl, long id, UpdateSetMoreStep<MessagesRecord> update) {
        Optional<Long> roomId = update.where(MESSAGES.ID.eq(id))
                .and(MESSAGES.DELETED.isFalse())
                .returningResult(MESSAGES.ROOM_ID)
                .fetchOptional(MESSAGES.ROOM_ID);
        if (roomId.isEmpty()) {
            return false;
        }
        long change = ChangeCounter.next(dsl, roomId.get());
        dsl.update(MESSAGES).set(MESSAGES.CHANGE_SEQ, change).where(MESSAGES.ID.eq(id)).execute();
        return true;
    }

    private static Optional<Message> findByClientMsgId(DSLContext dsl, long senderId, String clientMsgId) {
        return findById(dsl, MESSAGES.SENDER_ID.eq(senderId).and(MESSAGES.CLIENT_MSG_ID.eq(clientMsgId)));
    }

    private static Optional<Message> findById(DSLContext dsl, Condition condition) {
        return selectMessages(dsl).where(condition).fetchOptional().map(MessageStoreImpl::toMessage);
    }

    /**
     * Reads messages by id with the same mapping as every other read, so that whatever a message carries comes along.
     *
     * @param ids the ids, in the order wanted
     * @return the messages that exist, in the order of {@code ids}
     */
    static List<Message> findByIds(DSLContext dsl, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, Message> byId = new HashMap<>();
        selectMessages(dsl).where(MESSAGES.ID.in(ids)).fetch(MessageStoreImpl::toMessage)
                .forEach(m -> byId.put(m.id(), m));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    private static SelectOnConditionStep<Record> selectMessages(DSLContext dsl) {
        return dsl.select(MESSAGES.fields())
                .select(ROOMS.NAME, USERS.USERNAME)
                .from(MESSAGES)
                .join(ROOMS).on(ROOMS.ID.eq(MESSAGES.ROOM_ID))
                .join(USERS).on(USERS.ID.eq(MESSAGES.SENDER_ID));
    }

    private static Message toMessage(Record r) {
        return new Message(
                r.get(MESSAGES.ID),
                r.get(MESSAGES.ROOM_ID),
                r.get(ROOMS.NAME),
                r.get(MESSAGES.SEQ),
                r.get(MESSAGES.CHANGE_SEQ),
                r.get(MESSAGES.SENDER_ID),
                r.get(USERS.USERNAME),
                r.get(MESSAGES.BODY),
                Times.fromNanos(r.get(MESSAGES.CREATED_AT)),
                r.get(MESSAGES.CLIENT_MSG_ID),
                Times.fromNanosOrNull(r.get(MESSAGES.EDITED_AT)),
                r.get(MESSAGES.DELETED));
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw ChatException.of(ErrorCode.INVALID_ARGUMENT, "limit must be >= 1");
        }
    }

    /** Checks the arguments of a change-stream read (this store's or the room store's). */
    static void requireChangeRead(long afterChange, int limit) {
        requirePositive(limit);
        if (afterChange < 0) {
            throw ChatException.of(ErrorCode.INVALID_ARGUMENT, "afterChange must be >= 0");
        }
    }
}
