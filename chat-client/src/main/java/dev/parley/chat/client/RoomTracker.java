package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The rooms this client follows and their change positions (docs/protocol.md "Change numbers", "Resuming"): join,
 * or resume after {@code lastChange} on every ready socket; de-duplication of replayed frames; a gap in a live
 * stream read over the REST changes feed; and resync when the server cannot resume.
 *
 * <p>Guarantee to a listener, per room: stream events in increasing change, each change at most once, none missing
 * between {@code subscribed} and the next {@code onResync}. Confined to the loop thread; listeners are called on
 * {@code callbacks}.
 */
final class RoomTracker {
    private static final System.Logger LOG = System.getLogger(ParleyClient.class.getName());
    private static final int REPAIR_PAGE = 200;

    /** A room this client follows. */
    static final class RoomState {
        String name;
        RoomListener listener;
        CompletableFuture<Subscribed> joined = new CompletableFuture<>();
        /** The highest change delivered; -1 until the first {@code subscribed}. */
        long lastChange = -1;
        long lastSeq = -1;
        /** Frames up to this change are replays of a resume. */
        long replayUntil;
        boolean subscribed;
        /** Set while a gap is being read over REST; stream frames wait in {@code held}. */
        boolean repairing;
        /** Bumped when the socket goes or the room is left or resynced: a repair that started before is stale. */
        int epoch;
        final List<JsonObject> held = new ArrayList<>();

        RoomState(String name, RoomListener listener) {
            this.name = name;
            this.listener = listener;
        }
    }

    private final Executor loop;
    private final Executor callbacks;
    /** Reads one page of a room's changes feed after a change: (room, after) to the page. */
    private final BiFunction<String, Long, CompletableFuture<JsonObject>> changesAfter;
    private final Link link;
    private final Outbox outbox;
    private final List<RoomState> rooms = new ArrayList<>();

    RoomTracker(Executor loop, Executor callbacks, BiFunction<String, Long, CompletableFuture<JsonObject>> changesAfter,
            Link link, Outbox outbox) {
        this.loop = loop;
        this.callbacks = callbacks;
        this.changesAfter = changesAfter;
        this.link = link;
        this.outbox = outbox;
    }

    /** Follows a room (again, with a new listener, if followed already); completes at its {@code subscribed}. */
    CompletableFuture<Subscribed> follow(String room, RoomListener listener) {
        RoomState r = find(room);
        if (r != null) {
            r.listener = listener;
            if (r.joined.isCompletedExceptionally()) { // the session ended before it was subscribed
                r.joined = new CompletableFuture<>();
            }
        } else {
            r = new RoomState(room, listener);
            rooms.add(r);
            if (link.ready() != null) {
                subscribe(r);
            }
        }
        return r.joined;
    }

    /** Stops following a room the caller leaves; a pending {@link #follow} fails with {@code left}. */
    void forget(String room) {
        RoomState r = find(room);
        if (r != null) {
            rooms.remove(r);
            r.epoch++;
            r.joined.completeExceptionally(new ParleyClientException("left", 0, "left " + room, null));
        }
    }

    /** The change a room's stream continues after; -1 before its first {@code subscribed} or when not followed. */
    long lastChange(String room) {
        RoomState r = find(room);
        return r == null ? -1 : r.lastChange;
    }

    /** A socket is ready: joins or resumes every room. */
    void subscribeAll() {
        for (RoomState r : rooms) {
            subscribe(r);
        }
    }

    /** The socket is gone: nothing is subscribed, and a repair under way is dropped (the resume covers it). */
    void socketGone() {
        for (RoomState r : rooms) {
            r.subscribed = false;
            r.repairing = false;
            r.held.clear();
            r.epoch++;
        }
    }

    void failAll(ParleyClientException e) {
        for (RoomState r : rooms) {
            r.joined.completeExceptionally(e);
        }
    }

