package dev.parley.chat.examples.customstore;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A third-party {@link MessageStore}: one list of messages per room, every method {@code synchronized} on the store.
 * The simplest correct implementation of the SPI — one lock makes sequence and change numbers gap-free,
 * idempotency atomic and reads consistent — and proven so by {@code chat-testkit}'s contract suites (see its test).
 *
 * <h2>Why it also hands out the room store</h2>
 * Every change to a room takes the room's next change number, from one counter: a message posted, edited or
 * deleted here, and a member joining or leaving in the {@link RoomStore}. A message store therefore cannot be paired
 * with just any room store. This one keeps each room's counter and its log of joins and leaves itself, and offers
 * {@link #rooms()}: a room store that leaves rooms and memberships to the room store it wraps (the in-memory one
 * here), but takes every join and leave under this store's lock and numbers it from this store's counter. The
 * wrapped store's own change numbers are ignored; once wrapped, use it only through {@link #rooms()}.
 *
 * <pre>{@code
 * InMemoryChatStorage memory = InMemoryChatStorage.create();
 * ListMessageStore messages = new ListMessageStore(memory.rooms());
 * ChatStorage storage = ChatStorage.of(memory.users(), memory.sessions(), messages.rooms(), messages);
 * }</pre>
 *
 * <p>Thread-safe; every change and every read of messages and of the change log is serialised, which is fine for a
 * demo or a small deployment. Reads scan a room's list: {@link #findChanged} costs O(messages in the room).
 */
public final class ListMessageStore implements MessageStore {
    /** One room: its messages, its joins and leaves, and its change counter. */
    private static final class RoomLog {
        /** The message with sequence {@code s} is at index {@code s - 1}, in its current state. */
        final List<Message> messages = new ArrayList<>();
        /** Joins and leaves, ascending by change. */
        final List<MembershipChange> memberChanges = new ArrayList<>();
        /** The room's newest change number: posts, edits, deletes, joins and leaves alike. */
        long lastChange;
    }

    /** What reads see of a room nothing happened in yet. Never written. */
    private static final RoomLog NOTHING_YET = new RoomLog();

    private final Map<Long, RoomLog> logs = new HashMap<>();
    /** Per message id: the message in its current state. */
    private final Map<Long, Message> byId = new HashMap<>();
    /** Per (sender, clientMsgId): the first body sent and the message's id. */
    private final Map<String, Sent> sentByClientId = new HashMap<>();
    private long nextId = 1;
    private final RoomStore rooms;

    private record Sent(String body, long messageId) {
    }

    /**
     * Creates an empty store.
     *
     * @param roomState where {@link #rooms()} keeps rooms and memberships, for example
     *     {@code InMemoryChatStorage.create().rooms()}; from now on use it only through {@link #rooms()}
     */
    public ListMessageStore(RoomStore roomState) {
        this.rooms = new NumberedRooms(roomState);
    }

    /**
     * The room store to pair with this message store: joins and leaves take their change numbers from the same
     * counter as messages.
     *
     * @return the same instance on every call
     */
    public RoomStore rooms() {
        return rooms;
    }

    @Override
    public synchronized AppendResult append(NewMessage m) {
        String key = m.clientMsgId() == null ? null : m.senderId() + "/" + m.clientMsgId();
        Sent sent = key == null ? null : sentByClientId.get(key);
        if (sent != null) { // a retry: the original, or a conflict if the room or the unedited body differs
            Message original = byId.get(sent.messageId());
            if (original.roomId() != m.roomId() || (original.editedAt() == null && !sent.body().equals(m.body()))) {
                throw ChatException.of(ErrorCode.IDEMPOTENCY_CONFLICT, "clientMsgId reused for another message");
            }
            return new AppendResult(original, false);
        }
        RoomLog log = logOf(m.roomId());
        Message stored = new Message(nextId++, m.roomId(), m.room(), log.messages.size() + 1L, ++log.lastChange,
                m.senderId(), m.sender(), m.body(), m.createdAt(), m.clientMsgId(), null, false);
        log.messages.add(stored);
        byId.put(stored.id(), stored);
        if (key != null) {
            sentByClientId.put(key, new Sent(m.body(), stored.id()));
        }
        return new AppendResult(stored, true);
    }

    @Override
    public synchronized Optional<Message> findById(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<Message> findAfter(long roomId, long afterSeq, int limit) {
        List<Message> log = logs.getOrDefault(roomId, NOTHING_YET).messages;
        int from = (int) Math.min(afterSeq, log.size());
        return List.copyOf(log.subList(from, (int) Math.min(log.size(), (long) from + limit)));
    }

    @Override
    public synchronized List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        List<Message> log = logs.getOrDefault(roomId, NOTHING_YET).messages;
        int to = (int) Math.max(0, Math.min(beforeSeq - 1, log.size()));
        return List.copyOf(log.subList(Math.max(0, to - limit), to));
    }

