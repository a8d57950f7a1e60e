package dev.parley.chat.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records a client's listener calls as short strings, and waits for one (with a deadline, never a fixed sleep). */
final class Recorder implements RoomListener, ConnectionListener {
    private final List<String> events = new ArrayList<>();

    private synchronized void add(String event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized List<String> matching(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    /** Waits up to 30 s for an event that starts with {@code prefix}; returns it. */
    synchronized String await(String prefix) throws InterruptedException {
        return await(e -> e.startsWith(prefix), prefix);
    }

    synchronized String await(Predicate<String> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            for (String e : events) {
                if (condition.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("not within 30 s: " + what + "; events: " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void onMessage(Message m, boolean replayed) {
        add("message " + m.id() + " " + m.body() + (replayed ? " (replayed)" : ""));
    }

    @Override
    public void onEdited(Message m) {
        add("edited " + m.id() + " " + m.body());
    }

    @Override
    public void onDeleted(Message m) {
        add("deleted " + m.id());
    }

    @Override
    public void onReaction(Message m, User user, String emoji, boolean added) {
        add("reaction " + m.id() + " " + m.change() + (user == null ? " (replayed)"
                : " " + user.username() + (added ? " +" : " -") + emoji) + " " + m.reactions().stream()
                        .map(r -> r.emoji() + r.users()).toList());
    }

    @Override
    public void onMentioned(String room, Message m) {
        add("mentioned " + room + " " + m.id());
    }

    @Override
    public void onMember(String room, User user, boolean joined) {
        add("member " + room + " " + user.username() + (joined ? " join" : " leave"));
    }

    @Override
    public void onResync(String room) {
        add("resync " + room);
    }

    @Override
    public void onLeft(String room) {
        add("left " + room);
    }

    @Override
    public void onStateChanged(ConnectionState state) {
        add("state " + state);
    }

    @Override
    public void onSessionEnded(String reason) {
        add("session ended " + reason);
    }
}
