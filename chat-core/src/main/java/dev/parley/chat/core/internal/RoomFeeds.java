package dev.parley.chat.core.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MessageStore;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns the fan-out's hints into ordered, gap-free streams. One {@link Feed} per room with local subscribers
 * listens to the {@link Fanout}, drops duplicates, fills gaps from the {@link MessageStore} and hands each event
 * to every subscriber: the same event instance to all, so per-event work (encoding a frame) can be shared.
 *
 * <p>Locking: the registry lock guards only the map of feeds and their reference counts; each feed's own monitor
 * serialises its events and subscriber changes. Store reads under a feed's monitor happen only to fill a gap,
 * which a single node with an ordered store never produces.
 */
final class RoomFeeds implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoomFeeds.class.getName());
    private static final int PAGE = 500;

    private final Fanout fanout;
    private final MessageStore messages;
    private final Map<Long, Feed> feeds = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    RoomFeeds(Fanout fanout, MessageStore messages) {
        this.fanout = fanout;
        this.messages = messages;
    }

    /**
     * Subscribes; see {@link dev.parley.chat.core.ChatService#subscribe} for the guarantees. Replay runs on the
     * calling thread.
     */
    Subscription subscribe(long roomId, long userId, long afterSeq, int maxReplay, ChatListener listener) {
        Feed feed = acquire(roomId);
        FeedSubscription sub = new FeedSubscription(feed, userId, listener);
        long target;
        try {
            target = feed.attach(sub, afterSeq < 0);
        } catch (RuntimeException e) {
            release(feed);
            throw e;
        }
        if (afterSeq < 0) {
            return sub;
        }
        try {
            if (target - afterSeq > maxReplay) {
                throw new InvalidRequestException(ErrorCode.REPLAY_TOO_LARGE, "resume would replay "
                        + (target - afterSeq) + " messages, more than " + maxReplay + ": page the history instead");
            }
            sub.lastSeq = afterSeq;
            long cursor = afterSeq;
            while (cursor < target && sub.isActive()) {
                List<Message> page = messages.findAfter(roomId, cursor, (int) Math.min(PAGE, target - cursor));
                if (page.isEmpty()) {
                    break;
                }
                for (Message m : page) {
                    if (m.seq() > target) {
                        break;
                    }
                    sub.deliver(new ChatEvent.MessagePosted(m));
                    cursor = m.seq();
                }
            }
            feed.goLive(sub);
            return sub;
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
    }

    private Feed acquire(long roomId) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            Feed feed = feeds.computeIfAbsent(roomId, Feed::new);
            feed.refs++;
            return feed;
        }
    }

    private void release(Feed feed) {
        boolean stop = false;
        synchronized (this) {
            if (--feed.refs == 0) {
                feeds.remove(feed.roomId, feed);
                stop = true;
            }
        }
        if (stop) {
            feed.stop();
        }
    }

    /** The number of rooms with local subscribers (for metrics). */
    synchronized int activeRooms() {
        return feeds.size();
    }

    @Override
    public void close() {
        List<Feed> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(feeds.values());
            feeds.clear();
        }
        for (Feed f : all) {
            f.closeAll();
        }
    }

    /** One room's ordered stream on this node. */
    private final class Feed {
        final long roomId;
        int refs; // guarded by RoomFeeds.this
        private final CopyOnWriteArrayList<FeedSubscription> subs = new CopyOnWriteArrayList<>();
        private Subscription upstream; // guarded by this
        private long delivered = -1; // highest seq handed to subscribers; -1 until started; guarded by this
        private boolean stopped; // guarded by this

        Feed(long roomId) {
            this.roomId = roomId;
        }

        /** Adds a subscriber and returns the sequence it joins the live stream after. */
        synchronized long attach(FeedSubscription sub, boolean live) {
            if (stopped) {
                throw new IllegalStateException("feed stopped");
            }
            if (upstream == null) {
                // Subscribe before reading the store, so no message falls between the read and the first event.
                upstream = fanout.subscribe(roomId, this::onEvent);
                delivered = messages.lastSeq(roomId);
            }
            sub.live = live;
            if (live) {
                sub.lastSeq = delivered;
            }
            subs.add(sub);
            return delivered;
        }

        synchronized void goLive(FeedSubscription sub) {
            List<ChatEvent> buffered = sub.buffer;
            sub.buffer = null;
            sub.live = true;
            if (buffered != null) {
                for (ChatEvent e : buffered) {
                    sub.deliver(e);
                }
            }
        }

        void onEvent(ChatEvent event) {
            synchronized (this) {
                if (stopped || upstream == null) {
                    return;
                }
                if (event instanceof ChatEvent.MessagePosted) {
                    long seq = ((ChatEvent.MessagePosted) event).message().seq();
                    if (seq <= delivered) {
                        return;
                    }
                    if (seq > delivered + 1) {
                        fillGap(seq);
                    }
                    delivered = seq;
                }
                for (FeedSubscription s : subs) {
                    s.offer(event);
                }
            }
        }

        /** Reads the messages between {@code delivered} and {@code seq} from the store and dispatches them. */
        private void fillGap(long seq) {
            try {
                while (delivered < seq - 1) {
                    List<Message> page = messages.findAfter(roomId, delivered,
                            (int) Math.min(PAGE, seq - 1 - delivered));
                    if (page.isEmpty()) {
                        break;
                    }
                    for (Message m : page) {
                        if (m.seq() >= seq) {
                            return;
                        }
                        ChatEvent e = new ChatEvent.MessagePosted(m);
                        delivered = m.seq();
                        for (FeedSubscription s : subs) {
                            s.offer(e);
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not fill the gap before seq " + seq + " in room " + roomId
                        + "; subscribers can recover it from history", e);
            }
            if (delivered < seq - 1) {
                LOG.log(Level.WARNING, "room " + roomId + ": messages " + (delivered + 1) + ".." + (seq - 1)
                        + " are not visible in the store yet; the store breaks its visibility contract");
            }
        }

        void detach(FeedSubscription sub) {
            synchronized (this) {
                subs.remove(sub);
            }
        }

        void stop() {
            Subscription up;
            synchronized (this) {
                stopped = true;
                up = upstream;
                upstream = null;
            }
            if (up != null) {
                up.close();
            }
        }

        void closeAll() {
            for (FeedSubscription s : subs) {
                s.close();
            }
            stop();
        }
    }

    /** One subscriber. Its fields are touched under its feed's monitor, or by the replaying thread before live. */
    private final class FeedSubscription implements Subscription {
        private final Feed feed;
        private final long userId;
        private final ChatListener listener;
        private final AtomicBoolean open = new AtomicBoolean(true);
        boolean live;
        long lastSeq = -1;
        List<ChatEvent> buffer;

        FeedSubscription(Feed feed, long userId, ChatListener listener) {
            this.feed = feed;
            this.userId = userId;
            this.listener = listener;
        }

        /** Called by the feed, under its monitor. */
        void offer(ChatEvent event) {
            if (!open.get()) {
                return;
            }
            if (live) {
                deliver(event);
            } else {
                if (buffer == null) {
                    buffer = new ArrayList<>();
                }
                buffer.add(event);
            }
        }

        void deliver(ChatEvent event) {
            if (!open.get()) {
                return;
            }
            if (event instanceof ChatEvent.MessagePosted) {
                long seq = ((ChatEvent.MessagePosted) event).message().seq();
                if (seq <= lastSeq) {
                    return;
                }
                lastSeq = seq;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a chat listener failed in room " + feed.roomId + "; closing its subscription",
                        e);
                close();
                return;
            }
            if (event instanceof ChatEvent.MemberLeft && ((ChatEvent.MemberLeft) event).user().id() == userId) {
                close();
            }
        }

        @Override
        public boolean isActive() {
            return open.get();
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            feed.detach(this);
            release(feed);
        }
    }
}