    @Override
    public synchronized RoomPosition position(long roomId) {
        RoomLog log = logs.getOrDefault(roomId, NOTHING_YET);
        return new RoomPosition(log.messages.size(), log.lastChange);
    }

    @Override
    public synchronized List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit) {
        return logs.getOrDefault(roomId, NOTHING_YET).messages.stream()
                .filter(m -> m.change() > afterChange && m.change() <= upToChange)
                .sorted(Comparator.comparingLong(Message::change))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long countUnread(long roomId, long afterSeq, long excludeSenderId) {
        return findAfter(roomId, Math.max(0, afterSeq), Integer.MAX_VALUE).stream()
                .filter(m -> !m.deleted() && m.senderId() != excludeSenderId).count();
    }

    @Override
    public synchronized Optional<Message> edit(long id, String body, Instant editedAt) {
        return findById(id).filter(m -> !m.deleted()).map(m -> replace(m, body, editedAt, false));
    }

    @Override
    public synchronized Optional<Message> delete(long id, Instant deletedAt) {
        return findById(id).map(m -> m.deleted() ? m : replace(m, "", deletedAt, true));
    }

    /** Replaces a message in place, as the room's next change: same id, same sequence. */
    private Message replace(Message m, String body, Instant editedAt, boolean deleted) {
        RoomLog log = logOf(m.roomId());
        Message changed = new Message(m.id(), m.roomId(), m.room(), m.seq(), ++log.lastChange, m.senderId(),
                m.sender(), body, m.createdAt(), m.clientMsgId(), editedAt, deleted);
        log.messages.set((int) m.seq() - 1, changed);
        byId.put(m.id(), changed);
        return changed;
    }

    /** Records a join or a leave as the room's next change; the caller holds the lock. */
    private long recordMembershipChange(long roomId, long userId, MembershipChange.Kind kind, Instant at) {
        RoomLog log = logOf(roomId);
        long change = ++log.lastChange;
        log.memberChanges.add(new MembershipChange(roomId, change, userId, kind, at));
        return change;
    }

    private RoomLog logOf(long roomId) {
        return logs.computeIfAbsent(roomId, id -> new RoomLog());
    }

    /**
     * The room store of {@link #rooms()}: rooms, memberships and read positions stay in the wrapped store, which is
     * thread-safe on its own; joins and leaves change it and take their number under the message store's lock, so
     * a reader of positions or of the change log (which takes that lock too) sees a membership change together with
     * its number or not at all. Membership reads go straight to the wrapped store.
     */
    private final class NumberedRooms implements RoomStore {
        private final RoomStore state;

        NumberedRooms(RoomStore state) {
            this.state = state;
        }

        @Override
        public long addMember(long roomId, long userId, Instant joinedAt) {
            synchronized (ListMessageStore.this) { // 0 from the wrapped store: already a member, no change
                return state.addMember(roomId, userId, joinedAt) == 0 ? 0
                        : recordMembershipChange(roomId, userId, MembershipChange.Kind.JOINED, joinedAt);
            }
        }

        @Override
        public long removeMember(long roomId, long userId, Instant leftAt) {
            synchronized (ListMessageStore.this) { // 0 from the wrapped store: not a member, no change
                return state.removeMember(roomId, userId, leftAt) == 0 ? 0
                        : recordMembershipChange(roomId, userId, MembershipChange.Kind.LEFT, leftAt);
            }
        }

        @Override
        public List<MembershipChange> findMembershipChanges(long roomId, long afterChange, long upToChange,
                int limit) {
            synchronized (ListMessageStore.this) {
                return logs.getOrDefault(roomId, NOTHING_YET).memberChanges.stream()
                        .filter(c -> c.change() > afterChange && c.change() <= upToChange)
                        .limit(limit)
                        .toList();
            }
        }

        // The rest is the wrapped store's.

        @Override
        public Room create(NewRoom room) {
            return state.create(room);
        }

        @Override
        public Optional<Room> findById(long id) {
            return state.findById(id);
        }

        @Override
        public Optional<Room> findByName(String name) {
            return state.findByName(name);
        }

        @Override
        public List<Room> listVisibleTo(long userId) {
            return state.listVisibleTo(userId);
        }

        @Override
        public Optional<Membership> findMembership(long roomId, long userId) {
            return state.findMembership(roomId, userId);
        }

        @Override
        public List<Membership> listMembers(long roomId) {
            return state.listMembers(roomId);
        }

        @Override
        public List<Membership> listMemberships(long userId) {
            return state.listMemberships(userId);
        }

        @Override
        public boolean markRead(long roomId, long userId, long seq) {
            return state.markRead(roomId, userId, seq);
        }
    }
}
