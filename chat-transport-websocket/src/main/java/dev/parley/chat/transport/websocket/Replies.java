package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatException;
import jakarta.websocket.CloseReason;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What one socket sends: frames into its bounded {@link Outbound} queue, {@code error} frames (counted by code),
 * and the slow-consumer close when the queue overflows or a write fails. Never blocks.
 */
final class Replies {
    private static final System.Logger LOG = System.getLogger(Replies.class.getName());

    private final Connection conn;
    private final Counters counters;
    private final Outbound queue;

    Replies(Connection conn) {
        this.conn = conn;
        this.counters = conn.hub.counters;
        this.queue = new Outbound(conn.hub.rawFrames.writer(conn.session), conn.session.getAsyncRemote(),
                conn.hub.flusher, conn.settings.outboundQueueLimit(), counters.framesOut::add, this::sendFailed);
    }

    /** Queues a live frame; closes the socket as a slow consumer if its queue is full. */
    void sendLive(OutFrame frame) {
        if (!queue.offer(frame, true)) {
            counters.slowConsumerCloses.increment();
            conn.closeForPolicy(Connection.POLICY, "slow_consumer");
        }
    }

    /** Queues a frame that does not count against the queue limit (replay, and frames that end a stream). */
    void sendReplay(OutFrame frame) {
        queue.offer(frame, false);
    }

    void sendError(String code, String message, String ref) {
        sendError(code, message, ref, null);
    }

    /**
     * The {@code error} frame for a frame that failed: its own code for a protocol or chat error, else
     * {@code internal_error} (logged, since it is a bug or an outage, not the client's doing).
     */
    void sendFailure(Throwable failure, String type, String ref) {
        if (failure instanceof WireError e) {
            sendError(e.code(), e.getMessage(), ref);
        } else if (failure instanceof ChatException e) {
            sendError(e.code().code(), e.getMessage(), ref);
        } else {
            LOG.log(Level.ERROR, "connection " + conn.id + ": unexpected failure handling a " + type + " frame",
                    failure);
            sendError(WireError.INTERNAL_ERROR, "internal error", ref);
        }
    }

    /** An error about one room's stream names the room, so that a client can act on it without a {@code ref}. */
    void sendError(String code, String message, String ref, String room) {
        counters.error(code);
        sendLive(conn.frames.error(code, message, ref, room));
    }

    /** Frames waiting (not yet handed to the container). */
    int waiting() {
        return queue.size();
    }

    /** See {@link Outbound#stalledSince()}. */
    long stalledSince() {
        return queue.stalledSince();
    }

    /** Drops everything queued and refuses further frames. */
    void close() {
        queue.close();
    }

    private void sendFailed(Throwable t) {
        if (conn.isClosed()) {
            return;
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException || (t != null
                && t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("timeout"))) {
            counters.slowConsumerCloses.increment();
            conn.closeForPolicy(Connection.POLICY, "slow_consumer");
        } else {
            LOG.log(Level.DEBUG, "connection " + conn.id + ": send failed", t);
            conn.close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send_failed");
        }
    }
}
