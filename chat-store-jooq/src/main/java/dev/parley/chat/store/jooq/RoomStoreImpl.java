package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.MEMBERSHIPS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.MEMBERSHIP_CHANGES;
import static dev.parley.chat.store.jooq.internal.generated.Tables.ROOMS;

import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.store.jooq.internal.generated.tables.records.MembershipChangesRecord;
import dev.parley.chat.store.jooq.internal.generated.tables.records.MembershipsRecord;
import dev.parley.chat.store.jooq.internal.generated.tables.records.RoomsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * Rooms and memberships. Joins and departures take the room's change number through {@link ChangeCounter}, after
 * the membership row changed and only if it did, and are logged in the append-only {@code membership_changes}
 * table, all in one transaction.
 */
final class RoomStoreImpl implements RoomStore {
    private final Db db;

    RoomStoreImpl(Db db) {
        this.db = db;
    }

    @Override
    public Room create(NewRoom room) {
        Objects.requireNonNull(room, "room == null");
        long createdAt = Times.toNanos(room.createdAt());
        try {
            long id = db.write("create a room", dsl -> dsl.insertInto(ROOMS)
                    .set(ROOMS.NAME, room.name())
                    .set(ROOMS.TYPE, room.type().name())
                    .set(ROOMS.CREATED_BY, room.createdBy())
                    .set(ROOMS.CREATED_AT, createdAt)
                    .set(ROOMS.LAST_SEQ, 0L)
                    .set(ROOMS.LAST_CHANGE, 0L)
                    .returningResult(ROOMS.ID)
                    .fetchSingle()
                    .value1());
            return new Room(id, room.name(), room.type(), room.createdBy(), room.createdAt());
        } catch (DuplicateKeyException e) {
            throw new ConflictException(ErrorCode.ROOM_EXISTS, "a room with this name exists");
        }
    }

    @Override
    public Optional<Room> findById(long id) {
        return db.read("find a room", dsl -> dsl.selectFrom(ROOMS).where(ROOMS.ID.eq(id)).fetchOptional())
                .map(RoomStoreImpl::toRoom);
    }

    @Override
    public Optional<Room> findByName(String name) {
        Objects.requireNonNull(name, "name == null");
        // Every join, resume and room request finds its room by name (a join twice): fixed SQL, see FixedSql.
        return db.read("find a room", dsl -> FixedSql.queryOne(dsl, FIND_BY_NAME, ps -> ps.setString(1, name),
                rs -> new Room(rs.getLong(ROOM_ID), rs.getString(ROOM_NAME), RoomType.valueOf(rs.getString(ROOM_TYPE)),
                        rs.getLong(ROOM_CREATED_BY), Times.fromNanos(rs.getLong(ROOM_CREATED_AT)))));
    }

    private static final String FIND_BY_NAME = FixedSql.selectWhere(ROOMS, ROOMS.NAME);
    private static final int ROOM_ID = FixedSql.column(ROOMS, ROOMS.ID);
    private static final int ROOM_NAME = FixedSql.column(ROOMS, ROOMS.NAME);
    private static final int ROOM_TYPE = FixedSql.column(ROOMS, ROOMS.TYPE);
    private static final int ROOM_CREATED_BY = FixedSql.column(ROOMS, ROOMS.CREATED_BY);
    private static final int ROOM_CREATED_AT = FixedSql.column(ROOMS, ROOMS.CREATED_AT);

    @Override
    public List<Room> listVisibleTo(long userId) {
        return db.read("list rooms", dsl -> dsl.selectFrom(ROOMS)
                        .where(ROOMS.TYPE.eq(RoomType.PUBLIC.name()))
                        .or(DSL.exists(DSL.selectOne().from(MEMBERSHIPS)
                                .where(MEMBERSHIPS.ROOM_ID.eq(ROOMS.ID))
                                .and(MEMBERSHIPS.USER_ID.eq(userId))))
                        .orderBy(ROOMS.NAME)
                        .fetch())
                .map(RoomStoreImpl::toRoom);
    }

    @Override
    public long addMember(long roomId, long userId, Instant joinedAt) {
        long joined = Times.toNanos(joinedAt);
        return db.write("add a member", dsl -> {
            int added = dsl.insertInto(MEMBERSHIPS)
                    .set(MEMBERSHIPS.ROOM_ID, roomId)
                    .set(MEMBERSHIPS.USER_ID, userId)
                    .set(MEMBERSHIPS.JOINED_AT, joined)
                    .set(MEMBERSHIPS.LAST_READ_SEQ, 0L)
                    .onConflictDoNothing()
                    .execute();
            return added == 0 ? 0L : record(dsl, roomId, userId, MembershipChange.Kind.JOINED, joined);
        });
    }

    @Override
    public long removeMember(long roomId, long userId, Instant leftAt) {
        long left = Times.toNanos(leftAt);
        return db.write("remove a member", dsl -> {
            int removed = dsl.deleteFrom(MEMBERSHIPS)
                    .where(MEMBERSHIPS.ROOM_ID.eq(roomId))
                    .and(MEMBERSHIPS.USER_ID.eq(userId))
                    .execute();
            return removed == 0 ? 0L : record(dsl, roomId, userId, MembershipChange.Kind.LEFT, left);
        });
    }

