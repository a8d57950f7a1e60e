package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatException;
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
import dev.parley.chat.core.spi.SearchQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.BiPredicate;
import java.util.function.LongFunction;

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
 * lock. Edits, deletes and reactions replace the immutable {@link Message}.
 *
 * <p>A reply is stored with the preview of its original as it was then, and every read refreshes the preview from
 * the original's current state (the original is in the same room, so under the same lock): replies show edits and
 * deletions of the original, as the SQL stores' join does.
 */
final class InMemoryMessageStore implements MessageStore {
    /** Where a message lives. */
    private record Ref(RoomLogs.RoomLog log, int index) {
    }

    /** The sender's idempotency key. */
    private record IdempotencyKey(long senderId, String clientMsgId) {
    }

    /** What the first append with a key stored: its room, reply target, body as first sent and the message. */
    private record IdempotencyEntry(long roomId, long replyTo, String body, long messageId) {
    }

    private final AtomicLong ids = new AtomicLong(1);
    private final RoomLogs rooms;
    private final ConcurrentHashMap<Long, Ref> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<IdempotencyKey, IdempotencyEntry> idempotency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Object> senderLocks = new ConcurrentHashMap<>();

    /** Reactions keep user ids; a message lists usernames, which never change. */
    private final LongFunction<String> usernames;

