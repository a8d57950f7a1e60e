package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operations awaiting a reply. Each is sent with a fresh {@code ref} on every socket until its reply comes: the
 * frame itself is kept as it was, so a send is repeated with the same {@code clientMsgId}, which the server stores
 * once per sender (a repeat returns the original message). Retryable error codes are retried after a backoff.
 *
 * <p>Confined to the loop thread, like everything of the {@link Engine}.
 */
final class Outbox {
    /** Codes that say "not now" rather than "no": the same frame may succeed later. */
    static final Set<String> RETRYABLE = Set.of("storage_unavailable", "server_busy", "rate_limited",
            "service_closed", "internal_error");

    enum Kind { SUBSCRIBE, SEND, EDIT, DELETE, REACT, READ, LEAVE }

    /** An operation awaiting its reply; {@code ref} is null while it is not on the current socket. */
    static final class Op {
        final Kind kind;
        final JsonObject frame;
        final CompletableFuture<Object> future;
        /** For a {@code SUBSCRIBE}: its room, whose tracker takes the reply (there is no future). */
        final RoomTracker.RoomState room;
        String ref;
        int attempts;

        Op(Kind kind, JsonObject frame, CompletableFuture<Object> future, RoomTracker.RoomState room) {
            this.kind = kind;
            this.frame = frame;
            this.future = future;
            this.room = room;
        }
    }

    private final ScheduledExecutorService loop;
    private final Backoff backoff;
    private final Link link;
    /** Set once by the engine: a subscribe is an op, and its reply belongs to the rooms. */
    RoomTracker rooms;
    /** The callers' operations in the order given; subscribes are not here, the rooms re-issue them. */
    private final LinkedHashMap<Long, Op> pending = new LinkedHashMap<>();
    private final Map<String, Op> inflight = new LinkedHashMap<>();
    private long opIds;
    private long refs;

    Outbox(ScheduledExecutorService loop, Backoff backoff, Link link) {
        this.loop = loop;
        this.backoff = backoff;
        this.link = link;
    }

    /** Keeps a caller's operation until its future completes, sending it now if the connection is ready. */
    void add(Op op) {
        long id = ++opIds;
        pending.put(id, op);
        op.future.whenComplete((x, e) -> {
            try {
                loop.execute(() -> pending.remove(id));
            } catch (RejectedExecutionException closed) {
                // the client is closed: nothing is pending any more
            }
        });
        if (link.ready() != null) {
            transmit(op);
        }
    }

    void transmit(Op op) {
        String ref = "r" + (++refs);
        op.ref = ref;
        inflight.put(ref, op);
        link.write(Json.createObjectBuilder(op.frame).add("ref", ref).build());
    }

    /** A new socket is ready: sends again what the last one took without a reply. */
    void resend() {
        for (Op op : pending.values()) {
            if (op.ref == null) {
                transmit(op);
            }
        }
    }

    /** The socket is gone, and the refs with it; the operations wait for the next one. */
    void socketGone() {
        inflight.clear();
        for (Op op : pending.values()) {
            op.ref = null;
        }
    }

    void failAll(ParleyClientException e) {
        for (Op op : new ArrayList<>(pending.values())) {
            op.future.completeExceptionally(e);
        }
        pending.clear();
    }

    /** A frame with a {@code ref}: the reply to an op on this socket, or to one forgotten (a ping's, a stale one). */
    void reply(String ref, String type, JsonObject f) {
        Op op = inflight.remove(ref);
        if (op == null) {
            return;
        }
        op.ref = null;
        if (type.equals("error")) {
            failed(op, f.getString("code", "internal_error"), f.getString("message", ""));
            return;
        }
        switch (op.kind) {
            case SUBSCRIBE -> rooms.subscribed(op.room, Wire.subscribed(f));
            case SEND, EDIT, DELETE, REACT -> op.future.complete(Wire.message(f.getJsonObject("message")));
            case READ -> op.future.complete(Wire.number(f, "unread"));
            case LEAVE -> op.future.complete(null);
        }
    }

    private void failed(Op op, String code, String message) {
        if (op.kind == Kind.SUBSCRIBE) {
            rooms.subscribeFailed(op, code, message);
        } else if (RETRYABLE.contains(code)) {
            retryLater(op, () -> {
                if (!op.future.isDone() && op.ref == null) {
                    transmit(op);
                }
            });
        } else {
            op.future.completeExceptionally(new ParleyClientException(code, 0, message, null));
        }
    }

    /** Runs {@code retry} after the op's next backoff, if the same socket is still ready (else a reconnect re-sends). */
    void retryLater(Op op, Runnable retry) {
        long delay = backoff.delayMillis(op.attempts++);
        Object on = link.ready();
        loop.schedule(() -> {
            if (on != null && link.ready() == on) {
                retry.run();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }
}
