package dev.parley.chat.core.memory;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.MembershipChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Each room's change log, shared by the in-memory room and message stores so that joins, leaves and message changes
 * take numbers from one counter. Every change to a room happens under its write lock together with the counter's
 * increment, and readers take the read lock, so visibility follows change order.
 */
final class RoomLogs {
    /** One room's messages, membership changes and counter. Fields are guarded by {@link #lock}. */
    static final class RoomLog {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        /** The message with sequence {@code s} is at index {@code s - 1}. */
        final ArrayList<Message> messages = new ArrayList<>();
        /** Every message in its current state, by its current change. */
        final TreeMap<Long, Message> byChange = new TreeMap<>();
        /** The kind of each message's newest change, by message id. */
        final HashMap<Long, ChangedMessage.Kind> kinds = new HashMap<>();
        /** Each message's reactions, oldest first, by message id. */
        final HashMap<Long, List<Reactor>> reactions = new HashMap<>();
        /** The ids of the users each message mentions, by message id. */
        final HashMap<Long, List<Long>> mentionIds = new HashMap<>();
        /** Joins and departures, ascending by change. */
        final ArrayList<MembershipChange> memberChanges = new ArrayList<>();
        long lastChange;

        /** Takes the next change number; the caller holds the write lock. */
        long nextChange() {
            return ++lastChange;
        }

        /** Puts a message's new state in place; the caller holds the write lock. */
        void replace(Message old, Message now) {
            messages.set((int) (now.seq() - 1), now);
            if (old != null) {
                byChange.remove(old.change());
            }
            byChange.put(now.change(), now);
        }

        RoomPosition position() {
            lock.readLock().lock();
            try {
                return new RoomPosition(messages.size(), lastChange);
            } finally {
                lock.readLock().unlock();
            }
        }

        List<MembershipChange> memberChanges(long afterChange, long upToChange, int limit) {
            lock.readLock().lock();
            try {
                List<MembershipChange> result = new ArrayList<>();
                int i = firstAfter(afterChange);
                for (; i < memberChanges.size() && result.size() < limit; i++) {
                    MembershipChange c = memberChanges.get(i);
                    if (c.change() > upToChange) {
                        break;
                    }
                    result.add(c);
                }
                return List.copyOf(result);
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Index of the first membership change above {@code change}, by binary search. */
        private int firstAfter(long change) {
            int lo = 0;
            int hi = memberChanges.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (memberChanges.get(mid).change() <= change) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** One user's reaction with one emoji. */
    record Reactor(long userId, String emoji) {
    }

    private final ConcurrentHashMap<Long, RoomLog> rooms = new ConcurrentHashMap<>();

    /** The room's log, created on first use. */
    RoomLog of(long roomId) {
        return rooms.computeIfAbsent(roomId, id -> new RoomLog());
    }

    /** The room's log, or {@code null} if nothing happened in it yet. */
    RoomLog find(long roomId) {
        return rooms.get(roomId);
    }
}