    /** A frame without a {@code ref} that names a room. */
    void frame(String type, String room, JsonObject f) {
        RoomState r = room == null ? null : find(room);
        switch (type) {
            case "message", "edited", "deleted", "reaction" -> stream(r, f);
            case "presence" -> {
                if (f.containsKey("change")) {
                    stream(r, f);
                } else if (r != null && r.subscribed) {
                    RoomState target = r;
                    User user = Wire.user(f.getJsonObject("user"));
                    boolean online = f.getString("state", "").equals("online");
                    callbacks.execute(() -> target.listener.onPresence(target.name, user, online));
                }
            }
            case "typing" -> {
                if (r != null && r.subscribed) {
                    RoomState target = r;
                    User user = Wire.user(f.getJsonObject("user"));
                    callbacks.execute(() -> target.listener.onTyping(target.name, user));
                }
            }
            case "left" -> {
                if (r != null) {
                    rooms.remove(r);
                    r.epoch++;
                    RoomState target = r;
                    callbacks.execute(() -> target.listener.onLeft(target.name));
                }
            }
            case "error" -> {
                if (r != null && needsResync(f.getString("code", ""))) {
                    resync(r);
                } else {
                    LOG.log(System.Logger.Level.DEBUG, "server error: " + f);
                }
            }
            default -> { } // room_added, and types added later
        }
    }

    private static boolean needsResync(String code) {
        return code.equals("resync_required") || code.equals("replay_too_large");
    }

