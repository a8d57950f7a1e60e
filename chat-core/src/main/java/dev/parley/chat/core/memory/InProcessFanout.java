package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Fanout} within one process: {@link #publish} calls the room's listeners synchronously on the
 * publishing thread, in registration order. It holds no threads. Listeners must not block (the service's own
 * listeners only enqueue); one that throws is logged and skipped, and the others still receive the event.
 *
 * <p>Use it for a single node. Several nodes need a cross-node implementation (for example over PostgreSQL
 * {@code LISTEN/NOTIFY} or Redis) that publishes to its bus and calls local listeners on receipt.
 */
public final class InProcessFanout implements Fanout {
    private static final System.Logger LOG = System.getLogger(InProcessFanout.class.getName());

    private final ConcurrentHashMap<Long, CopyOnWriteArrayList<Registration>> rooms = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates an empty fan-out. */
    public InProcessFanout() {
    }

    @Override
    public void publish(ChatEvent event) {
        Objects.requireNonNull(event, "event == null");
        if (closed.get()) {
            return;
        }
        CopyOnWriteArrayList<Registration> listeners = rooms.get(event.roomId());
        if (listeners == null) {
            return;
        }
        for (Registration r : listeners) {
            if (!r.active.get()) {
                continue;
            }
            try {
                r.listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "fan-out listener failed for room " + event.roomId(), e);
            }
        }
    }

    @Override
    public Subscription subscribe(long roomId, Listener listener) {
        Objects.requireNonNull(listener, "listener == null");
        if (closed.get()) {
            throw new IllegalStateException("fan-out is closed");
        }
        Registration r = new Registration(roomId, listener);
        rooms.compute(roomId, (id, list) -> {
            CopyOnWriteArrayList<Registration> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(r);
            return l;
        });
        return r;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            rooms.values().forEach(l -> l.forEach(r -> r.active.set(false)));
            rooms.clear();
        }
    }

    private final class Registration implements Subscription {
        final long roomId;
        final Listener listener;
        final AtomicBoolean active = new AtomicBoolean(true);

        Registration(long roomId, Listener listener) {
            this.roomId = roomId;
            this.listener = listener;
        }

        @Override
        public boolean isActive() {
            return active.get();
        }

        @Override
        public void close() {
            if (active.compareAndSet(true, false)) {
                rooms.computeIfPresent(roomId, (id, list) -> {
                    list.remove(this);
                    return list.isEmpty() ? null : list;
                });
            }
        }
    }
}
