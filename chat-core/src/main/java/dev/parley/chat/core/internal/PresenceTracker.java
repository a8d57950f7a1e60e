package dev.parley.chat.core.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import dev.parley.chat.core.spi.PresenceRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Who is online in which room, across the cluster. A user is online in a room while at least one of their
 * subscriptions to it is open on at least one live node.
 *
 * <p>This node counts its own subscriptions exactly. Other nodes' users come from the shared registry (read when a
 * room's first local subscriber arrives, and reconciled every third of the TTL) and from their
 * {@link Notice.PresenceChanged} notices in between. Registry writes, heartbeats and reconciliation run on one
 * thread of their own, in order, never on a request or bus thread. Transitions of the union reach the room's local
 * subscribers as {@link ChatEvent.Presence}, emitted under this object's lock so that every subscriber sees one
 * room's transitions in the order they happened.
 */
final class PresenceTracker implements Fanout.NoticeListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PresenceTracker.class.getName());

    private final String node;
    private final Fanout fanout;
    private final PresenceRegistry registry;
    private final Duration ttl;
    private final Consumer<ChatEvent.Presence> emit;
    private final ScheduledThreadPoolExecutor worker;
    private final Subscription notices;
    private final Map<Long, RoomView> rooms = new HashMap<>(); // rooms with local subscribers; guarded by this
    private boolean closed; // guarded by this
    private volatile boolean registryFailing;

    /** One room's view: per user, the nodes they are online on. */
    private static final class RoomView {
        final String name;
        final Map<Long, Integer> local = new HashMap<>();
        final Map<Long, Set<String>> nodes = new HashMap<>();
        final Map<Long, String> names = new HashMap<>();
        /** Bumped by every notice, so that a reconciliation read that raced one is not applied. */
        long generation;

        RoomView(String name) {
            this.name = name;
        }
    }

    PresenceTracker(Fanout fanout, PresenceRegistry registry, Duration ttl, Consumer<ChatEvent.Presence> emit) {
        this.node = fanout.nodeId();
        this.fanout = fanout;
        this.registry = registry;
        this.ttl = ttl;
        this.emit = emit;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-presence-" + node);
            t.setDaemon(true);
            return t;
        });
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long every = Math.max(10, ttl.toMillis() / 3);
        worker.execute(this::heartbeat);
        worker.scheduleWithFixedDelay(() -> {
            heartbeat();
            reconcile();
        }, every, every, TimeUnit.MILLISECONDS);
        this.notices = fanout.subscribeNotices(this);
    }

    /**
     * Counts a new local subscription of the user to the room.
     *
     * @return the usernames online in the room now, the user included, sorted case-insensitively
     */
    List<String> enter(long roomId, String room, long userId, String username) {
        boolean known;
        synchronized (this) {
            known = rooms.containsKey(roomId);
        }
        List<PresenceRegistry.Entry> remote = known ? List.of() : readRegistry(roomId);
        boolean first;
        List<String> online;
        synchronized (this) {
            RoomView view = rooms.get(roomId);
            if (view == null) {
                view = new RoomView(room);
                rooms.put(roomId, view);
                for (PresenceRegistry.Entry e : remote) {
                    if (!e.node().equals(node)) {
                        view.nodes.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(e.node());
                        view.names.put(e.userId(), e.username());
                    }
                }
            }
            first = view.local.merge(userId, 1, Integer::sum) == 1;
            if (first) {
                mark(roomId, view, userId, username, node, true);
            }
            online = new ArrayList<>(view.names.values());
        }
        online.sort(String.CASE_INSENSITIVE_ORDER);
        if (first) {
            background(() -> {
                registry.enter(node, roomId, userId, username);
                fanout.publish(new Notice.PresenceChanged(node, roomId, room, userId, username, true));
            });
        }
        return online;
    }

    /** Counts a local subscription of the user to the room as closed. Idempotent per {@link #enter}. */
    void leave(long roomId, long userId) {
        String room;
        String username;
        synchronized (this) {
            RoomView view = rooms.get(roomId);
            if (view == null) {
                return;
            }
            Integer n = view.local.get(userId);
            if (n == null) {
                return;
            }
            if (n > 1) {
                view.local.put(userId, n - 1);
                return;
            }
            view.local.remove(userId);
            room = view.name;
            username = view.names.getOrDefault(userId, "");
            mark(roomId, view, userId, username, node, false);
            if (view.local.isEmpty()) {
                rooms.remove(roomId);
            }
        }
        background(() -> {
            registry.leave(node, roomId, userId);
            fanout.publish(new Notice.PresenceChanged(node, roomId, room, userId, username, false));
        });
    }

    /** {@link #leave}, on the worker thread: safe to call under a feed's monitor. */
    void leaveLater(long roomId, long userId) {
        background(() -> leave(roomId, userId));
    }

    @Override
    public void onNotice(Notice notice) {
        if (!(notice instanceof Notice.PresenceChanged p) || p.node().equals(node)) {
            return; // this node's own changes were applied when they happened
        }
        synchronized (this) {
            RoomView view = rooms.get(p.roomId());
            if (view != null) {
                view.generation++;
                mark(p.roomId(), view, p.userId(), p.username(), p.node(), p.online());
            }
        }
    }

    /** Notices may have been lost: reconcile with the registry now. */
    @Override
    public void onPossibleLoss() {
        background(this::reconcile);
    }

    /** Under the lock: records that a user is (or is not) online on a node, and emits a change of the union. */
    private void mark(long roomId, RoomView view, long userId, String username, String onNode, boolean online) {
        Set<String> on = view.nodes.get(userId);
        boolean before = on != null && !on.isEmpty();
        if (online) {
            if (on == null) {
                on = new HashSet<>();
                view.nodes.put(userId, on);
            }
            on.add(onNode);
            view.names.put(userId, username);
        } else if (on != null) {
            on.remove(onNode);
        }
        boolean after = on != null && !on.isEmpty();
        if (!after) {
            view.nodes.remove(userId);
            view.names.remove(userId);
        }
        if (before != after) {
            emit.accept(new ChatEvent.Presence(roomId, view.name, userId, username, after));
        }
    }

    /**
     * Logs the first failure of an outage at WARNING and the rest at DEBUG: a registry outage fails every heartbeat
     * and reconciliation of every node, and one line says it. The next successful heartbeat logs the recovery.
     */
    private void failed(String what, RuntimeException e) {
        if (!registryFailing) {
            registryFailing = true;
            LOG.log(Level.WARNING, "presence registry " + what + " failed (" + e.getMessage()
                    + "); retrying every " + Math.max(10, ttl.toMillis() / 3) + " ms, presence may lag until it works");
        } else {
            LOG.log(Level.DEBUG, "presence registry " + what + " failed again (" + e.getMessage() + ")");
        }
    }

    private void heartbeat() {
        try {
            registry.heartbeat(node, ttl);
            if (registryFailing) {
                registryFailing = false;
                LOG.log(Level.INFO, "presence registry reachable again");
            }
        } catch (RuntimeException e) {
            failed("heartbeat", e);
        }
    }

    /** Replaces other nodes' part of every view with the registry's, room by room. On the worker thread. */
    private void reconcile() {
        List<Long> ids;
        synchronized (this) {
            ids = new ArrayList<>(rooms.keySet());
        }
        for (long roomId : ids) {
            long generation;
            synchronized (this) {
                RoomView view = rooms.get(roomId);
                if (view == null) {
                    continue;
                }
                generation = view.generation;
            }
            List<PresenceRegistry.Entry> entries;
            try {
                entries = registry.online(roomId);
            } catch (RuntimeException e) {
                failed("reconciliation", e);
                return;
            }
            Map<Long, String> missing = new HashMap<>();
            synchronized (this) {
                RoomView view = rooms.get(roomId);
                if (view == null) {
                    continue;
                }
                // The registry lost some of this node's own rows (an unlogged table emptied by a database crash, a
                // Redis restart, a node expired during a long pause): write them again. Registry writes all run on
                // this thread, so none of this node's own can race this.
                for (Long userId : view.local.keySet()) {
                    boolean listed = entries.stream().anyMatch(e -> e.node().equals(node) && e.userId() == userId);
                    if (!listed) {
                        missing.put(userId, view.names.getOrDefault(userId, ""));
                    }
                }
                if (view.generation == generation) { // else a notice raced the read: the next round applies
                    apply(roomId, view, entries);
                }
            }
            try {
                missing.forEach((userId, username) -> registry.enter(node, roomId, userId, username));
            } catch (RuntimeException e) {
                failed("repair", e);
            }
        }
    }

    /** Under the lock. */
    private void apply(long roomId, RoomView view, List<PresenceRegistry.Entry> entries) {
        Map<Long, Set<String>> wanted = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (PresenceRegistry.Entry e : entries) {
            if (!e.node().equals(node)) {
                wanted.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(e.node());
                names.put(e.userId(), e.username());
            }
        }
        for (Map.Entry<Long, Set<String>> u : new ArrayList<>(view.nodes.entrySet())) {
            for (String n : new ArrayList<>(u.getValue())) {
                if (!n.equals(node) && !wanted.getOrDefault(u.getKey(), Set.of()).contains(n)) {
                    mark(roomId, view, u.getKey(), view.names.getOrDefault(u.getKey(), ""), n, false);
                }
            }
        }
        wanted.forEach((userId, ns) -> ns.forEach(n -> mark(roomId, view, userId, names.get(userId), n, true)));
    }

    private List<PresenceRegistry.Entry> readRegistry(long roomId) {
        try {
            return registry.online(roomId);
        } catch (RuntimeException e) {
            // Presence is best effort: this node's own view still works, and reconciliation fills in the rest.
            failed("read", e);
            return List.of();
        }
    }

    private void background(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    failed("update", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            rooms.clear();
        }
        notices.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            registry.forget(node);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not remove this node's presence; it expires by itself", e);
        }
    }
}
