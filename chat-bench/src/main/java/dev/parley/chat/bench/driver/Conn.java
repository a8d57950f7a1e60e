package dev.parley.chat.bench.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client connection: its channel, masking key, decoder state, the tail of an incomplete frame carried to the
 * next read, and output that the socket did not take at once. Only the driver's selector thread touches it.
 */
public final class Conn implements FrameDecoder.Listener {
    static final int CONNECTING = 0;
    static final int HANDSHAKE = 1;
    static final int SETUP = 2;
    static final int READY = 3;
    static final int CLOSED = 4;

    final Driver driver;
    final int index;
    /** Which server (node) of a cluster the connection goes to, from 0 (see {@link Driver}{@code .connect}). */
    final int group;
    final SocketChannel channel;
    final byte[] mask;
    final FrameDecoder decoder = new FrameDecoder();
    SelectionKey key;
    Handshake handshake;
    int state = CONNECTING;
    /** Bytes of an incomplete frame (or response head) kept between reads; grown on demand, then reused. */
    byte[] carry;
    int carryLength;
    /** Unwritten output; allocated the first time a write is partial. */
    private ByteBuffer pending;
    /** The pre-built send frame, for the connection that sends. */
    WsFrames.Template template;
    /** The sequence number of the last delivery on this socket (deliveries must increase). */
    long lastSeq = -1;
    /** Protocol-owned setup step. */
    public int step;
    /** In a reconnect storm: the client this connection is an attempt of (-1 outside a storm), and which attempt. */
    int client = -1;
    int attempt;
    /** When the attempt was opened (System.nanoTime), for the storm's setup timeout. */
    long openedAt;

    Conn(Driver driver, int index, int group, SocketChannel channel, byte[] mask) {
        this.driver = driver;
        this.index = index;
        this.group = group;
        this.channel = channel;
        this.mask = mask;
    }

    /** This connection's number, from 0 in the order they were opened. */
    public int index() {
        return index;
    }

    /** Marks the connection subscribed: called by the protocol when its setup is done. */
    public void ready() {
        driver.onReady(this);
    }

    /** Sends a text message (setup, or small control answers: no allocation for short ones). */
    public void sendText(byte[] utf8) throws IOException {
        ByteBuffer scratch = driver.scratch;
        if (utf8.length + 14 <= scratch.capacity()) {
            scratch.clear();
            WsFrames.putClientFrame(scratch, WsFrames.OP_TEXT, utf8, 0, utf8.length, mask);
            scratch.flip();
            write(scratch);
        } else {
            write(ByteBuffer.wrap(WsFrames.clientFrame(WsFrames.OP_TEXT, utf8, mask)));
        }
    }

    /** Sends a text message (setup path). */
    public void sendText(String text) throws IOException {
        sendText(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Records something unusual the server said (an error frame), counted in the run's events. */
    public void event(String what) {
        driver.event(what);
    }

    /**
     * Writes {@code src} (consumed entirely): directly if nothing is queued and the socket takes it, otherwise the
     * rest is copied to this connection's pending buffer and written when the socket is writable.
     */
    void write(ByteBuffer src) throws IOException {
        if (pending == null || pending.position() == 0) {
            channel.write(src);
            if (!src.hasRemaining()) {
                return;
            }
        }
        if (pending == null) {
            pending = ByteBuffer.allocate(Math.max(4096, src.remaining()));
        }
        if (pending.remaining() < src.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + src.remaining()));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(src);
        if (key != null && key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    /** Writes pending output; stops asking for writability once it is all out. */
    void flush() throws IOException {
        if (pending == null || pending.position() == 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            return;
        }
        pending.flip();
        channel.write(pending);
        pending.compact();
        if (pending.position() == 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    /** Keeps {@code b[from, to)} for the next read. */
    void keep(byte[] b, int from, int to) {
        int n = to - from;
        if (carry == null || carry.length < n) {
            carry = new byte[Math.max(n, 512)];
        }
        System.arraycopy(b, from, carry, 0, n);
        carryLength = n;
    }

    @Override
    public void onMessage(byte[] b, int off, int len, boolean text) throws IOException {
        driver.onMessage(this, b, off, len, text);
    }

    @Override
    public void onPing(byte[] b, int off, int len) throws IOException {
        ByteBuffer scratch = driver.scratch;
        scratch.clear();
        WsFrames.putClientFrame(scratch, WsFrames.OP_PONG, b, off, len, mask);
        scratch.flip();
        write(scratch);
    }

    @Override
    public void onClose(int code, byte[] b, int off, int len) {
        driver.onServerClose(this, code, Bytes.string(b, off, len));
    }
}