    InMemoryMessageStore(RoomLogs rooms, LongFunction<String> usernames) {
        this.rooms = rooms;
        this.usernames = usernames;
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
                if (first.roomId() != message.roomId() || first.replyTo() != message.replyTo()
                        || (!changedSince && !original.body().equals(message.body()))) {
                    throw ChatException.of(ErrorCode.IDEMPOTENCY_CONFLICT,
                            "client message id already used for a different room or body");
                }
                return new AppendResult(original, false);
            }
            Message stored = insert(message);
            idempotency.put(key, new IdempotencyEntry(message.roomId(), message.replyTo(), message.body(), stored.id()));
            return new AppendResult(stored, true);
        }
    }

    private Message insert(NewMessage m) {
        RoomLogs.RoomLog log = rooms.of(m.roomId());
        Lock w = log.lock.writeLock();
        w.lock();
        try {
            ReplyPreview replyTo = null;
            if (m.replyTo() != 0) {
                Ref target = byId.get(m.replyTo());
                Message original = target == null || target.log() != log ? null : log.messages.get(target.index());
                if (original == null || original.deleted()) {
                    throw ChatException.of(ErrorCode.INVALID_REPLY, "cannot reply to that message");
                }
                replyTo = ReplyPreview.of(original);
            }
            int index = log.messages.size();
            Message stored = new Message(ids.getAndIncrement(), m.roomId(), m.room(), index + 1L, log.nextChange(),
                    m.senderId(), m.sender(), m.body(), m.createdAt(), m.clientMsgId(), null, false, replyTo,
                    List.of(), usernames(m.mentions()));
            log.messages.add(stored);
            log.byChange.put(stored.change(), stored);
            log.kinds.put(stored.id(), ChangedMessage.Kind.POSTED);
            log.mentionIds.put(stored.id(), ids(m.mentions()));
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
            return Optional.of(fresh(ref.log(), ref.log().messages.get(ref.index())));
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
            return fresh(log, log.messages.subList(from, to));
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
            return fresh(log, log.messages.subList(from, to));
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
        List<ChangedMessage> changes = findChanges(roomId, afterChange, upToChange, limit);
        List<Message> result = new ArrayList<>(changes.size());
        for (ChangedMessage c : changes) {
            result.add(c.message());
        }
        return result;
    }

    @Override
    public List<ChangedMessage> findChanges(long roomId, long afterChange, long upToChange, int limit) {
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
            List<ChangedMessage> result = new ArrayList<>(Math.min(limit, 64));
            for (Message m : log.byChange.subMap(afterChange, false, upToChange, true).values()) {
                if (result.size() == limit) {
                    break;
                }
                result.add(new ChangedMessage(fresh(log, m), log.kinds.get(m.id())));
            }
            return List.copyOf(result);
        } finally {
            r.unlock();
        }
    }

    @Override
    public long countUnread(long roomId, long afterSeq, long excludeSenderId) {
        return countAfter(roomId, afterSeq, (log, m) -> !m.deleted() && m.senderId() != excludeSenderId);
    }

    @Override
    public long countUnreadMentions(long roomId, long afterSeq, long userId) {
        return countAfter(roomId, afterSeq, (log, m) -> !m.deleted() && m.senderId() != userId
                && log.mentionIds.getOrDefault(m.id(), List.of()).contains(userId));
    }

    /** Counts the room's messages after a sequence that match, under the room's read lock. */
    private long countAfter(long roomId, long afterSeq, BiPredicate<RoomLogs.RoomLog, Message> counts) {
        RoomLogs.RoomLog log = rooms.find(roomId);
        if (log == null) {
            return 0;
        }
        Lock r = log.lock.readLock();
        r.lock();
        try {
            long count = 0;
            for (int i = (int) Math.min(Math.max(afterSeq, 0), log.messages.size()); i < log.messages.size(); i++) {
                if (counts.test(log, log.messages.get(i))) {
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
        return edit(id, body, editedAt, null);
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt, List<User> mentions) {
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
                    m.senderId(), m.sender(), body, m.createdAt(), m.clientMsgId(), editedAt, false, m.replyTo(),
                    m.reactions(), mentions == null ? m.mentions() : usernames(mentions));
            if (mentions != null) {
                ref.log().mentionIds.put(m.id(), ids(mentions));
            }
            ref.log().replace(m, edited);
            ref.log().kinds.put(m.id(), ChangedMessage.Kind.EDITED);
            return Optional.of(fresh(ref.log(), edited));
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
                return Optional.of(fresh(ref.log(), m));
            }
            Message deleted = new Message(m.id(), m.roomId(), m.room(), m.seq(), ref.log().nextChange(),
                    m.senderId(), m.sender(), "", m.createdAt(), m.clientMsgId(), deletedAt, true, m.replyTo(),
                    m.reactions(), m.mentions());
            ref.log().replace(m, deleted);
            ref.log().kinds.put(m.id(), ChangedMessage.Kind.DELETED);
            return Optional.of(fresh(ref.log(), deleted));
        } finally {
            w.unlock();
        }
    }

    @Override
    public Optional<ReactionResult> react(long messageId, long userId, String emoji, boolean add, int maxEmoji,
            Instant at) {
        Objects.requireNonNull(emoji, "emoji == null");
        Ref ref = byId.get(messageId);
        if (ref == null) {
            return Optional.empty();
        }
        RoomLogs.RoomLog log = ref.log();
        Lock w = log.lock.writeLock();
        w.lock();
        try {
            Message m = log.messages.get(ref.index());
            if (m.deleted()) {
                throw ChatException.of(ErrorCode.MESSAGE_DELETED, "message was deleted");
            }
            List<RoomLogs.Reactor> reactors = log.reactions.computeIfAbsent(m.id(), id -> new ArrayList<>());
            RoomLogs.Reactor reactor = new RoomLogs.Reactor(userId, emoji);
            if (reactors.contains(reactor) == add) {
                return Optional.of(new ReactionResult(fresh(log, m), false));
            }
            if (add) {
                boolean newEmoji = reactors.stream().noneMatch(x -> x.emoji().equals(emoji));
                if (newEmoji && m.reactions().size() >= maxEmoji) {
                    throw ChatException.of(ErrorCode.TOO_MANY_REACTIONS,
                            "a message carries at most " + maxEmoji + " different emoji");
                }
                reactors.add(reactor);
            } else {
                reactors.remove(reactor);
            }
            Message reacted = m.withReactions(log.nextChange(), reactionsOf(reactors));
            log.replace(m, reacted);
            log.kinds.put(m.id(), ChangedMessage.Kind.REACTED);
            return Optional.of(new ReactionResult(fresh(log, reacted), true));
        } finally {
            w.unlock();
        }
    }

    /** The reactions in their documented order: emoji by first reaction, users by reaction. */
    private List<Reaction> reactionsOf(List<RoomLogs.Reactor> reactors) {
        Map<String, List<String>> byEmoji = new LinkedHashMap<>();
        for (RoomLogs.Reactor r : reactors) {
            byEmoji.computeIfAbsent(r.emoji(), e -> new ArrayList<>()).add(usernames.apply(r.userId()));
        }
        List<Reaction> result = new ArrayList<>(byEmoji.size());
        byEmoji.forEach((emoji, users) -> result.add(new Reaction(emoji, users)));
        return result;
    }

    /** The message with its reply preview read from the original as it is now; the caller holds a lock of log. */
    private Message fresh(RoomLogs.RoomLog log, Message m) {
        ReplyPreview stale = m.replyTo();
        if (stale == null) {
            return m;
        }
        ReplyPreview now = ReplyPreview.of(log.messages.get((int) (stale.seq() - 1)));
        return now.equals(stale) ? m : new Message(m.id(), m.roomId(), m.room(), m.seq(), m.change(), m.senderId(),
                m.sender(), m.body(), m.createdAt(), m.clientMsgId(), m.editedAt(), m.deleted(), now, m.reactions(),
                m.mentions());
    }

    private List<Message> fresh(RoomLogs.RoomLog log, List<Message> page) {
        List<Message> result = new ArrayList<>(page.size());
        for (Message m : page) {
            result.add(fresh(log, m));
        }
        return List.copyOf(result);
    }

    private static List<String> usernames(List<User> users) {
        List<String> names = new ArrayList<>(users.size());
        for (User u : users) {
            names.add(u.username());
        }
        return names;
    }

    private static List<Long> ids(List<User> users) {
        List<Long> ids = new ArrayList<>(users.size());
        for (User u : users) {
            ids.add(u.id());
        }
        return ids;
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
    }
}
