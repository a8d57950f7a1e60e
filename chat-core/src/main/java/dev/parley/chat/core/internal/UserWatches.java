package dev.parley.chat.core.internal;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.UserListener;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.Notice;
import dev.parley.chat.core.spi.RoomStore;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This node's {@link UserListener}s, by user and by session token hash, fed by the fan-out's notices from every node.
 * A new membership is looked up in the store off the notice thread before the listeners hear of it.
 */
final class UserWatches implements Fanout.NoticeListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UserWatches.class.getName());

    private final RoomStore rooms;
    private final MessageStore messages;
    private final Executor reads;
    private final Subscription notices;
    private final ConcurrentHashMap<Long, CopyOnWriteArrayList<Watch>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Watch>> byToken = new ConcurrentHashMap<>();

    UserWatches(Fanout fanout, RoomStore rooms, MessageStore messages, Executor reads) {
        this.rooms = rooms;
        this.messages = messages;
        this.reads = reads;
        this.notices = fanout.subscribeNotices(this);
    }

    Subscription watch(long userId, String tokenHash, UserListener listener) {
        Watch w = new Watch(userId, tokenHash, listener);
        byUser.computeIfAbsent(userId, u -> new CopyOnWriteArrayList<>()).add(w);
        byToken.computeIfAbsent(tokenHash, t -> new CopyOnWriteArrayList<>()).add(w);
        return w;
    }

    @Override
    public void onNotice(Notice notice) {
        if (notice instanceof Notice.SessionEnded ended) {
            for (Watch w : byToken.getOrDefault(ended.tokenHash(), new CopyOnWriteArrayList<>())) {
                w.call(() -> w.listener.onSessionEnded());
            }
        } else if (notice instanceof Notice.RoomAdded added) {
            List<Watch> watches = byUser.get(added.userId());
            if (watches == null || watches.isEmpty()) {
                return;
            }
            try {
                reads.execute(() -> roomAdded(added));
            } catch (RejectedExecutionException e) {
                // closing
            }
        } else if (notice instanceof Notice.Mentioned mentioned) {
            List<Watch> watches = byUser.get(mentioned.userId());
            if (watches == null || watches.isEmpty()) {
                return;
            }
            try {
                reads.execute(() -> mentioned(mentioned));
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void mentioned(Notice.Mentioned mentioned) {
        Optional<Room> room;
        Optional<Message> message;
        try {
            room = rooms.findById(mentioned.roomId());
            message = messages.findById(mentioned.messageId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read message " + mentioned.messageId() + " to tell user "
                    + mentioned.userId() + " of a mention (" + e.getMessage() + "); their room list counts it");
            return;
        }
        if (room.isEmpty() || message.isEmpty() || message.get().deleted()
                || message.get().roomId() != mentioned.roomId()) {
            return;
        }
        for (Watch w : byUser.getOrDefault(mentioned.userId(), new CopyOnWriteArrayList<>())) {
            w.call(() -> w.listener.onMentioned(room.get(), message.get()));
        }
    }

    private void roomAdded(Notice.RoomAdded added) {
        Optional<Room> room;
        try {
            room = rooms.findById(added.roomId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read room " + added.roomId() + " to announce it to user "
                    + added.userId() + " (" + e.getMessage() + "); their room list shows it on its next load");
            return;
        }
        room.ifPresent(r -> {
            for (Watch w : byUser.getOrDefault(added.userId(), new CopyOnWriteArrayList<>())) {
                w.call(() -> w.listener.onRoomAdded(r));
            }
        });
    }

    @Override
    public void close() {
        notices.close();
        byUser.values().forEach(l -> l.forEach(w -> w.active.set(false)));
        byUser.clear();
        byToken.clear();
    }

    private final class Watch implements Subscription {
        final long userId;
        final String tokenHash;
        final UserListener listener;
        final AtomicBoolean active = new AtomicBoolean(true);

        Watch(long userId, String tokenHash, UserListener listener) {
            this.userId = userId;
            this.tokenHash = tokenHash;
            this.listener = listener;
        }

        void call(Runnable r) {
            if (!active.get()) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a user listener failed", e);
            }
        }

        @Override
        public boolean isActive() {
            return active.get();
        }

        @Override
        public void close() {
            if (active.compareAndSet(true, false)) {
                byUser.computeIfPresent(userId, (u, l) -> {
                    l.remove(this);
                    return l.isEmpty() ? null : l;
                });
                byToken.computeIfPresent(tokenHash, (t, l) -> {
                    l.remove(this);
                    return l.isEmpty() ? null : l;
                });
            }
        }
    }
}
