package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real fan-out that can be told to lose the next room change, as a cross-node bus may. */
final class LossyFanout implements Fanout {
    private final Fanout delegate;
    private final AtomicBoolean dropNext = new AtomicBoolean();

    LossyFanout(Fanout delegate) {
        this.delegate = delegate;
    }

    /** The next room change published is silently dropped. */
    void dropNextChange() {
        dropNext.set(true);
    }

    @Override
    public void publish(ChatEvent event) {
        if (event instanceof ChatEvent.RoomChange && dropNext.compareAndSet(true, false)) {
            return;
        }
        delegate.publish(event);
    }

    @Override
    public String nodeId() {
        return delegate.nodeId();
    }

    @Override
    public void publish(Notice notice) {
        delegate.publish(notice);
    }

    @Override
    public Subscription subscribeNotices(NoticeListener listener) {
        return delegate.subscribeNotices(listener);
    }

    @Override
    public Subscription subscribe(long roomId, Listener listener) {
        return delegate.subscribe(roomId, listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
