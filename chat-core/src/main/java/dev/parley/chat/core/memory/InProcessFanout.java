package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.internal.LocalListeners;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link Fanout} within one process: {@link #publish} calls the room's listeners (and {@link #publish(Notice)} the
 * notice listeners) synchronously on the publishing thread, in registration order. It holds no threads. Listeners
 * must not block (the service's own listeners only enqueue); one that throws is logged and skipped, and the others
 * still receive the event.
 *
 * <p>Use it for a single node. Several nodes need {@link dev.parley.chat.core.cluster.ClusterFanout} over a bus
 * (PostgreSQL {@code LISTEN/NOTIFY} or Redis).
 */
public final class InProcessFanout implements Fanout {
    private final LocalListeners local = new LocalListeners();
    private final String nodeId = "local-" + UUID.randomUUID();

    /** Creates an empty fan-out. */
    public InProcessFanout() {
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void publish(ChatEvent event) {
        Objects.requireNonNull(event, "event == null");
        local.deliver(event);
    }

    @Override
    public void publish(Notice notice) {
        Objects.requireNonNull(notice, "notice == null");
        local.deliver(notice);
    }

    @Override
    public Subscription subscribe(long roomId, Listener listener) {
        return local.subscribe(roomId, listener);
    }

    @Override
    public Subscription subscribeNotices(NoticeListener listener) {
        return local.subscribeNotices(listener);
    }

    @Override
    public void close() {
        local.close();
    }
}
