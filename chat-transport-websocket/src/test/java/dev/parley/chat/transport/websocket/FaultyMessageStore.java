package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real message store behind a wrapper that counts history reads and can make the change-stream reads fail, as a
 * store that has gone away does.
 */
final class FaultyMessageStore implements MessageStore {
    private final MessageStore delegate;
    /** Calls of {@link #findBefore} and {@link #findAfter}: the reads behind a history page. */
    final AtomicInteger historyReads = new AtomicInteger();
    /** While set, {@link #position} and {@link #findChanged} throw {@code storage_unavailable}. */
    volatile boolean changeReadsFail;

    FaultyMessageStore(MessageStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public AppendResult append(NewMessage message) {
        return delegate.append(message);
    }

    @Override
    public Optional<Message> findById(long id) {
        return delegate.findById(id);
    }

    @Override
    public List<Message> findAfter(long roomId, long afterSeq, int limit) {
        historyReads.incrementAndGet();
        return delegate.findAfter(roomId, afterSeq, limit);
    }

    @Override
    public List<Message> findBefore(long roomId, long beforeSeq, int limit) {
        historyReads.incrementAndGet();
        return delegate.findBefore(roomId, beforeSeq, limit);
    }

    @Override
    public long lastSeq(long roomId) {
        return delegate.lastSeq(roomId);
    }

    @Override
    public RoomPosition position(long roomId) {
        failIfAsked();
        return delegate.position(roomId);
    }

    @Override
    public List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit) {
        failIfAsked();
        return delegate.findChanged(roomId, afterChange, upToChange, limit);
    }

    private void failIfAsked() {
        if (changeReadsFail) {
            throw new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, "injected: store unavailable");
        }
    }

    @Override
    public long countUnread(long roomId, long afterSeq, long excludeSenderId) {
        return delegate.countUnread(roomId, afterSeq, excludeSenderId);
    }

    @Override
    public Optional<Message> edit(long id, String body, Instant editedAt) {
        return delegate.edit(id, body, editedAt);
    }

    @Override
    public Optional<Message> delete(long id, Instant deletedAt) {
        return delegate.delete(id, deletedAt);
    }
}
