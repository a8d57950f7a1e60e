package dev.parley.chat.core.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The listeners registered with one node's fan-out, by room, and its notice listeners: the local half that
 * {@code InProcessFanout} and {@code ClusterFanout} share. Calls listeners on the calling thread, in registration
 * order; a listener that throws is logged and skipped. Thread-safe. Not an API.
 */
public final class LocalListeners {
    private static final System.Logger LOG = System.getLogger(LocalListeners.class.getName());

    private final ConcurrentHashMap<Long, CopyOnWriteArrayList<RoomRegistration>> rooms = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<NoticeRegistration> notices = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates an empty set. */
    public LocalListeners() {
    }

    /**
     * Registers a room listener.
     *
     * @throws IllegalStateException once closed
     */
    public Subscription subscribe(long roomId, Fanout.Listener listener) {
        Objects.requireNonNull(listener, "listener == null");
        checkOpen();
        RoomRegistration r = new RoomRegistration(roomId, listener);
        rooms.compute(roomId, (id, list) -> {
            CopyOnWriteArrayList<RoomRegistration> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(r);
            return l;
        });
        return r;
    }

    /**
     * Registers a notice listener.
     *
     * @throws IllegalStateException once closed
     */
    public Subscription subscribeNotices(Fanout.NoticeListener listener) {
        Objects.requireNonNull(listener, "listener == null");
        checkOpen();
        NoticeRegistration r = new NoticeRegistration(listener);
        notices.add(r);
        return r;
    }

    /** Whether any listener is registered for the room. */
    public boolean hasRoom(long roomId) {
        return rooms.containsKey(roomId);
    }

    /** Delivers a room event to the room's listeners. */
    public void deliver(ChatEvent event) {
        forRoom(event.roomId(), l -> l.onEvent(event));
    }

    /** Tells the room's listeners the room has reached a change. */
    public void hint(long roomId, long change) {
        forRoom(roomId, l -> l.onHint(change));
    }

    /** Delivers a notice to every notice listener. */
    public void deliver(Notice notice) {
        for (NoticeRegistration r : notices) {
            if (r.active.get()) {
                call(() -> r.listener.onNotice(notice), "a notice listener failed");
            }
        }
    }

    /** Tells every listener, room and notice, that events may have been lost. */
    public void possibleLoss() {
        for (List<RoomRegistration> list : rooms.values()) {
            for (RoomRegistration r : list) {
                if (r.active.get()) {
                    call(r.listener::onPossibleLoss, "a fan-out listener failed for room " + r.roomId);
                }
            }
        }
        for (NoticeRegistration r : notices) {
            if (r.active.get()) {
                call(r.listener::onPossibleLoss, "a notice listener failed");
            }
        }
    }

    /** Stops every delivery; later registrations fail. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            rooms.values().forEach(l -> l.forEach(r -> r.active.set(false)));
            rooms.clear();
            notices.forEach(r -> r.active.set(false));
            notices.clear();
        }
    }

    private void forRoom(long roomId, Consumer<Fanout.Listener> action) {
        if (closed.get()) {
            return;
        }
        CopyOnWriteArrayList<RoomRegistration> list = rooms.get(roomId);
        if (list == null) {
            return;
        }
        for (RoomRegistration r : list) {
            if (r.active.get()) {
                call(() -> action.accept(r.listener), "a fan-out listener failed for room " + roomId);
            }
        }
    }

    private static void call(Runnable call, String failure) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, failure, e);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("fan-out is closed");
        }
    }

    private final class RoomRegistration implements Subscription {
        final long roomId;
        final Fanout.Listener listener;
        final AtomicBoolean active = new AtomicBoolean(true);

        RoomRegistration(long roomId, Fanout.Listener listener) {
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

    private final class NoticeRegistration implements Subscription {
        final Fanout.NoticeListener listener;
        final AtomicBoolean active = new AtomicBoolean(true);

        NoticeRegistration(Fanout.NoticeListener listener) {
            this.listener = listener;
        }

        @Override
        public boolean isActive() {
            return active.get();
        }

        @Override
        public void close() {
            if (active.compareAndSet(true, false)) {
                notices.remove(this);
            }
        }
    }
}
