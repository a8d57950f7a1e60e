package dev.parley.chat.server;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;

/**
 * Counts for {@code /metrics} what this node publishes: the messages (every send, over REST or the WebSocket, passes
 * through here once it is stored; an idempotent retry is published again and so counted again), and the publishes
 * that failed. A failed publish is counted and rethrown: the service logs it and repairs its subscribers from the
 * store, and the change it carried stays committed.
 */
final class CountingFanout implements Fanout {
    private final Fanout delegate;
    private final Metrics metrics;

    CountingFanout(Fanout delegate, Metrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public void publish(ChatEvent event) {
        if (event instanceof ChatEvent.MessagePosted) {
            metrics.messageSent();
        }
        try {
            delegate.publish(event);
        } catch (RuntimeException e) {
            metrics.publishFailed();
            throw e;
        }
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