    /** Takes the room's next change number for a join or departure just made, and logs it; returns the number. */
    private static long record(DSLContext dsl, long roomId, long userId, MembershipChange.Kind kind, long at) {
        long change = ChangeCounter.next(dsl, roomId);
        dsl.insertInto(MEMBERSHIP_CHANGES)
                .set(MEMBERSHIP_CHANGES.ROOM_ID, roomId)
                .set(MEMBERSHIP_CHANGES.CHANGE_SEQ, change)
                .set(MEMBERSHIP_CHANGES.USER_ID, userId)
                .set(MEMBERSHIP_CHANGES.KIND, kindName(kind))
                .set(MEMBERSHIP_CHANGES.AT, at)
                .execute();
        return change;
    }

    @Override
    public List<MembershipChange> findMembershipChanges(long roomId, long afterChange, long upToChange, int limit) {
        MessageStoreImpl.requireChangeRead(afterChange, limit);
        return db.read("read membership changes",
                dsl -> selectMembershipChanges(dsl, roomId, afterChange, upToChange, limit).fetch())
                .map(RoomStoreImpl::toMembershipChange);
    }

    /** The query of {@link #findMembershipChanges}: a range scan of the primary key, already in order. */
    static ResultQuery<MembershipChangesRecord> selectMembershipChanges(DSLContext dsl, long roomId, long afterChange,
            long upToChange, int limit) {
        return dsl.selectFrom(MEMBERSHIP_CHANGES)
                .where(MEMBERSHIP_CHANGES.ROOM_ID.eq(roomId))
                .and(MEMBERSHIP_CHANGES.CHANGE_SEQ.gt(afterChange))
                .and(MEMBERSHIP_CHANGES.CHANGE_SEQ.le(upToChange))
                .orderBy(MEMBERSHIP_CHANGES.CHANGE_SEQ.asc())
                .limit(limit);
    }

    @Override
    public Optional<Membership> findMembership(long roomId, long userId) {
        // Two to three lookups per join or resume (access check, subscribe, the feed's recheck): fixed SQL, see
        // FixedSql. Before, this one query's rendering and execution were 27% of a warm server's connect profile.
        return db.read("find a membership", dsl -> FixedSql.queryOne(dsl, FIND_MEMBERSHIP, ps -> {
            ps.setLong(1, roomId);
            ps.setLong(2, userId);
        }, rs -> new Membership(rs.getLong(MEMBER_ROOM), rs.getLong(MEMBER_USER),
                Times.fromNanos(rs.getLong(MEMBER_JOINED)), rs.getLong(MEMBER_LAST_READ))));
    }

    private static final String FIND_MEMBERSHIP =
            FixedSql.selectWhere(MEMBERSHIPS, MEMBERSHIPS.ROOM_ID, MEMBERSHIPS.USER_ID);
    private static final int MEMBER_ROOM = FixedSql.column(MEMBERSHIPS, MEMBERSHIPS.ROOM_ID);
    private static final int MEMBER_USER = FixedSql.column(MEMBERSHIPS, MEMBERSHIPS.USER_ID);
    private static final int MEMBER_JOINED = FixedSql.column(MEMBERSHIPS, MEMBERSHIPS.JOINED_AT);
    private static final int MEMBER_LAST_READ = FixedSql.column(MEMBERSHIPS, MEMBERSHIPS.LAST_READ_SEQ);

    @Override
    public List<Membership> listMembers(long roomId) {
        return db.read("list members", dsl -> dsl.selectFrom(MEMBERSHIPS)
                        .where(MEMBERSHIPS.ROOM_ID.eq(roomId))
                        .orderBy(MEMBERSHIPS.JOINED_AT, MEMBERSHIPS.USER_ID)
                        .fetch())
                .map(RoomStoreImpl::toMembership);
    }

    @Override
    public List<Membership> listMemberships(long userId) {
        return db.read("list memberships", dsl -> dsl.selectFrom(MEMBERSHIPS)
                        .where(MEMBERSHIPS.USER_ID.eq(userId))
                        .fetch())
                .map(RoomStoreImpl::toMembership);
    }

    @Override
    public boolean markRead(long roomId, long userId, long seq) {
        // One atomic UPDATE with greatest(): never moves back, whatever the interleaving. The row count is the
        // number of rows matched (also when the value stays), so it tells membership.
        return db.write("mark read", dsl -> dsl.update(MEMBERSHIPS)
                .set(MEMBERSHIPS.LAST_READ_SEQ, DSL.greatest(MEMBERSHIPS.LAST_READ_SEQ, DSL.val(seq)))
                .where(MEMBERSHIPS.ROOM_ID.eq(roomId))
                .and(MEMBERSHIPS.USER_ID.eq(userId))
                .execute()) > 0;
    }

    static Room toRoom(RoomsRecord r) {
        return new Room(r.getId(), r.getName(), RoomType.valueOf(r.getType()), r.getCreatedBy(),
                Times.fromNanos(r.getCreatedAt()));
    }

    private static Membership toMembership(MembershipsRecord r) {
        return new Membership(r.getRoomId(), r.getUserId(), Times.fromNanos(r.getJoinedAt()), r.getLastReadSeq());
    }

    /** The stored kind: 'joined' or 'left' (membership_changes.kind). */
    private static String kindName(MembershipChange.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static MembershipChange toMembershipChange(MembershipChangesRecord r) {
        return new MembershipChange(r.getRoomId(), r.getChangeSeq(), r.getUserId(),
                MembershipChange.Kind.valueOf(r.getKind().toUpperCase(Locale.ROOT)), Times.fromNanos(r.getAt()));
    }
}
