package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RoomStore} in concurrent maps. Rooms are kept by id and in a name-sorted map, so that
 * {@link #listVisibleTo} needs no sort. Memberships are kept per room, with a per-user index of room ids; adding and
 * removing a member take one lock so that both stay consistent, while {@link #markRead} is a single atomic update of
 * the immutable {@link Membership} and reads take no lock. Joins and departures also take the room's change number
 * and are recorded in its {@link RoomLogs.RoomLog}, under that room's write lock (taken first).
 */
final class InMemoryRoomStore implements RoomStore {
    private static final Comparator<Membership> MEMBER_ORDER =
            Comparator.comparing(Membership::joinedAt).thenComparingLong(Membership::userId);

    private final AtomicLong ids = new AtomicLong(1);
    private final ConcurrentHashMap<Long, Room> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Room> byName = new ConcurrentSkipListMap<>();
    private final Object createLock = new Object();

    /** roomId → (userId → membership). */
    private final ConcurrentHashMap<Long, ConcurrentHashMap<Long, Membership>> members = new ConcurrentHashMap<>();
    /** userId → ids of the rooms the user is a member of. */
    private final ConcurrentHashMap<Long, Set<Long>> roomsOfUser = new ConcurrentHashMap<>();
    private final Object membershipLock = new Object();

    private final RoomLogs logs;

    InMemoryRoomStore(RoomLogs logs) {
        this.logs = logs;
    }

    @Override
    public Room create(NewRoom room) {
        Objects.requireNonNull(room, "room == null");
        synchronized (createLock) {
            if (byName.containsKey(room.name())) {
                throw ChatException.of(ErrorCode.ROOM_EXISTS, "room exists: " + room.name());
            }
            Room created = new Room(ids.getAndIncrement(), room.name(), room.type(), room.createdBy(),
                    room.createdAt());
            byId.put(created.id(), created);
            byName.put(created.name(), created);
            return created;
        }
    }

    @Override
    public Optional<Room> findById(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<Room> findByName(String name) {
        Objects.requireNonNull(name, "name == null");
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public List<Room> listVisibleTo(long userId) {
        Set<Long> mine = roomsOfUser.getOrDefault(userId, Set.of());
        List<Room> visible = new ArrayList<>();
        for (Room r : byName.values()) {
            if (r.type() == RoomType.PUBLIC || mine.contains(r.id())) {
                visible.add(r);
            }
        }
        return List.copyOf(visible);
    }

    @Override
    public long addMember(long roomId, long userId, Instant joinedAt) {
        Objects.requireNonNull(joinedAt, "joinedAt == null");
        RoomLogs.RoomLog log = logs.of(roomId);
        log.lock.writeLock().lock();
        try {
            synchronized (membershipLock) {
                Map<Long, Membership> roomMembers = members.computeIfAbsent(roomId, id -> new ConcurrentHashMap<>());
                if (roomMembers.putIfAbsent(userId, new Membership(roomId, userId, joinedAt, 0)) != null) {
                    return 0;
                }
                roomsOfUser.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(roomId);
            }
            return record(log, roomId, userId, MembershipChange.Kind.JOINED, joinedAt);
        } finally {
            log.lock.writeLock().unlock();
        }
    }

    @Override
    public long removeMember(long roomId, long userId, Instant leftAt) {
        Objects.requireNonNull(leftAt, "leftAt == null");
        RoomLogs.RoomLog log = logs.find(roomId);
        if (log == null) {
            return 0;
        }
        log.lock.writeLock().lock();
        try {
            synchronized (membershipLock) {
                Map<Long, Membership> roomMembers = members.get(roomId);
                if (roomMembers == null || roomMembers.remove(userId) == null) {
                    return 0;
                }
                Set<Long> rooms = roomsOfUser.get(userId);
                if (rooms != null) {
                    rooms.remove(roomId);
                }
            }
            return record(log, roomId, userId, MembershipChange.Kind.LEFT, leftAt);
        } finally {
            log.lock.writeLock().unlock();
        }
    }

    private static long record(RoomLogs.RoomLog log, long roomId, long userId, MembershipChange.Kind kind,
            Instant at) {
        long change = log.nextChange();
        log.memberChanges.add(new MembershipChange(roomId, change, userId, kind, at));
        return change;
    }

    @Override
    public List<MembershipChange> findMembershipChanges(long roomId, long afterChange, long upToChange, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
        if (afterChange < 0) {
            throw new IllegalArgumentException("afterChange < 0: " + afterChange);
        }
        RoomLogs.RoomLog log = logs.find(roomId);
        return log == null ? List.of() : log.memberChanges(afterChange, upToChange, limit);
    }

    @Override
    public Optional<Membership> findMembership(long roomId, long userId) {
        Map<Long, Membership> roomMembers = members.get(roomId);
        return roomMembers == null ? Optional.empty() : Optional.ofNullable(roomMembers.get(userId));
    }

    @Override
    public List<Membership> listMembers(long roomId) {
        Map<Long, Membership> roomMembers = members.get(roomId);
        if (roomMembers == null) {
            return List.of();
        }
        List<Membership> list = new ArrayList<>(roomMembers.values());
        list.sort(MEMBER_ORDER);
        return List.copyOf(list);
    }

    @Override
    public List<Membership> listMemberships(long userId) {
        Set<Long> rooms = roomsOfUser.get(userId);
        if (rooms == null) {
            return List.of();
        }
        List<Membership> list = new ArrayList<>(rooms.size());
        for (Long roomId : rooms) {
            findMembership(roomId, userId).ifPresent(list::add);
        }
        return List.copyOf(list);
    }

    @Override
    public boolean markRead(long roomId, long userId, long seq) {
        ConcurrentHashMap<Long, Membership> roomMembers = members.get(roomId);
        if (roomMembers == null) {
            return false;
        }
        // computeIfPresent is atomic per key, so concurrent calls (and a concurrent removal) cannot lose the max.
        Membership now = roomMembers.computeIfPresent(userId, (k, m) -> seq > m.lastReadSeq()
                ? new Membership(m.roomId(), m.userId(), m.joinedAt(), seq)
                : m);
        return now != null;
    }
}
