package dev.parley.chat.testkit;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.util.Objects;

/**
 * A {@link Fanout} that forwards every call to another: tests override the calls they want to break (drop, fail,
 * reorder a publish) and keep a real fan-out behind the rest. Thread-safe if the delegate is.
 */
public class ForwardingFanout implements Fanout {
    private final Fanout delegate;

    /**
     * Forwards to {@code delegate}.
     *
     * @param delegate the real fan-out
     */
    public ForwardingFanout(Fanout delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    }

    /**
     * The fan-out calls are forwarded to.
     *
     * @return the delegate
     */
    protected final Fanout delegate() {
        return delegate;
    }

    @Override
    public String nodeId() {
        return delegate.nodeId();
    }

    @Override
    public void publish(ChatEvent event) {
        delegate.publish(event);
    }

    @Override
    public void publish(Notice notice) {
        delegate.publish(notice);
    }

    @Override
    public Subscription subscribe(long roomId, Listener listener) {
        return delegate.subscribe(roomId, listener);
    }

    @Override
    public Subscription subscribeNotices(NoticeListener listener) {
        return delegate.subscribeNotices(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
