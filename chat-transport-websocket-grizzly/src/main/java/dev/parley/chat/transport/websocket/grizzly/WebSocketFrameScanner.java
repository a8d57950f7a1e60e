package dev.parley.chat.transport.websocket.grizzly;

/**
 * Follows one WebSocket connection's client-to-server byte stream, which arrives in arbitrary pieces, frame by frame:
 * it reads each frame header, checks it against RFC 6455 section 5 and a message size limit, and skips the payload
 * without reading, unmasking or keeping it. It is the part of {@link WebSocketFrameGuard} that knows the protocol,
 * and depends on nothing else, so that it can be tested and fuzzed on plain byte arrays.
 *
 * <p>The rules, checked in this order as soon as a header's first two bytes are in (the size once the whole header
 * is):
 *
 * <ol>
 *   <li>the mask bit is set (RFC 6455 section 5.1: a server must close on an unmasked client frame) —
 *       {@link #UNMASKED};
 *   <li>the reserved bits RSV1–3 are clear, unless the handshake negotiated an extension (which may define them) —
 *       {@link #RESERVED_BITS};
 *   <li>the opcode is one RFC 6455 defines (0–2, 8–10) — {@link #UNKNOWN_OPCODE};
 *   <li>a control frame (close, ping, pong) is final and carries at most 125 bytes — {@link #BAD_CONTROL_FRAME};
 *   <li>a continuation frame continues a fragmented message, and a text or binary frame does not arrive while one
 *       is unfinished — {@link #BAD_CONTINUATION};
 *   <li>a data message, all of its fragments together, stays within the limit; a 64-bit length with its top bit set
 *       counts as too large — {@link #TOO_LARGE}.
 * </ol>
 *
 * <p>What needs the payload (valid UTF-8 in text and close frames, valid close codes) is left to the WebSocket
 * implementation, which unmasks it anyway. So is what the application does not accept (binary messages). A ping is
 * the exception: it is returned whole ({@link #isPing()}), so that it can be answered from one piece.
 *
 * <p>Not thread-safe: one per connection, fed that connection's bytes in order.
 */
final class WebSocketFrameScanner {
    /** Reads the byte at an absolute index of the input. */
    @FunctionalInterface
    interface Bytes {
        byte get(int index);
    }

    /**
     * A rule a frame broke.
     *
     * @param code the close code to close the connection with
     * @param reason the close reason, one of the codes {@code docs/protocol.md} lists
     */
    record Violation(int code, String reason) {
    }

    static final Violation UNMASKED = new Violation(1002, "unmasked_frame");
    static final Violation RESERVED_BITS = new Violation(1002, "reserved_bits");
    static final Violation UNKNOWN_OPCODE = new Violation(1002, "unknown_opcode");
    static final Violation BAD_CONTROL_FRAME = new Violation(1002, "bad_control_frame");
    static final Violation BAD_CONTINUATION = new Violation(1002, "bad_continuation");
    static final Violation TOO_LARGE = new Violation(1009, "frame_too_large");

    /** The longest header: two bytes, an 8-byte length, the 4-byte masking key. */
    static final int MAX_HEADER_BYTES = 14;
    /** {@link #scan} found an incomplete header at the start of the input: call again with more bytes. */
    static final int NEED_MORE = 0;
    /** {@link #scan} found a frame at the start of the input that breaks a rule: see {@link #violation()}. */
    static final int REJECT = -1;

    private static final int FIN = 0x80;
    private static final int RSV = 0x70;
    private static final int MASK = 0x80;
    private static final int CONTINUATION = 0x0;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final long maxMessageBytes;
    private final boolean reservedBitsAllowed;
    private long payloadLeft; // of the frame whose header was read last
    private long messageBytes; // of the data message so far, over its fragments
    private boolean inMessage; // a fragmented data message is unfinished: only continuations may follow
    private boolean ping; // the last piece returned is a whole ping frame
    private Violation violation;

