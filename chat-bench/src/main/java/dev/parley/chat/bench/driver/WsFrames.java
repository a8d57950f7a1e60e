package dev.parley.chat.bench.driver;

import java.nio.ByteBuffer;

/**
 * Client-side RFC 6455 frame encoding. Client frames must be masked; RFC 6455 asks for a fresh unpredictable key per
 * frame so that script-controlled bytes cannot poison the caches of intermediaries. A load generator talking to a
 * server on loopback has no intermediaries, and servers must accept any key, so the driver uses one fixed random key
 * per connection: the frames it sends in the hot path are then built (and masked) once and only the few bytes that
 * change per message (sequence number, time) are re-masked in place.
 */
public final class WsFrames {
    /** Continuation frame. */
    public static final int OP_CONT = 0x0;
    /** Text frame. */
    public static final int OP_TEXT = 0x1;
    /** Binary frame. */
    public static final int OP_BINARY = 0x2;
    /** Close frame. */
    public static final int OP_CLOSE = 0x8;
    /** Ping frame. */
    public static final int OP_PING = 0x9;
    /** Pong frame. */
    public static final int OP_PONG = 0xA;

    private WsFrames() {
    }

    /** Bytes of the header of a masked frame with this payload length (2 + extended length + 4 key bytes). */
    public static int maskedHeaderLength(long payloadLength) {
        return 2 + extendedLengthBytes(payloadLength) + 4;
    }

    static int extendedLengthBytes(long payloadLength) {
        return payloadLength < 126 ? 0 : payloadLength <= 0xFFFF ? 2 : 8;
    }

    /** A complete masked frame (FIN set) carrying {@code payload}. */
    public static byte[] clientFrame(int opcode, byte[] payload, byte[] mask) {
        return clientFrame(opcode, true, payload, 0, payload.length, mask);
    }

    /** A masked frame carrying {@code payload[off, off+len)}; {@code fin} false for a fragment. */
    public static byte[] clientFrame(int opcode, boolean fin, byte[] payload, int off, int len, byte[] mask) {
        int header = maskedHeaderLength(len);
        byte[] f = new byte[header + len];
        writeHeader(f, 0, opcode, fin, len, mask);
        for (int i = 0; i < len; i++) {
            f[header + i] = (byte) (payload[off + i] ^ mask[i & 3]);
        }
        return f;
    }

    /** Writes a masked frame header at {@code pos}; returns the payload's offset. */
    static int writeHeader(byte[] f, int pos, int opcode, boolean fin, long len, byte[] mask) {
        int p = pos;
        f[p++] = (byte) ((fin ? 0x80 : 0) | (opcode & 0x0F));
        if (len < 126) {
            f[p++] = (byte) (0x80 | len);
        } else if (len <= 0xFFFF) {
            f[p++] = (byte) (0x80 | 126);
            f[p++] = (byte) (len >>> 8);
            f[p++] = (byte) len;
        } else {
            f[p++] = (byte) (0x80 | 127);
            for (int s = 56; s >= 0; s -= 8) {
                f[p++] = (byte) (len >>> s);
            }
        }
        f[p++] = mask[0];
        f[p++] = mask[1];
        f[p++] = mask[2];
        f[p++] = mask[3];
        return p;
    }

    /**
     * Encodes a masked control or short frame into {@code out} (which must have room). Used for pongs, whose payload
     * echoes the ping's, without allocating.
     */
    public static void putClientFrame(ByteBuffer out, int opcode, byte[] payload, int off, int len, byte[] mask) {
        byte[] a = out.array();
        int pos = out.arrayOffset() + out.position();
        int p = writeHeader(a, pos, opcode, true, len, mask);
        for (int i = 0; i < len; i++) {
            a[p + i] = (byte) (payload[off + i] ^ mask[i & 3]);
        }
        out.position(out.position() + (p - pos) + len);
    }

    /** XORs {@code b[from, to)} with the mask, where {@code maskIndex} is the mask phase of {@code b[from]}. */
    public static void mask(byte[] b, int from, int to, byte[] mask, int maskIndex) {
        for (int i = from, j = maskIndex; i < to; i++, j++) {
            b[i] ^= mask[j & 3];
        }
    }

    /**
     * A pre-built, pre-masked text frame {@code prefix + payload + suffix} for one connection, of which only the
     * payload's sequence number and time are re-written (and re-masked) per message. Not thread-safe; one per
     * sending connection.
     */
    public static final class Template {
        private final byte[] frame;
        private final int payloadStart;
        private final int markerAt;
        private final byte[] mask;
        private final ByteBuffer buffer;

        /** Builds the frame for {@code prefix + Payload + suffix} masked with {@code mask}. */
        public Template(byte[] prefix, byte[] suffix, byte[] mask) {
            byte[] text = new byte[prefix.length + Payload.SIZE + suffix.length];
            System.arraycopy(prefix, 0, text, 0, prefix.length);
            System.arraycopy(Payload.template(), 0, text, prefix.length, Payload.SIZE);
            System.arraycopy(suffix, 0, text, prefix.length + Payload.SIZE, suffix.length);
            this.frame = clientFrame(OP_TEXT, text, mask);
            this.payloadStart = frame.length - text.length;
            this.markerAt = prefix.length;
            this.mask = mask.clone();
            this.buffer = ByteBuffer.wrap(frame);
        }

        /** Patches the sequence number and time; returns the frame's buffer, positioned at 0. */
        public ByteBuffer prepare(long seq, long time) {
            patch(markerAt + Payload.SEQ_OFFSET, Payload.SEQ_DIGITS, seq);
            patch(markerAt + Payload.TIME_OFFSET, Payload.TIME_DIGITS, time);
            buffer.clear();
            return buffer;
        }

        private void patch(int textPos, int digits, long value) {
            int at = payloadStart + textPos;
            Payload.writeDigits(frame, at, digits, value);
            for (int i = 0; i < digits; i++) {
                frame[at + i] ^= mask[(textPos + i) & 3];
            }
        }

        /** The frame bytes (shared, tests). */
        byte[] frame() {
            return frame;
        }
    }
}
