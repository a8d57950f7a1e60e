package dev.parley.chat.core.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.PermissionDeniedException;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.MessageStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Turns the fan-out's hints into complete, ordered streams. One {@link Feed} per room with local subscribers listens
 * to the {@link Fanout}, drops duplicates, holds back events that arrive ahead of a gap, and fills the gap from the
 * stores on the catch-up executor; it hands each event to every subscriber: the same instance to all, so per-event
 * work (encoding a frame) can be shared.
 *
 * <p>Threads: a publisher's thread (or a bus's listener thread) only ever takes a feed's monitor, delivers what is
 * next in line and queues the rest; store reads happen on the catch-up executor (gaps, re-checks), or on the
 * subscribing thread (a feed's first position, a replay), never under a feed's monitor. A gap that stays unreadable
 * past the repair timeout ends the feed's subscriptions with {@code resync_required}; a feed never moves past a
 * change it has not delivered.
 *
 * <p>Locking: the registry lock guards only the map of feeds and their reference counts; each feed's monitor
 * serialises its events, its position and its subscriber list. The registry lock may be taken while a feed's
 * monitor is held (a subscription released from a delivery), never the other way round.
 */
final class RoomFeeds implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoomFeeds.class.getName());
    static final int PAGE = 500;
    /** Events held back behind a gap; beyond this they are dropped and read from the store instead. */
    static final int MAX_PENDING = 10_000;
    /** How long a gap may close by itself (publishers racing) before it is read from the store. */
    static final long REORDER_GRACE_MS = 20;
    private static final long FIRST_RETRY_MS = 50;
    private static final long MAX_RETRY_MS = 2_000;

    private final Fanout fanout;
    private final ChangeReader reader;
    private final MessageStore messages;
    private final ScheduledExecutorService catchUp;
    private final LongSupplier nanoTime;
    private final long repairTimeoutNanos;
    private final Map<Long, Feed> feeds = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    RoomFeeds(Fanout fanout, ChangeReader reader, MessageStore messages, ScheduledExecutorService catchUp,
            Duration repairTimeout, LongSupplier nanoTime) {
        this.fanout = fanout;
        this.reader = reader;
        this.messages = messages;
        this.catchUp = catchUp;
        this.repairTimeoutNanos = repairTimeout.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Subscribes; see {@link dev.parley.chat.core.ChatService#subscribe} for the guarantees. The first position read
     * and the replay run on the calling thread.
     *
     * @param stillMember re-checks the membership once the subscription is attached, so that a leave racing this
     *     call either fails it or reaches it
     */
    RoomSubscription subscribe(long roomId, String room, long userId, StreamStart start, int maxReplay,
            BooleanSupplier stillMember, ChatListener listener, Presence presence) {
        for (int attempt = 1; ; attempt++) {
            try {
                return subscribeOnce(roomId, room, userId, start, maxReplay, stillMember, listener, presence);
            } catch (FeedRetired e) {
                // The feed gave up (resync_required) between our acquiring it and attaching: a new one starts fresh.
                if (attempt == 3) {
                    throw resyncRequired(room, "the room's stream could not be kept complete");
                }
            }
        }
    }

    /** How a subscription counts as presence: entered once it is live, left exactly once when it ends. */
    interface Presence {
        /** Returns the usernames online in the room afterwards. */
        List<String> enter();

        /** Never blocks: called when the subscription ends, possibly under a feed's monitor. */
        void leave();
    }

    private RoomSubscription subscribeOnce(long roomId, String room, long userId, StreamStart start, int maxReplay,
            BooleanSupplier stillMember, ChatListener listener, Presence presence) {
        Feed feed = acquire(roomId, room);
        FeedSubscription sub = new FeedSubscription(feed, userId, listener);
        try {
            feed.ensureStarted();
            RoomPosition at = feed.attach(sub);
            // After attaching: a leave committed before this read is seen here; one committed after reaches the
            // subscription as its own MemberLeft, which ends it.
            if (!stillMember.getAsBoolean()) {
                throw new PermissionDeniedException(ErrorCode.NOT_A_MEMBER, "not a member of " + room);
            }
            sub.position = switch (start.kind()) {
                case LIVE -> at;
                case AFTER_CHANGE -> replayChanges(feed, sub, start.after(), at, maxReplay);
                case AFTER_SEQ -> replayMessages(feed, sub, start.after(), at, maxReplay);
            };
            feed.goLive(sub);
            sub.online = List.copyOf(presence.enter());
            sub.presenceEntered(presence);
            return sub;
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
    }

    /** A feed that was retired (it gave up on a gap) while a subscriber was joining it. */
    private static final class FeedRetired extends RuntimeException {
        FeedRetired() {
            super("feed retired", null, false, false);
        }
    }

    private RoomPosition replayChanges(Feed feed, FeedSubscription sub, long after, RoomPosition at, int maxReplay) {
        if (after > at.lastChange()) {
            // The feed may lag the store (a gap being filled); only the store can say the position is impossible.
            if (after > reader.position(feed.roomId).lastChange()) {
                throw resyncRequired(feed.room, "change " + after + " is beyond the room's newest change");
            }
            sub.cursor = after;
            return new RoomPosition(at.lastSeq(), after);
        }
        if (at.lastChange() - after > maxReplay) {
            throw new InvalidRequestException(ErrorCode.REPLAY_TOO_LARGE, "resume would replay "
                    + (at.lastChange() - after) + " changes, more than " + maxReplay + ": reload the room instead");
        }
        long cursor = after;
        sub.cursor = after;
        while (cursor < at.lastChange() && sub.isActive()) {
            ChangeReader.Batch batch = reader.read(feed.roomId, feed.room, cursor, at, PAGE);
            for (ChatEvent.RoomChange c : batch.changes()) {
                sub.deliver(c, false);
            }
            cursor = batch.upTo();
        }
        sub.cursor = at.lastChange();
        return at;
    }

    private RoomPosition replayMessages(Feed feed, FeedSubscription sub, long afterSeq, RoomPosition at,
            int maxReplay) {
        if (afterSeq > at.lastSeq() && afterSeq > reader.position(feed.roomId).lastSeq()) {
            throw resyncRequired(feed.room, "seq " + afterSeq + " is beyond the room's newest message");
        }
        if (at.lastSeq() - afterSeq > maxReplay) {
            throw new InvalidRequestException(ErrorCode.REPLAY_TOO_LARGE, "resume would replay "
                    + (at.lastSeq() - afterSeq) + " messages, more than " + maxReplay + ": page the history instead");
        }
        long cursor = afterSeq;
        while (cursor < at.lastSeq() && sub.isActive()) {
            List<Message> page = messages.findAfter(feed.roomId, cursor, (int) Math.min(PAGE, at.lastSeq() - cursor));
            if (page.isEmpty()) {
                break;
            }
            for (Message m : page) {
                if (m.seq() > at.lastSeq()) {
                    break;
                }
                sub.listenerCall(new ChatEvent.MessagePosted(m));
                cursor = m.seq();
            }
        }
        sub.cursor = at.lastChange();
        return at;
    }

    static ChatException resyncRequired(String room, String why) {
        return new ConflictException(ErrorCode.RESYNC_REQUIRED, "room " + room + ": " + why
                + "; subscribe again, then reload the room");
    }

    /** Hands an ephemeral event (presence) to the room's local subscribers, if any, in order with its stream. */
    void deliverEphemeral(ChatEvent event) {
        Feed feed;
        synchronized (this) {
            feed = feeds.get(event.roomId());
        }
        if (feed != null) {
            feed.onEvent(event);
        }
    }

    /** Makes the room's feed, if any, re-check its position against the store and catch up. */
    void recheck(long roomId) {
        Feed feed;
        synchronized (this) {
            feed = feeds.get(roomId);
        }
        if (feed != null) {
            feed.recheck();
        }
    }

    /** Makes every feed re-check its position (the periodic timer). */
    void recheckAll() {
        List<Feed> all;
        synchronized (this) {
            all = new ArrayList<>(feeds.values());
        }
        for (Feed f : all) {
            f.recheck();
        }
    }

    private Feed acquire(long roomId, String room) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            Feed feed = feeds.computeIfAbsent(roomId, id -> new Feed(id, room));
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

    private void unregister(Feed feed) {
        synchronized (this) {
            feeds.remove(feed.roomId, feed);
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
    private final class Feed implements Fanout.Listener {
        final long roomId;
        final String room;
        int refs; // guarded by RoomFeeds.this
        private final Object startLock = new Object();
        // Copy-on-write: iterated for every event, changed only when subscribers come and go.
        private final CopyOnWriteArrayList<FeedSubscription> subs = new CopyOnWriteArrayList<>();
        private Subscription upstream; // guarded by this
        /** Highest change handed to subscribers; -1 until started. */
        private long delivered = -1; // guarded by this
        private long lastSeq; // guarded by this
        /** Changes received ahead of a gap, by change. */
        private final TreeMap<Long, ChatEvent.RoomChange> pending = new TreeMap<>(); // guarded by this
        /** The highest change heard of, delivered or not. */
        private long highestSeen; // guarded by this
        private boolean repairing; // a catch-up task is scheduled or running; guarded by this
        /** Read the store even if nothing is known to be missing (a re-check). */
        private boolean forceRead; // guarded by this
        private long failingSince; // nanoTime of the first failed read of the current gap, 0 if none
        private long retryDelayMs = FIRST_RETRY_MS; // guarded by this
        private boolean stopped; // guarded by this
        private boolean closedByService; // guarded by this

        Feed(long roomId, String room) {
            this.roomId = roomId;
            this.room = room;
        }

        /**
         * Subscribes upstream, then reads the room's position: subscribing first means no change falls between the
         * read and the first event. If the read fails, the upstream subscription is undone and the feed stays
         * unstarted, so a later subscriber starts it afresh.
         */
        void ensureStarted() {
            synchronized (startLock) {
                synchronized (this) {
                    checkNotStopped();
                    if (delivered >= 0) {
                        return;
                    }
                }
                // Events delivered before the position read below are covered by it (they were committed before
                // they were published), so nothing is lost while the registration is not yet recorded.
                Subscription up = fanout.subscribe(roomId, this);
                synchronized (this) {
                    if (stopped) {
                        up.close();
                        checkNotStopped();
                    }
                    upstream = up;
                }
                RoomPosition p;
                try {
                    p = reader.position(roomId);
                } catch (RuntimeException e) {
                    synchronized (this) {
                        upstream = null;
                        pending.clear();
                        highestSeen = 0;
                    }
                    up.close();
                    throw e;
                }
                synchronized (this) {
                    delivered = p.lastChange();
                    lastSeq = p.lastSeq();
                    afterProgress();
                }
            }
        }

        private void checkNotStopped() {
            if (stopped) {
                if (closedByService) {
                    throw new IllegalStateException("closed");
                }
                throw new FeedRetired();
            }
        }

        /** Adds a subscriber; returns the position its live stream continues after. */
        synchronized RoomPosition attach(FeedSubscription sub) {
            checkNotStopped();
            sub.live = false;
            sub.cursor = delivered;
            subs.add(sub);
            return new RoomPosition(lastSeq, delivered);
        }

        synchronized void goLive(FeedSubscription sub) {
            if (stopped) {
                if (closedByService) {
                    throw new IllegalStateException("closed");
                }
                // Part of the replay reached the listener already: starting over would repeat it.
                throw resyncRequired(room, "the room's stream could not be kept complete");
            }
            List<ChatEvent> buffered = sub.buffer;
            sub.buffer = null;
            sub.live = true;
            if (buffered != null) {
                for (ChatEvent e : buffered) {
                    sub.deliver(e, true);
                }
            }
        }

        @Override
        public void onEvent(ChatEvent event) {
            synchronized (this) {
                if (stopped || upstream == null) {
                    return;
                }
                if (!(event instanceof ChatEvent.RoomChange change)) {
                    if (delivered >= 0) { // ephemeral (typing): delivered as received
                        dispatch(event);
                    }
                    return;
                }
                long c = change.change();
                if (c <= delivered) {
                    return; // a duplicate, or already read from the store
                }
                highestSeen = Math.max(highestSeen, c);
                if (delivered >= 0 && c == delivered + 1 && pending.isEmpty()) {
                    advance(change); // the common case: next in line
                    return;
                }
                if (pending.size() < MAX_PENDING) {
                    pending.putIfAbsent(c, change);
                } // else dropped: the store has it, and highestSeen keeps the repair going until it is read
                if (delivered >= 0) {
                    // Publishers racing each other reorder events by microseconds: most gaps close right here.
                    // A repair reading meanwhile skips whatever this delivers.
                    drainPending();
                    if (delivered < highestSeen && !repairing) {
                        scheduleRepair(REORDER_GRACE_MS);
                    }
                }
            }
        }

        /** Another node committed up to this change: read it from the store, one read in flight at a time. */
        @Override
        public synchronized void onHint(long change) {
            if (stopped || upstream == null) {
                return;
            }
            highestSeen = Math.max(highestSeen, change);
            if (delivered >= 0 && delivered < highestSeen && !repairing) {
                scheduleRepair(0);
            }
        }

        @Override
        public void onPossibleLoss() {
            recheck();
        }

        /** Re-checks the position against the store, catching up on anything missed (including a silent tail). */
        synchronized void recheck() {
            if (stopped || delivered < 0) {
                return;
            }
            forceRead = true;
            if (!repairing) {
                scheduleRepair(0);
            }
        }

        /** Delivers held-back changes that are next in line. Under the monitor. */
        private void drainPending() {
            while (!pending.isEmpty()) {
                Map.Entry<Long, ChatEvent.RoomChange> first = pending.firstEntry();
                if (first.getKey() <= delivered) {
                    pending.pollFirstEntry();
                } else if (first.getKey() == delivered + 1) {
                    pending.pollFirstEntry();
                    advance(first.getValue());
                } else {
                    return;
                }
            }
        }

        /** After the start or a store read: deliver what is in line, and repair what is still missing. */
        private void afterProgress() {
            drainPending();
            if (delivered < highestSeen && !repairing) {
                scheduleRepair(0);
            }
        }

        private void advance(ChatEvent.RoomChange change) {
            delivered = change.change();
            Message m = messageOf(change);
            if (m != null) {
                lastSeq = Math.max(lastSeq, m.seq());
            }
            dispatch(change);
        }

        private void dispatch(ChatEvent event) {
            for (FeedSubscription s : subs) {
                s.offer(event);
            }
        }

        /** Under the monitor. */
        private void scheduleRepair(long delayMs) {
            repairing = true;
            try {
                catchUp.schedule(this::repair, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                repairing = false; // the service is closing
            }
        }

        /** On the catch-up executor: reads what the feed is missing from the store, without holding the monitor. */
        private void repair() {
            long from;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                drainPending(); // a reordering may have resolved itself during the grace period
                if (delivered >= highestSeen && !forceRead) {
                    repairing = false;
                    return;
                }
                forceRead = false;
                from = delivered;
            }
            ChangeReader.Batch batch;
            try {
                batch = reader.read(roomId, room, from, PAGE);
            } catch (RuntimeException e) {
                readFailed(from, e);
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                long before = delivered;
                for (ChatEvent.RoomChange c : batch.changes()) {
                    if (c.change() > delivered) {
                        // One change number is one state: the live instance, if held, is the same change.
                        ChatEvent.RoomChange held = pending.remove(c.change());
                        advance(held != null ? held : c);
                    }
                }
                delivered = Math.max(delivered, batch.upTo());
                if (!batch.hasMore()) {
                    lastSeq = Math.max(lastSeq, batch.position().lastSeq());
                }
                highestSeen = Math.max(highestSeen, batch.position().lastChange());
                drainPending();
                if (delivered >= highestSeen || delivered > before || forceRead) {
                    failingSince = 0; // the read worked: a later failure starts a new repair timeout
                    retryDelayMs = FIRST_RETRY_MS;
                    if (delivered >= highestSeen && !forceRead) {
                        repairing = false;
                    } else {
                        scheduleRepair(0);
                    }
                    return;
                }
            }
            // Heard of changes the store does not show yet: a store breaking its visibility promise, or a replica
            // behind its primary. Retried like a failed read.
            readFailed(from, null);
        }

        private void readFailed(long from, RuntimeException error) {
            boolean giveUp;
            long delay;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                long now = nanoTime.getAsLong();
                if (failingSince == 0) {
                    failingSince = now;
                }
                giveUp = now - failingSince >= repairTimeoutNanos;
                delay = retryDelayMs;
                retryDelayMs = Math.min(MAX_RETRY_MS, retryDelayMs * 2);
                if (!giveUp) {
                    scheduleRepair(delay);
                }
            }
            if (giveUp) {
                // One line per room, no stack trace: in a store outage every active room gives up, and the store
                // already reports the outage itself. The trace is there at DEBUG for a failure nobody explains.
                String why = error == null ? "the store does not show them yet" : String.valueOf(error.getMessage());
                LOG.log(Level.WARNING, "room " + roomId + ": could not read the changes after " + from + " for "
                        + Duration.ofNanos(repairTimeoutNanos) + " (" + why
                        + "); ending its subscriptions with resync_required");
                LOG.log(Level.DEBUG, "room " + roomId + ": the last failed read", error);
                fail(resyncRequired(room, "changes after " + from + " could not be read"));
            } else {
                LOG.log(Level.DEBUG, "room " + roomId + ": reading the changes after " + from + " failed; retrying in "
                        + delay + " ms", error);
            }
        }

        /** Ends every subscription with the error and retires the feed; the next subscriber starts a new one. */
        void fail(ChatException error) {
            Subscription up;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
                up = upstream;
                upstream = null;
                pending.clear();
                for (FeedSubscription s : subs) {
                    s.fail(error); // a subscriber still replaying finds the feed stopped when it goes live
                }
            }
            unregister(this);
            if (up != null) {
                up.close();
            }
        }

        synchronized void detach(FeedSubscription sub) {
            subs.remove(sub);
        }

        void stop() {
            Subscription up;
            synchronized (this) {
                stopped = true;
                up = upstream;
                upstream = null;
                pending.clear();
            }
            if (up != null) {
                up.close();
            }
        }

        void closeAll() {
            synchronized (this) {
                closedByService = true;
            }
            for (FeedSubscription s : subs) {
                s.close();
            }
            stop();
        }
    }

    /** The message a change carries, or {@code null} for a membership change. */
    private static Message messageOf(ChatEvent.RoomChange change) {
        if (change instanceof ChatEvent.MessagePosted p) {
            return p.message();
        }
        if (change instanceof ChatEvent.MessageEdited e) {
            return e.message();
        }
        if (change instanceof ChatEvent.MessageDeleted d) {
            return d.message();
        }
        if (change instanceof ChatEvent.MessageReacted r) {
            return r.message();
        }
        return null;
    }

    /**
     * One subscriber. Its fields are touched under its feed's monitor, or by the replaying thread before it goes
     * live (while the feed only buffers for it).
     */
    private final class FeedSubscription implements RoomSubscription {
        private final Feed feed;
        private final long userId;
        private final ChatListener listener;
        private final AtomicBoolean open = new AtomicBoolean(true);
        boolean live;
        /** The highest change delivered (or covered by the replay). */
        long cursor = -1;
        List<ChatEvent> buffer;
        volatile RoomPosition position;
        volatile List<String> online = List.of();
        private Presence presence; // guarded by open's transitions: set once, run once
        private final AtomicBoolean presenceLeft = new AtomicBoolean();

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
                deliver(event, true);
            } else {
                if (buffer == null) {
                    buffer = new ArrayList<>();
                }
                buffer.add(event);
            }
        }

        /** Delivers an event unless the subscriber has it already; {@code live} events may end the subscription. */
        void deliver(ChatEvent event, boolean live) {
            if (!open.get()) {
                return;
            }
            if (event instanceof ChatEvent.Presence p && p.userId() == userId) {
                return; // a subscriber is not told about its own user's presence
            }
            if (event instanceof ChatEvent.RoomChange change) {
                if (change.change() <= cursor) {
                    return;
                }
                cursor = change.change();
            }
            if (!listenerCall(event)) {
                return;
            }
            // A departure replayed from the past (the user left and came back) does not end a live subscription.
            if (live && event instanceof ChatEvent.MemberLeft left && left.user().id() == userId) {
                close();
            }
        }

        /** Calls the listener; a listener that throws ends its subscription. */
        boolean listenerCall(ChatEvent event) {
            try {
                listener.onEvent(event);
                return true;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a chat listener failed in room " + feed.roomId + "; closing its subscription",
                        e);
                close();
                return false;
            }
        }

        /** The feed gave up: a live subscriber hears why; one still replaying fails when it goes live. */
        void fail(ChatException error) {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            if (live) {
                try {
                    listener.onError(error);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a chat listener failed in onError in room " + feed.roomId, e);
                }
            }
            feed.detach(this);
            release(feed);
            leavePresence();
        }

        /** Records the presence to leave when the subscription ends; leaves at once if it already has. */
        void presenceEntered(Presence p) {
            synchronized (presenceLeft) {
                presence = p;
            }
            if (!open.get()) {
                leavePresence();
            }
        }

        private void leavePresence() {
            Presence p;
            synchronized (presenceLeft) {
                p = presence;
            }
            if (p != null && presenceLeft.compareAndSet(false, true)) {
                p.leave();
            }
        }

        @Override
        public RoomPosition position() {
            return position;
        }

        @Override
        public List<String> online() {
            return online;
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
            leavePresence();
        }
    }
}
