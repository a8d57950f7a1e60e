package dev.parley.chat.store.jooq.internal;

import static dev.parley.chat.store.jooq.internal.generated.Tables.MEMBERSHIPS;
import static dev.parley.chat.store.jooq.internal.generated.Tables.ROOMS;

import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.store.jooq.internal.generated.tables.records.MembershipsRecord;
import dev.parley.chat.store.jooq.internal.generated.tables.records.RoomsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.impl.DSL;

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
        return db.read("find a room", dsl -> dsl.selectFrom(ROOMS).where(ROOMS.NAME.eq(name)).fetchOptional())
                .map(RoomStoreImpl::toRoom);
    }

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
    public boolean addMember(long roomId, long userId, Instant joinedAt) {
        long joined = Times.toNanos(joinedAt);
        return db.write("add a member", dsl -> dsl.insertInto(MEMBERSHIPS)
                .set(MEMBERSHIPS.ROOM_ID, roomId)
                .set(MEMBERSHIPS.USER_ID, userId)
                .set(MEMBERSHIPS.JOINED_AT, joined)
                .set(MEMBERSHIPS.LAST_READ_SEQ, 0L)
                .onConflictDoNothing()
                .execute()) > 0;
    }

    @Override
    public boolean removeMember(long roomId, long userId) {
        return db.write("remove a member", dsl -> dsl.deleteFrom(MEMBERSHIPS)
                .where(MEMBERSHIPS.ROOM_ID.eq(roomId))
                .and(MEMBERSHIPS.USER_ID.eq(userId))
                .execute()) > 0;
    }

    @Override
    public Optional<Membership> findMembership(long roomId, long userId) {
        return db.read("find a membership", dsl -> dsl.selectFrom(MEMBERSHIPS)
                        .where(MEMBERSHIPS.ROOM_ID.eq(roomId))
                        .and(MEMBERSHIPS.USER_ID.eq(userId))
                        .fetchOptional())
                .map(RoomStoreImpl::toMembership);
    }

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
}