    /**
     * @param maxMessageBytes the largest data message, over all of its fragments, in payload bytes
     * @param reservedBitsAllowed whether the handshake negotiated an extension, which may use RSV1–3 (and then the
     *     limit applies to the payload as sent, for example compressed)
     */
    WebSocketFrameScanner(long maxMessageBytes, boolean reservedBitsAllowed) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes < 0: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.reservedBitsAllowed = reservedBitsAllowed;
    }

    /**
     * Reads the input from index {@code from} (inclusive) to {@code to} (exclusive), which continues what the
     * previous call consumed, and says how much of it may be passed on. The answer never reaches past the end of a
     * frame, so whoever passes the input on in those pieces hands over at most one frame at a time.
     *
     * @param in the input
     * @param from where to start; must be before {@code to}
     * @param to where the input ends
     * @return how many bytes, from {@code from}, may be passed on (more than zero: the rest of a payload, a
     *     header with as much of its payload as is there, or a whole ping frame, see {@link #isPing()});
     *     {@link #NEED_MORE} if the input starts with an incomplete header or ping frame, which is not consumed (call
     *     again with it and more bytes); or {@link #REJECT} if the frame at {@code from} breaks a rule, which is then
     *     final: every later call answers {@link #REJECT} too
     */
    int scan(Bytes in, int from, int to) {
        if (from >= to) {
            throw new IllegalArgumentException("no input: " + from + ".." + to);
        }
        ping = false;
        if (violation != null) {
            return REJECT;
        }
        int available = to - from;
        if (payloadLeft > 0) {
            int n = (int) Math.min(payloadLeft, available);
            payloadLeft -= n;
            return n;
        }
        if (available < 2) {
            return NEED_MORE;
        }
        int b0 = in.get(from) & 0xff;
        int b1 = in.get(from + 1) & 0xff;
        Violation broken = check(b0, b1);
        if (broken != null) {
            return reject(broken);
        }
        int lengthCode = b1 & 0x7f;
        int lengthBytes = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        int headerBytes = 2 + lengthBytes + 4;
        if (available < headerBytes) {
            return NEED_MORE;
        }
        long length = lengthBytes == 0 ? lengthCode : 0;
        for (int i = 0; i < lengthBytes; i++) {
            length = (length << 8) | (in.get(from + 2 + i) & 0xff);
        }
        int opcode = b0 & 0x0f;
        if (opcode == PING) {
            if (available < headerBytes + length) {
                return NEED_MORE; // at most 131 bytes
            }
            ping = true;
            return headerBytes + (int) length;
        }
        if (opcode < CLOSE) {
            long before = opcode == CONTINUATION ? messageBytes : 0;
            if (length < 0 || length > maxMessageBytes - before) { // negative: the forbidden top bit was set
                return reject(TOO_LARGE);
            }
            messageBytes = before + length;
            inMessage = (b0 & FIN) == 0;
        }
        int n = (int) Math.min(length, available - headerBytes);
        payloadLeft = length - n;
        return headerBytes + n;
    }

    /**
     * Whether the piece the last {@link #scan} returned is a whole ping frame: a 6-byte header (its length byte
     * says up to 125 payload bytes, and the masking key follows) and its whole payload.
     */
    boolean isPing() {
        return ping;
    }

    /** The rule the rejected frame broke, or {@code null} if none was rejected. */
    Violation violation() {
        return violation;
    }

    /** Whether a frame was rejected: nothing after it may be passed on. */
    boolean rejected() {
        return violation != null;
    }

    /** The rules that the first two header bytes decide. */
    private Violation check(int b0, int b1) {
        int opcode = b0 & 0x0f;
        if ((b1 & MASK) == 0) {
            return UNMASKED;
        }
        if ((b0 & RSV) != 0 && !reservedBitsAllowed) {
            return RESERVED_BITS;
        }
        if (opcode >= CLOSE) {
            if (opcode > PONG) {
                return UNKNOWN_OPCODE;
            }
            return (b0 & FIN) == 0 || (b1 & 0x7f) > MAX_CONTROL_PAYLOAD ? BAD_CONTROL_FRAME : null;
        }
        if (opcode > BINARY) {
            return UNKNOWN_OPCODE;
        }
        return (opcode == CONTINUATION) != inMessage ? BAD_CONTINUATION : null;
    }

    private int reject(Violation v) {
        violation = v;
        return REJECT;
    }
}
