package dev.parley.chat.transport.websocket.grizzly;

import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers one WebSocket connection's pings, for {@link WebSocketFrameGuard}, with at most one pong waiting to be
 * written: while one is, further pings only replace the payload of the next one, so that the newest ping is
 * answered (RFC 6455 section 5.5.3 allows answering only the most recent). A client that floods pings and never
 * reads therefore costs at most two pongs of memory, where Tyrus would queue one per ping. Thread-safe: pings
 * arrive on the connection's reading thread, write completions on Grizzly's.
 */
final class PongWriter implements CompletionHandler<WriteResult<Object, Object>> {
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final Connection<Object> connection;
    private boolean writing; // guarded by this
    private byte[] next; // the payload to answer once the write in progress completes; guarded by this

    @SuppressWarnings("unchecked")
    PongWriter(Connection<?> connection) {
        this.connection = (Connection<Object>) connection;
    }

    /**
     * Answers a ping: at once, or after the pong being written.
     *
     * @param payload the ping's application data, unmasked; at most 125 bytes
     */
    void answer(byte[] payload) {
        if (payload.length > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("a ping carries at most 125 bytes: " + payload.length);
        }
        synchronized (this) {
            if (writing) {
                next = payload;
                return;
            }
            writing = true;
        }
        write(payload);
    }

    private void write(byte[] payload) {
        byte[] pong = new byte[2 + payload.length];
        pong[0] = (byte) 0x8A; // final pong; server frames are not masked
        pong[1] = (byte) payload.length;
        System.arraycopy(payload, 0, pong, 2, payload.length);
        connection.write(Buffers.wrap(connection.getMemoryManager(), pong), this);
    }

    @Override
    public void completed(WriteResult<Object, Object> result) {
        byte[] then;
        synchronized (this) {
            then = next;
            next = null;
            writing = then != null;
        }
        if (then != null) {
            write(then);
        }
    }

    /** The connection is broken or closing: nothing more to answer. */
    @Override
    public void failed(Throwable error) {
        synchronized (this) {
            next = null;
            writing = true; // stays "busy": no pong is written on this connection again
        }
    }

    @Override
    public void cancelled() {
        failed(null);
    }

    @Override
    public void updated(WriteResult<Object, Object> result) {
    }
}