    private void subscribe(RoomState r) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("room", r.name);
        if (r.lastChange >= 0) {
            b.add("type", "resume").add("afterChange", r.lastChange);
        } else {
            b.add("type", "join");
        }
        outbox.transmit(new Outbox.Op(Outbox.Kind.SUBSCRIBE, b.build(), null, r));
    }

    void subscribed(RoomState r, Subscribed s) {
        if (!rooms.contains(r)) {
            return;
        }
        r.name = s.room();
        r.subscribed = true;
        if (r.lastChange < 0) { // a join: live from here
            r.lastChange = s.lastChange();
            r.lastSeq = s.lastSeq();
        }
        r.replayUntil = s.lastChange();
        r.lastSeq = Math.max(r.lastSeq, s.lastSeq());
        r.joined.complete(s);
    }

    void subscribeFailed(Outbox.Op op, String code, String message) {
        RoomState r = op.room;
        if (!rooms.contains(r)) {
            return;
        }
        if (needsResync(code)) {
            resync(r);
        } else if (Outbox.RETRYABLE.contains(code)) {
            outbox.retryLater(op, () -> {
                if (rooms.contains(r) && !r.subscribed) {
                    subscribe(r);
                }
            });
        } else {
            rooms.remove(r);
            ParleyClientException e = new ParleyClientException(code, 0, message, null);
            if (!r.joined.completeExceptionally(e)) {
                callbacks.execute(() -> r.listener.onLeft(r.name)); // e.g. not_a_member on resume
            }
        }
    }

    /** The position is no good (the server was restored, or the replay is too long): start over with a join. */
    private void resync(RoomState r) {
        r.lastChange = -1;
        r.lastSeq = -1;
        r.subscribed = false;
        r.repairing = false;
        r.held.clear();
        r.epoch++;
        String name = r.name;
        callbacks.execute(() -> r.listener.onResync(name));
        if (link.ready() != null) {
            subscribe(r); // join first; the listener reloads history
        }
    }

    private void stream(RoomState r, JsonObject f) {
        if (r == null || !r.subscribed) {
            return;
        }
        if (r.repairing) {
            r.held.add(f);
            return;
        }
        apply(r, f, true);
    }

    private void apply(RoomState r, JsonObject f, boolean checkGap) {
        long change = Wire.number(f, "change");
        if (change <= r.lastChange) {
            return; // delivered already
        }
        boolean live = change > r.replayUntil;
        if (checkGap && live && f.getString("type").equals("message")) {
            long seq = Wire.number(f.getJsonObject("message"), "seq");
            if (r.lastSeq >= 0 && seq > r.lastSeq + 1) {
                repair(r, f);
                return;
            }
        }
        deliver(r, f, !live);
    }

    private void deliver(RoomState r, JsonObject f, boolean replayed) {
        r.lastChange = Wire.number(f, "change");
        RoomListener l = r.listener;
        String type = f.getString("type");
        if (type.equals("presence")) {
            User user = Wire.user(f.getJsonObject("user"));
            boolean joined = f.getString("state", "").equals("join");
            String name = r.name;
            callbacks.execute(() -> l.onMember(name, user, joined));
            return;
        }
        Message m = Wire.message(f.getJsonObject("message"));
        r.lastSeq = Math.max(r.lastSeq, m.seq());
        switch (type) {
            case "message" -> callbacks.execute(() -> l.onMessage(m, replayed));
            case "edited" -> callbacks.execute(() -> l.onEdited(m));
            case "deleted" -> callbacks.execute(() -> l.onDeleted(m));
            case "reaction" -> {
                User user = f.get("user") instanceof JsonObject u ? Wire.user(u) : null;
                String emoji = user == null ? null : f.getString("emoji");
                boolean added = user != null && f.getBoolean("added", false);
                callbacks.execute(() -> l.onReaction(m, user, emoji, added));
            }
            default -> { }
        }
    }

    /**
     * A {@code message} frame's {@code seq} jumped: read the changes in between over REST, deliver them, then the
     * frames held meanwhile. A jump can also come from a message superseded by a later edit; then the REST page
     * holds nothing before the frame and this costs one request.
     */
    private void repair(RoomState r, JsonObject first) {
        r.repairing = true;
        r.held.add(first);
        int epoch = r.epoch;
        long upTo = Wire.number(first, "change");
        readChanges(r.name, r.lastChange, upTo, new ArrayList<>()).whenComplete((changes, error) -> loop.execute(() -> {
            if (r.epoch != epoch || !rooms.contains(r)) {
                return; // the socket went (the resume will cover it) or the room was left
            }
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "cannot repair a gap in " + r.name + ": " + error);
                resync(r);
                return;
            }
            r.repairing = false;
            for (JsonObject c : changes) {
                long change = Wire.number(c, "change");
                if (change > r.lastChange && change < upTo) {
                    deliver(r, c, true);
                }
            }
            List<JsonObject> held = new ArrayList<>(r.held);
            r.held.clear();
            Iterator<JsonObject> it = held.iterator();
            while (it.hasNext() && !r.repairing) {
                JsonObject f = it.next();
                it.remove();
                apply(r, f, f != first);
            }
            r.held.addAll(held); // a second repair started: what is left waits for it
        }));
    }

    /** Reads pages of changes after {@code after} until one reaches {@code upTo - 1} or the feed ends. */
    private CompletableFuture<List<JsonObject>> readChanges(String room, long after, long upTo,
            List<JsonObject> into) {
        return changesAfter.apply(room, after).thenCompose(page -> {
            into.addAll(page.getJsonArray("changes").getValuesAs(JsonObject.class));
            long last = Wire.number(page, "lastChange");
            if (page.getBoolean("hasMore", false) && last < upTo - 1 && last > after) {
                return readChanges(room, last, upTo, into);
            }
            return CompletableFuture.completedFuture(into);
        });
    }

    /** The REST request for one page of the changes feed, as {@link #changesAfter} reads it. */
    static String changesPath(String room, long after) {
        return "api/rooms/" + RestApi.encode(room) + "/changes?after=" + after + "&limit=" + REPAIR_PAGE;
    }

    private RoomState find(String room) {
        for (RoomState r : rooms) {
            if (r.name.equalsIgnoreCase(room)) {
                return r;
            }
        }
        return null;
    }
}
