package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.MESSAGES;
import static dev.parley.chat.store.jooq.internal.generated.Tables.MESSAGE_MENTIONS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.MESSAGE_REACTIONS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.ROOMS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.USERS;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Reaction;
import dev.parley.chat.core.ReplyPreview;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.ReactionResult;
import dev.parley.chat.store.jooq.internal.generated.tables.records.MessagesRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
 * <p>On SQLite the writer runs the consecutive appends of a group commit together ({@link #appendAll}): one
 * {@code UPDATE rooms SET last_seq = last_seq + k, last_change = last_change + k ... RETURNING} per room takes the
 * numbers of its k appends, assigned in submission order, and multi-row INSERTs store them; the outcome is the same
 * as appending one by one, which is what the writer falls back to if anything in the group is not a plain new
 * message.
 *
 * <h2>Idempotency</h2>
 * Before allocating, the transaction looks up (sender_id, client_msg_id). If a concurrent transaction inserts the
 * same key first, our INSERT fails on the unique index, the whole transaction (number included) rolls back, and the
 * committed original is read and compared instead. Either way exactly one message is stored.
 *
 * <h2>Replies, reactions, mentions</h2>
 * A message row names the message it replies to ({@code reply_to_id}); reactions and mentions are rows of their own
 * tables. A read of any number of messages costs at most four queries: the messages, then, by the ids of the page,
 * their reactions, their mentions and the originals they reply to, whose preview is built from their current state.
 * A reaction locks the message row (a no-op update), changes its reaction row and only then, if a row changed, takes
 * a change number: the lock order of edits, so no cycle with appends.
 */
final class MessageStoreImpl implements MessageStore {
    /** The {@code last_change_kind} of a message whose newest change was a reaction. */
    private static final String KIND_REACTED = "reacted";

    private final Db db;

    MessageStoreImpl(Db db) {
        this.db = db;
    }

    @Override
    public AppendResult append(NewMessage message) {
        Objects.requireNonNull(message, "message == null");
        try {
            return db.write("append a message", new AppendWork(message, Times.toNanos(message.createdAt())));
        } catch (DuplicateKeyException e) {
            return afterDuplicate(message, e);
        }
    }

    /**
     * On SQLite the append is queued for the writer and this returns at once (see {@link SqliteDb}, "Asynchronous
     * writes"): the stage completes after the commit, on the store's completer thread. On PostgreSQL the append runs
     * on the calling thread, as {@link #append}, and the stage is already complete: a transaction holds a pooled
     * connection until its commit, so more appends in flight than connections would only queue for the pool.
     */
    @Override
    public CompletionStage<AppendResult> appendAsync(NewMessage message) {
        Objects.requireNonNull(message, "message == null");
        return db.writeAsync("append a message", new AppendWork(message, Times.toNanos(message.createdAt())))
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof DuplicateKeyException duplicate) {
                        try {
                            return CompletableFuture.completedFuture(afterDuplicate(message, duplicate));
                        } catch (RuntimeException e) {
                            return CompletableFuture.failedFuture(e);
                        }
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** A concurrent transaction stored the same (sender, clientMsgId) first: answers as a retry of it. */
    private AppendResult afterDuplicate(NewMessage message, DuplicateKeyException e) {
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

    /** One append; the SQLite writer runs consecutive ones together ({@link #appendAll}). */
    private record AppendWork(NewMessage m, long createdAt) implements GroupedWork<AppendResult> {
        @Override
        public AppendResult apply(DSLContext dsl) {
            return appendInTransaction(dsl, m, createdAt);
        }

        @Override
        public List<AppendResult> runGroup(DSLContext dsl, List<? extends GroupedWork<AppendResult>> group) {
            List<AppendWork> works = new ArrayList<>(group.size());
            group.forEach(w -> works.add((AppendWork) w));
            return dsl.connectionResult(c -> appendAll(dsl, c, works));
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
            + q(MESSAGES.DELETED.getName()) + ", " + q(MESSAGES.REPLY_TO_ID.getName())
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + q(MESSAGES.ID.getName());

    private static String q(String identifier) {
        return FixedSql.q(identifier);
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
        ReplyPreview replyTo = m.replyTo() == 0 ? null : replyTarget(dsl, m);
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
                setInsertRow(ps, 0, m, seq, change, createdAt);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {seq, change, rs.getLong(1)};
                }
            }
        });
        if (seqChangeId == null) {
            throw ChatException.of(ErrorCode.ROOM_NOT_FOUND, "no such room");
        }
        insertMentions(dsl, seqChangeId[2], m.mentions());
        return created(m, seqChangeId[2], seqChangeId[0], seqChangeId[1], replyTo);
    }

    /** Binds one row of {@link #INSERT} (or of a multi-row insert, from parameter {@code offset + 1}). */
    private static void setInsertRow(PreparedStatement ps, int offset, NewMessage m, long seq, long change,
            long createdAt) throws SQLException {
        ps.setLong(offset + 1, m.roomId());
        ps.setLong(offset + 2, seq);
        ps.setLong(offset + 3, change);
        ps.setLong(offset + 4, m.senderId());
        ps.setString(offset + 5, m.body());
        ps.setString(offset + 6, m.clientMsgId());
        ps.setLong(offset + 7, createdAt);
        ps.setBoolean(offset + 8, false);
        if (m.replyTo() == 0) {
            ps.setNull(offset + 9, java.sql.Types.BIGINT);
        } else {
            ps.setLong(offset + 9, m.replyTo());
        }
    }

    /** The answer to an append that stored its message. */
    private static AppendResult created(NewMessage m, long id, long seq, long change, ReplyPreview replyTo) {
        List<String> mentions = new ArrayList<>(m.mentions().size());
        m.mentions().forEach(u -> mentions.add(u.username()));
        return new AppendResult(new Message(id, m.roomId(), m.room(), seq, change, m.senderId(), m.sender(), m.body(),
                m.createdAt(), m.clientMsgId(), null, false, replyTo, List.of(), mentions), true);
    }

    // ---- appends of a group commit, together (SQLite writer) ----------------------------------------------------------

    /**
     * Row counts of the multi-row statements of {@link #appendAll}: a group of n rows is sent as chunks of these
     * sizes, largest first, so that a handful of fixed statements (prepared once by the writer's statement cache)
     * serve every group size. 64 rows of 9 parameters stay far below SQLite's variable limit.
     */
    private static final int[] CHUNKS = {64, 16, 4, 1};
    private static final String[] INSERT_ROWS = new String[CHUNKS[0] + 1];
    private static final String[] FIND_CLIENT_MSG_IDS = new String[CHUNKS[0] + 1];
    private static final String TAKE_SEQS = "UPDATE " + q(ROOMS.getName()) + " SET " + q(ROOMS.LAST_SEQ.getName())
            + " = " + q(ROOMS.LAST_SEQ.getName()) + " + ?, " + q(ROOMS.LAST_CHANGE.getName()) + " = "
            + q(ROOMS.LAST_CHANGE.getName()) + " + ? WHERE " + q(ROOMS.ID.getName()) + " = ? RETURNING "
            + q(ROOMS.LAST_SEQ.getName()) + ", " + q(ROOMS.LAST_CHANGE.getName());

    static {
        for (int n : CHUNKS) {
            String row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
            INSERT_ROWS[n] = INSERT.substring(0, INSERT.indexOf(" VALUES ")) + " VALUES " + row
                    + (", " + row).repeat(n - 1) + " RETURNING " + q(MESSAGES.ID.getName()) + ", "
                    + q(MESSAGES.ROOM_ID.getName()) + ", " + q(MESSAGES.SEQ.getName());
            String key = "(" + q(MESSAGES.SENDER_ID.getName()) + " = ? AND " + q(MESSAGES.CLIENT_MSG_ID.getName())
                    + " = ?)";
            FIND_CLIENT_MSG_IDS[n] = "SELECT 1 FROM " + q(MESSAGES.getName()) + " WHERE " + key
                    + (" OR " + key).repeat(n - 1) + " LIMIT 1";
        }
    }

    /** Thrown to make the writer run a group's appends one by one (see {@link GroupedWork#runGroup}). */
    private static final class RunAlone extends RuntimeException {
        RunAlone(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Stores a group commit's consecutive appends with shared statements: one idempotency lookup per chunk of keys,
     * one {@code UPDATE rooms ... + k RETURNING} per distinct room (its k appends take the k numbers below the
     * returned ones, in submission order), and multi-row {@code INSERT ... RETURNING id, room_id, seq} (RETURNING's
     * row order is unspecified in SQLite, so ids are matched by (room, seq)). The outcome equals running
     * {@link #appendInTransaction} for each in order. Anything else than plain new messages (a key already stored or
     * used twice in the group, a missing room, a reply whose target is not found) throws {@link RunAlone} or the
     * failure itself, and the writer runs the appends one by one instead, where each such case has its own answer.
     */
    static List<AppendResult> appendAll(DSLContext dsl, Connection c, List<AppendWork> works) throws SQLException {
        // In small methods: as one method, C2 compiled this into 85 kB of code, twice, taking 1-1.4 s each time
        // (JFR jdk.Compilation), which a short benchmark window paid for in full.
        int n = works.size();
        rejectRetries(c, works);
        ReplyPreview[] replies = new ReplyPreview[n];
        for (int i = 0; i < n; i++) {
            NewMessage m = works.get(i).m();
            if (m.replyTo() != 0) {
                replies[i] = replyTarget(dsl, m);
            }
        }
        long[] seqs = new long[n];
        long[] changes = new long[n];
        takeNumbers(c, works, seqs, changes);
        long[] ids = insertRows(c, works, seqs, changes);
        List<AppendResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NewMessage m = works.get(i).m();
            insertMentions(dsl, ids[i], m.mentions());
            results.add(created(m, ids[i], seqs[i], changes[i], replies[i]));
        }
        return results;
    }

    /** Throws {@link RunAlone} if a key is used twice in the group or is already stored (a retry). */
    private static void rejectRetries(Connection c, List<AppendWork> works) throws SQLException {
        Set<List<Object>> keys = new HashSet<>();
        List<NewMessage> keyed = new ArrayList<>(works.size());
        for (AppendWork w : works) {
            if (w.m().clientMsgId() != null) {
                if (!keys.add(List.of(w.m().senderId(), w.m().clientMsgId()))) {
                    throw new RunAlone("the same key twice in one group");
                }
                keyed.add(w.m());
            }
        }
        for (int from = 0, size; from < keyed.size(); from += size) {
            size = chunk(keyed.size() - from);
            try (PreparedStatement ps = c.prepareStatement(FIND_CLIENT_MSG_IDS[size])) {
                for (int i = 0; i < size; i++) {
                    ps.setLong(2 * i + 1, keyed.get(from + i).senderId());
                    ps.setString(2 * i + 2, keyed.get(from + i).clientMsgId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new RunAlone("a retry in the group");
                    }
                }
            }
        }
    }

    /** Takes each room's numbers with one UPDATE per room and hands them out in submission order. */
    private static void takeNumbers(Connection c, List<AppendWork> works, long[] seqs, long[] changes)
            throws SQLException {
        Map<Long, long[]> rooms = new LinkedHashMap<>(); // room -> {count, next seq, next change}
        for (AppendWork w : works) {
            rooms.computeIfAbsent(w.m().roomId(), id -> new long[3])[0]++;
        }
        for (Map.Entry<Long, long[]> room : rooms.entrySet()) {
            long[] r = room.getValue();
            try (PreparedStatement ps = c.prepareStatement(TAKE_SEQS)) {
                ps.setLong(1, r[0]);
                ps.setLong(2, r[0]);
                ps.setLong(3, room.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new RunAlone("no such room");
                    }
                    r[1] = rs.getLong(1) - r[0] + 1;
                    r[2] = rs.getLong(2) - r[0] + 1;
                }
            }
        }
        for (int i = 0; i < works.size(); i++) {
            long[] r = rooms.get(works.get(i).m().roomId());
            seqs[i] = r[1]++;
            changes[i] = r[2]++;
        }
    }

    /** Inserts the rows in chunks; returns their ids, matched by (room, seq). */
    private static long[] insertRows(Connection c, List<AppendWork> works, long[] seqs, long[] changes)
            throws SQLException {
        int n = works.size();
        long[] ids = new long[n];
        for (int from = 0, size; from < n; from += size) {
            size = chunk(n - from);
            Map<List<Long>, Integer> byRoomSeq = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(INSERT_ROWS[size])) {
                for (int i = 0; i < size; i++) {
                    AppendWork w = works.get(from + i);
                    setInsertRow(ps, 9 * i, w.m(), seqs[from + i], changes[from + i], w.createdAt());
                    byRoomSeq.put(List.of(w.m().roomId(), seqs[from + i]), from + i);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids[byRoomSeq.get(List.of(rs.getLong(2), rs.getLong(3)))] = rs.getLong(1);
                    }
                }
            }
        }
        return ids;
    }

    /** The largest chunk size that fits in {@code left} rows. */
    private static int chunk(int left) {
        for (int size : CHUNKS) {
            if (size <= left) {
                return size;
            }
        }
        throw new IllegalArgumentException("left < 1");
    }

    /** The preview of the message a new one replies to, checked to be of the same room and not deleted. */
    private static ReplyPreview replyTarget(DSLContext dsl, NewMessage m) {
        Record r = dsl.select(MESSAGES.ROOM_ID, MESSAGES.SEQ, MESSAGES.BODY, MESSAGES.DELETED, USERS.USERNAME)
                .from(MESSAGES)
                .join(USERS).on(USERS.ID.eq(MESSAGES.SENDER_ID))
                .where(MESSAGES.ID.eq(m.replyTo()))
                .fetchOne();
        if (r == null || r.get(MESSAGES.ROOM_ID) != m.roomId() || r.get(MESSAGES.DELETED)) {
            throw ChatException.of(ErrorCode.INVALID_REPLY, "cannot reply to that message");
        }
        return ReplyPreview.of(m.replyTo(), r.get(MESSAGES.SEQ), r.get(USERS.USERNAME), r.get(MESSAGES.BODY), false);
    }

    private static void insertMentions(DSLContext dsl, long messageId, List<User> mentions) {
        if (mentions.isEmpty()) {
            return;
        }
        var insert = dsl.insertInto(MESSAGE_MENTIONS, MESSAGE_MENTIONS.MESSAGE_ID, MESSAGE_MENTIONS.USER_ID,
                MESSAGE_MENTIONS.POSITION);
        for (int i = 0; i < mentions.size(); i++) {
            insert = insert.values(messageId, mentions.get(i).id(), i);
        }
        insert.execute();
    }

    /**
     * The answer to a retry: the original as it is now if it is the same message, else an idempotency conflict.
     * Same message means same room and reply target, and the same body unless the original was edited or deleted since (then the
     * sender has evidently seen the acknowledgement, and the body is no longer compared).
     */
    private static AppendResult retryOf(Message original, NewMessage retry) {
        boolean sameRoom = original.roomId() == retry.roomId()
                && (original.replyTo() == null ? 0 : original.replyTo().id()) == retry.replyTo();
        boolean sameBody = original.editedAt() != null || original.body().equals(retry.body());
        if (sameRoom && sameBody) {
            return new AppendResult(original, false);
        }
        throw new ConflictException(ErrorCode.IDEMPOTENCY_CONFLICT,
                "client message id already used for a different message");
    }

    @Override
    public Optional<Message> findById(long id) {
        return db.read("find a message", dsl -> findById(dsl, MESSAGES.ID.eq(id)));
    }

    @Override
    public List<Message> findAfter(long roomId, long afterSeq, int limit) {
        requirePositive(limit);
        return db.read("read messages", dsl -> toMessages(dsl, selectMessages(dsl)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.gt(afterSeq))
                .orderBy(MESSAGES.SEQ.asc())
                .limit(limit)
                .fetch()));
    }

    @Override
    public List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        requirePositive(limit);
        List<Message> newestFirst = db.read("read messages", dsl -> toMessages(dsl, selectMessages(dsl)
                .where(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.lt(beforeSeq))
                .orderBy(MESSAGES.SEQ.desc())
                .limit(limit)
                .fetch()));
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
        List<ChangedMessage> changes = findChanges(roomId, afterChange, upToChange, limit);
        List<Message> result = new ArrayList<>(changes.size());
        changes.forEach(c -> result.add(c.message()));
        return result;
    }

    @Override
    public List<ChangedMessage> findChanges(long roomId, long afterChange, long upToChange, int limit) {
        requireChangeRead(afterChange, limit);
        return db.read("read changed messages", dsl -> {
            List<Record> rows = selectChanged(dsl, roomId, afterChange, upToChange, limit).fetch();
            List<Message> messages = toMessages(dsl, rows);
            List<ChangedMessage> result = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                result.add(new ChangedMessage(messages.get(i), kindOf(rows.get(i), messages.get(i))));
            }
            return result;
        });
    }

    /**
     * The kind of a message's newest change. The state decides all but reactions, so a row last changed by a node
     * of an earlier release (which leaves the kind alone) still replays as what it is.
     */
    private static ChangedMessage.Kind kindOf(Record row, Message m) {
        return !m.deleted() && KIND_REACTED.equals(row.get(MESSAGES.LAST_CHANGE_KIND))
                ? ChangedMessage.Kind.REACTED
                : ChangedMessage.Kind.inferredFrom(m);
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
    public long countUnreadMentions(long roomId, long afterSeq, long userId) {
        return db.read("count unread mentions", dsl -> dsl.selectCount()
                .from(MESSAGE_MENTIONS)
                .join(MESSAGES).on(MESSAGES.ID.eq(MESSAGE_MENTIONS.MESSAGE_ID))
                .where(MESSAGE_MENTIONS.USER_ID.eq(userId))
                .and(MESSAGES.ROOM_ID.eq(roomId))
                .and(MESSAGES.SEQ.gt(afterSeq))
                .and(MESSAGES.DELETED.isFalse())
                .and(MESSAGES.SENDER_ID.ne(userId))
                .fetchSingle()
                .value1()
                .longValue());
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt) {
        return edit(id, body, editedAt, null);
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt, List<User> mentions) {
        Objects.requireNonNull(body, "body == null");
        long edited = Times.toNanos(editedAt);
        return db.write("edit a message", dsl -> {
            if (!changeIfNotDeleted(dsl, id, dsl.update(MESSAGES)
                    .set(MESSAGES.BODY, body)
                    .set(MESSAGES.EDITED_AT, edited)
                    .set(MESSAGES.LAST_CHANGE_KIND, "edited"))) {
                return Optional.<Message>empty();
            }
            if (mentions != null) {
                dsl.deleteFrom(MESSAGE_MENTIONS).where(MESSAGE_MENTIONS.MESSAGE_ID.eq(id)).execute();
                insertMentions(dsl, id, mentions);
            }
            return findById(dsl, MESSAGES.ID.eq(id));
        });
    }

    @Override
    public Optional<ReactionResult> react(long messageId, long userId, String emoji, boolean add, int maxEmoji,
            Instant at) {
        Objects.requireNonNull(emoji, "emoji == null");
        return db.write("react to a message", dsl -> {
            // A no-op update: locks the row (PostgreSQL) so concurrent reactions to it count emoji one at a time.
            Optional<Long> roomId = dsl.update(MESSAGES)
                    .set(MESSAGES.LAST_CHANGE_KIND, MESSAGES.LAST_CHANGE_KIND)
                    .where(MESSAGES.ID.eq(messageId))
                    .and(MESSAGES.DELETED.isFalse())
                    .returningResult(MESSAGES.ROOM_ID)
                    .fetchOptional(MESSAGES.ROOM_ID);
            if (roomId.isEmpty()) {
                Optional<Message> m = findById(dsl, MESSAGES.ID.eq(messageId));
                if (m.isPresent()) {
                    throw ChatException.of(ErrorCode.MESSAGE_DELETED, "message was deleted");
                }
                return Optional.<ReactionResult>empty();
            }
            int changed;
            if (add) {
                List<String> emoji0 = dsl.selectDistinct(MESSAGE_REACTIONS.EMOJI)
                        .from(MESSAGE_REACTIONS)
                        .where(MESSAGE_REACTIONS.MESSAGE_ID.eq(messageId))
                        .fetch(MESSAGE_REACTIONS.EMOJI);
                if (!emoji0.contains(emoji) && emoji0.size() >= maxEmoji) {
                    throw ChatException.of(ErrorCode.TOO_MANY_REACTIONS,
                            "a message carries at most " + maxEmoji + " different emoji");
                }
                changed = dsl.insertInto(MESSAGE_REACTIONS, MESSAGE_REACTIONS.MESSAGE_ID, MESSAGE_REACTIONS.USER_ID,
                                MESSAGE_REACTIONS.EMOJI, MESSAGE_REACTIONS.CREATED_AT)
                        .values(messageId, userId, emoji, Times.toNanos(at))
                        .onConflictDoNothing()
                        .execute();
            } else {
                changed = dsl.deleteFrom(MESSAGE_REACTIONS)
                        .where(MESSAGE_REACTIONS.MESSAGE_ID.eq(messageId))
                        .and(MESSAGE_REACTIONS.USER_ID.eq(userId))
                        .and(MESSAGE_REACTIONS.EMOJI.eq(emoji))
                        .execute();
            }
            if (changed > 0) {
                long change = ChangeCounter.next(dsl, roomId.get());
                dsl.update(MESSAGES)
                        .set(MESSAGES.CHANGE_SEQ, change)
                        .set(MESSAGES.LAST_CHANGE_KIND, KIND_REACTED)
                        .where(MESSAGES.ID.eq(messageId))
                        .execute();
            }
            return findById(dsl, MESSAGES.ID.eq(messageId)).map(m -> new ReactionResult(m, changed > 0));
        });
    }

    @Override
    public Optional<Message> delete(long id, Instant deletedAt) {
        long deleted = Times.toNanos(deletedAt);
        return db.write("delete a message", dsl -> {
            // Only the first deletion records its time and takes a change number; later ones change nothing.
            changeIfNotDeleted(dsl, id, dsl.update(MESSAGES)
                    .set(MESSAGES.DELETED, true)
                    .set(MESSAGES.BODY, "")
                    .set(MESSAGES.EDITED_AT, deleted)
                    .set(MESSAGES.LAST_CHANGE_KIND, "deleted"));
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
        List<Message> found = toMessages(dsl, selectMessages(dsl).where(condition).fetch());
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
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
        // one batch: replies, reactions and mentions of the page in a bounded number of queries, as on every read
        toMessages(dsl, selectMessages(dsl).where(MESSAGES.ID.in(ids)).fetch()).forEach(m -> byId.put(m.id(), m));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    private static SelectOnConditionStep<Record> selectMessages(DSLContext dsl) {
        return dsl.select(MESSAGES.fields())
                .select(ROOMS.NAME, USERS.USERNAME)
                .from(MESSAGES)
                .join(ROOMS).on(ROOMS.ID.eq(MESSAGES.ROOM_ID))
                .join(USERS).on(USERS.ID.eq(MESSAGES.SENDER_ID));
    }

    /**
     * Messages from their rows, in the same order, with their reactions, mentions and reply previews: one query each
     * for the whole page, and none for a kind the page does not need.
     */
    private static List<Message> toMessages(DSLContext dsl, List<? extends Record> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>(rows.size());
        Set<Long> replyIds = new LinkedHashSet<>();
        for (Record r : rows) {
            ids.add(r.get(MESSAGES.ID));
            Long replyTo = r.get(MESSAGES.REPLY_TO_ID);
            if (replyTo != null) {
                replyIds.add(replyTo);
            }
        }
        Map<Long, Map<String, List<String>>> reactions = new HashMap<>();
        dsl.select(MESSAGE_REACTIONS.MESSAGE_ID, MESSAGE_REACTIONS.EMOJI, USERS.USERNAME)
                .from(MESSAGE_REACTIONS)
                .join(USERS).on(USERS.ID.eq(MESSAGE_REACTIONS.USER_ID))
                .where(MESSAGE_REACTIONS.MESSAGE_ID.in(ids))
                .orderBy(MESSAGE_REACTIONS.ID.asc())
                .forEach(r -> reactions.computeIfAbsent(r.value1(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.value2(), k -> new ArrayList<>()).add(r.value3()));
        Map<Long, List<String>> mentions = new HashMap<>();
        dsl.select(MESSAGE_MENTIONS.MESSAGE_ID, USERS.USERNAME)
                .from(MESSAGE_MENTIONS)
                .join(USERS).on(USERS.ID.eq(MESSAGE_MENTIONS.USER_ID))
                .where(MESSAGE_MENTIONS.MESSAGE_ID.in(ids))
                .orderBy(MESSAGE_MENTIONS.MESSAGE_ID.asc(), MESSAGE_MENTIONS.POSITION.asc())
                .forEach(r -> mentions.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2()));
        Map<Long, ReplyPreview> previews = new HashMap<>();
        if (!replyIds.isEmpty()) {
            dsl.select(MESSAGES.ID, MESSAGES.SEQ, USERS.USERNAME, MESSAGES.BODY, MESSAGES.DELETED)
                    .from(MESSAGES)
                    .join(USERS).on(USERS.ID.eq(MESSAGES.SENDER_ID))
                    .where(MESSAGES.ID.in(replyIds))
                    .forEach(r -> previews.put(r.value1(),
                            ReplyPreview.of(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        }
        List<Message> result = new ArrayList<>(rows.size());
        for (Record r : rows) {
            long id = r.get(MESSAGES.ID);
            List<Reaction> rs = new ArrayList<>();
            reactions.getOrDefault(id, Map.of()).forEach((emoji, users) -> rs.add(new Reaction(emoji, users)));
            Long replyTo = r.get(MESSAGES.REPLY_TO_ID);
            result.add(toMessage(r, replyTo == null ? null : previews.get(replyTo), rs,
                    mentions.getOrDefault(id, List.of())));
        }
        return result;
    }

    private static Message toMessage(Record r, ReplyPreview replyTo, List<Reaction> reactions,
            List<String> mentions) {
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
                r.get(MESSAGES.DELETED),
                replyTo,
                reactions,
                mentions);
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
