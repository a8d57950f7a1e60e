package dev.parley.chat.server;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import java.util.function.Consumer;

/**
 * Counts the messages this node publishes, for {@code /metrics}: every send, over REST or the WebSocket, passes
 * through here once it is stored. An idempotent retry is published again and so counted again.
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
        delegate.publish(event);
    }

    @Override
    public Subscription subscribe(long roomId, Consumer<ChatEvent> listener) {
        return delegate.subscribe(roomId, listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
