package dev.parley.chat.examples.customstore;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A third-party {@link MessageStore}: one append-only list per room, every method {@code synchronized} on the store.
 * The simplest correct implementation of the SPI — one lock makes sequence numbers gap-free, idempotency atomic and
 * reads consistent — and proven so by {@code chat-testkit}'s contract suites (see its test). Plug it in next to the
 * in-memory user, session and room stores:
 *
 * <pre>{@code
 * InMemoryChatStorage memory = InMemoryChatStorage.create();
 * ChatStorage storage = ChatStorage.of(memory.users(), memory.sessions(), memory.rooms(), new ListMessageStore());
 * }</pre>
 *
 * <p>Thread-safe; every call is serialised, which is fine for a demo or a small deployment.
 */
public final class ListMessageStore implements MessageStore {
    /** Per room: the message with sequence {@code s} is at index {@code s - 1}. */
    private final Map<Long, List<Message>> rooms = new HashMap<>();
    /** Per message id: where it is. */
    private final Map<Long, Where> byId = new HashMap<>();
    /** Per (sender, clientMsgId): the first body sent and the message's id. */
    private final Map<String, Sent> sentByClientId = new HashMap<>();
    private long nextId = 1;

    private record Sent(String body, long messageId) {
    }

    private record Where(List<Message> log, int index) {
    }

    @Override
    public synchronized AppendResult append(NewMessage m) {
        String key = m.clientMsgId() == null ? null : m.senderId() + "/" + m.clientMsgId();
        Sent sent = key == null ? null : sentByClientId.get(key);
        if (sent != null) { // a retry: the original, or a conflict if the room or the unedited body differs
            Message original = findById(sent.messageId()).orElseThrow();
            if (original.roomId() != m.roomId() || (original.editedAt() == null && !sent.body().equals(m.body()))) {
                throw ChatException.of(ErrorCode.IDEMPOTENCY_CONFLICT, "clientMsgId reused for another message");
            }
            return new AppendResult(original, false);
        }
        List<Message> log = rooms.computeIfAbsent(m.roomId(), id -> new ArrayList<>());
        Message stored = new Message(nextId++, m.roomId(), m.room(), log.size() + 1L, m.senderId(), m.sender(),
                m.body(), m.createdAt(), m.clientMsgId(), null, false);
        log.add(stored);
        byId.put(stored.id(), new Where(log, log.size() - 1));
        if (key != null) {
            sentByClientId.put(key, new Sent(m.body(), stored.id()));
        }
        return new AppendResult(stored, true);
    }

    @Override
    public synchronized Optional<Message> findById(long id) {
        Where where = byId.get(id);
        return where == null ? Optional.empty() : Optional.of(where.log().get(where.index()));
    }

    @Override
    public synchronized List<Message> findAfter(long roomId, long afterSeq, int limit) {
        List<Message> log = rooms.getOrDefault(roomId, List.of());
        int from = (int) Math.min(afterSeq, log.size());
        return List.copyOf(log.subList(from, (int) Math.min(log.size(), (long) from + limit)));
    }

    @Override
    public synchronized List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        List<Message> log = rooms.getOrDefault(roomId, List.of());
        int to = (int) Math.max(0, Math.min(beforeSeq - 1, log.size()));
        return List.copyOf(log.subList(Math.max(0, to - limit), to));
    }

    @Override
    public synchronized long lastSeq(long roomId) {
        return rooms.getOrDefault(roomId, List.of()).size();
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

    /** Replaces a message in place: same id, same sequence. */
    private Message replace(Message m, String body, Instant editedAt, boolean deleted) {
        Message changed = new Message(m.id(), m.roomId(), m.room(), m.seq(), m.senderId(), m.sender(), body,
                m.createdAt(), m.clientMsgId(), editedAt, deleted);
        Where where = byId.get(m.id());
        where.log().set(where.index(), changed);
        return changed;
    }
}
