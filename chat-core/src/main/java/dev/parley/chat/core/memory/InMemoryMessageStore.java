package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.SearchQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * A {@link MessageStore} keeping each room's messages in a list indexed by {@code seq - 1}; sequences are dense, so
 * a history read is an index computation plus a copy of at most {@code limit} elements. Each message is also indexed
 * by its current change number, for change-stream reads.
 *
 * <p>Locking: each room's {@link RoomLogs.RoomLog} has a read-write lock, shared with the room store's joins and
 * leaves. {@link #append}, {@link #edit} and {@link #delete} take the room's next change number and write under the
 * room's write lock, so numbers are gap-free and a reader (under the read lock) that sees change {@code n} sees
 * every lower one. Appends carrying a client message id additionally hold a per-sender lock around the idempotency
 * check and the insert, so concurrent retries store exactly one message; the order is always sender lock, then room
 * lock. Edits and deletes replace the immutable {@link Message}.
 */
final class InMemoryMessageStore implements MessageStore {
    /** Where a message lives. */
    private record Ref(RoomLogs.RoomLog log, int index) {
    }

    /** The sender's idempotency key. */
    private record IdempotencyKey(long senderId, String clientMsgId) {
    }

    /** What the first append with a key stored: its room, its body as first sent and the resulting message. */
    private record IdempotencyEntry(long roomId, String body, long messageId) {
    }

    private final AtomicLong ids = new AtomicLong(1);
    private final RoomLogs rooms;
    private final ConcurrentHashMap<Long, Ref> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<IdempotencyKey, IdempotencyEntry> idempotency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Object> senderLocks = new ConcurrentHashMap<>();

    InMemoryMessageStore(RoomLogs rooms) {
        this.rooms = rooms;
    }

    @Override
    public AppendResult append(NewMessage message) {
        Objects.requireNonNull(message, "message == null");
        if (message.clientMsgId() == null) {
            return new AppendResult(insert(message), true);
        }
        IdempotencyKey key = new IdempotencyKey(message.senderId(), message.clientMsgId());
        Object senderLock = senderLocks.computeIfAbsent(message.senderId(), id -> new Object());
        synchronized (senderLock) {
            IdempotencyEntry first = idempotency.get(key);
            if (first != null) {
                Message original = findById(first.messageId())
                        .orElseThrow(() -> new IllegalStateException("lost message " + first.messageId()));
                boolean changedSince = original.editedAt() != null;
                if (first.roomId() != message.roomId()
                        || (!changedSince && !original.body().equals(message.body()))) {
                    throw ChatException.of(ErrorCode.IDEMPOTENCY_CONFLICT,
                            "client message id already used for a different room or body");
                }
                return new AppendResult(original, false);
            }
            Message stored = insert(message);
            idempotency.put(key, new IdempotencyEntry(message.roomId(), message.body(), stored.id()));
            return new AppendResult(stored, true);
        }
    }

    private Message insert(NewMessage m) {
        RoomLogs.RoomLog log = rooms.of(m.roomId());
        Lock w = log.lock.writeLock();
        w.lock();
        try {
            int index = log.messages.size();
            Message stored = new Message(ids.getAndIncrement(), m.roomId(), m.room(), index + 1L, log.nextChange(),
                    m.senderId(), m.sender(), m.body(), m.createdAt(), m.clientMsgId(), null, false);
            log.messages.add(stored);
            log.byChange.put(stored.change(), stored);
            byId.put(stored.id(), new Ref(log, index));
            return stored;
        } finally {
            w.unlock();
        }
    }

    @Override
    public Optional<Message> findById(long id) {
        Ref ref = byId.get(id);
        if (ref == null) {
            return Optional.empty();
        }
        Lock r = ref.log().lock.readLock();
        r.lock();
        try {
            return Optional.of(ref.log().messages.get(ref.index()));
        } finally {
            r.unlock();
        }
    }

    /**
     * The search of {@link InMemoryChatStorage#search()}: a scan down from the cursor over ids (which are dense), each
     * message read in its current state. Costs O(messages below the cursor) in the worst case, which suits the sizes
     * this store is for.
     */
    List<Message> search(SearchQuery query) {
        Objects.requireNonNull(query, "query == null");
        Set<Long> roomIds = query.roomIds();
        List<Message> found = new ArrayList<>();
        long from = Math.min(query.beforeId() - 1, ids.get() - 1);
        for (long id = from; id >= 1 && found.size() < query.limit() && !roomIds.isEmpty(); id--) {
            findById(id).filter(m -> roomIds.contains(m.roomId()) && !m.deleted() && query.terms().matches(m.body()))
                    .ifPresent(found::add);
        }
        return found;
    }

    @Override
    public List<Message> findAfter(long roomId, long afterSeq, int limit) {
        requireLimit(limit);
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq < 0: " + afterSeq);
        }
        RoomLogs.RoomLog log = rooms.find(roomId);
        if (log == null) {
            return List.of();
        }
        Lock r = log.lock.readLock();
        r.lock();
        try {
            int size = log.messages.size();
            int from = (int) Math.min(afterSeq, size);
            int to = (int) Math.min((long) from + limit, size);
            return List.copyOf(log.messages.subList(from, to));
        } finally {
            r.unlock();
        }
    }

    @Override
    public List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        requireLimit(limit);
        RoomLogs.RoomLog log = rooms.find(roomId);
        if (log == null || beforeSeq <= 1) {
            return List.of();
        }
        Lock r = log.lock.readLock();
        r.lock();
        try {
            int size = log.messages.size();
            int to = (int) Math.min(beforeSeq - 1, size);
            int from = Math.max(0, to - limit);
            return List.copyOf(log.messages.subList(from, to));
        } finally {
            r.unlock();
        }
    }

    @Override
    public RoomPosition position(long roomId) {
        RoomLogs.RoomLog log = rooms.find(roomId);
        return log == null ? RoomPosition.EMPTY : log.position();
    }

    @Override
    public List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit) {
        requireLimit(limit);
        if (afterChange < 0) {
            throw new IllegalArgumentException("afterChange < 0: " + afterChange);
        }
        RoomLogs.RoomLog log = rooms.find(roomId);
        if (log == null || upToChange <= afterChange) {
            return List.of();
        }
        Lock r = log.lock.readLock();
        r.lock();
        try {
            List<Message> result = new ArrayList<>(Math.min(limit, 64));
            for (Message m : log.byChange.subMap(afterChange, false, upToChange, true).values()) {
                if (result.size() == limit) {
                    break;
                }
                result.add(m);
            }
            return List.copyOf(result);
        } finally {
            r.unlock();
        }
    }

    @Override
    public long countUnread(long roomId, long afterSeq, long excludeSenderId) {
        RoomLogs.RoomLog log = rooms.find(roomId);
        if (log == null) {
            return 0;
        }
        Lock r = log.lock.readLock();
        r.lock();
        try {
            long count = 0;
            for (int i = (int) Math.min(Math.max(afterSeq, 0), log.messages.size()); i < log.messages.size(); i++) {
                Message m = log.messages.get(i);
                if (!m.deleted() && m.senderId() != excludeSenderId) {
                    count++;
                }
            }
            return count;
        } finally {
            r.unlock();
        }
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt) {
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(editedAt, "editedAt == null");
        Ref ref = byId.get(id);
        if (ref == null) {
            return Optional.empty();
        }
        Lock w = ref.log().lock.writeLock();
        w.lock();
        try {
            Message m = ref.log().messages.get(ref.index());
            if (m.deleted()) {
                return Optional.empty();
            }
            Message edited = new Message(m.id(), m.roomId(), m.room(), m.seq(), ref.log().nextChange(),
                    m.senderId(), m.sender(), body, m.createdAt(), m.clientMsgId(), editedAt, false);
            ref.log().replace(m, edited);
            return Optional.of(edited);
        } finally {
            w.unlock();
        }
    }

    @Override
    public Optional<Message> delete(long id, Instant deletedAt) {
        Objects.requireNonNull(deletedAt, "deletedAt == null");
        Ref ref = byId.get(id);
        if (ref == null) {
            return Optional.empty();
        }
        Lock w = ref.log().lock.writeLock();
        w.lock();
        try {
            Message m = ref.log().messages.get(ref.index());
            if (m.deleted()) {
                return Optional.of(m);
            }
            Message deleted = new Message(m.id(), m.roomId(), m.room(), m.seq(), ref.log().nextChange(),
                    m.senderId(), m.sender(), "", m.createdAt(), m.clientMsgId(), deletedAt, true);
            ref.log().replace(m, deleted);
            return Optional.of(deleted);
        } finally {
            w.unlock();
        }
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
    }
}
