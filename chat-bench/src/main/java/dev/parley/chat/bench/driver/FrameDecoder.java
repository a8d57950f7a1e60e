package dev.parley.chat.bench.driver;

import java.io.IOException;

/**
 * Decodes server frames in place: {@link #decode} walks the complete frames in a buffer and hands each message's
 * bytes to the listener as a slice of that same buffer (no copy, no allocation), returning where the incomplete
 * tail starts so that the caller can keep it for the next read. Fragmented messages are reassembled in a buffer owned
 * by the decoder (allocated only if fragmentation ever happens); control frames may arrive between fragments.
 * Server frames must not be masked, but a masked frame is unmasked in place rather than refused.
 */
public final class FrameDecoder {
    /** Largest message accepted (a protocol error beyond). */
    public static final int MAX_MESSAGE = 16 << 20;

    /** Receives decoded frames; slices are only valid during the call. */
    public interface Listener {
        /** A complete text (or binary) message. */
        void onMessage(byte[] b, int off, int len, boolean text) throws IOException;

        /** A ping; the listener answers with a pong carrying the same bytes. */
        void onPing(byte[] b, int off, int len) throws IOException;

        /** A close frame; {@code code} is 1005 if it carried none. */
        void onClose(int code, byte[] b, int off, int len) throws IOException;
    }

    private byte[] fragments;
    private int fragmentsLength;
    private int fragmentOpcode = -1;
    private int needed;

    /**
     * Decodes the complete frames in {@code b[off, end)}.
     *
     * @return the offset of the first byte not consumed (the start of an incomplete frame, or {@code end})
     * @throws IOException on a protocol error
     */
    public int decode(byte[] b, int off, int end, Listener listener) throws IOException {
        int p = off;
        needed = 0;
        while (end - p >= 2) {
            int b0 = b[p] & 0xFF;
            int b1 = b[p + 1] & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            if ((b0 & 0x70) != 0) {
                throw new IOException("reserved bits set in a frame (no extension was negotiated)");
            }
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            int h = p + 2;
            if (len == 126) {
                if (end - h < 2) {
                    break;
                }
                len = ((b[h] & 0xFF) << 8) | (b[h + 1] & 0xFF);
                h += 2;
            } else if (len == 127) {
                if (end - h < 8) {
                    break;
                }
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (b[h + i] & 0xFF);
                }
                h += 8;
                if (len < 0) {
                    throw new IOException("negative frame length");
                }
            }
            if (len > MAX_MESSAGE) {
                throw new IOException("frame of " + len + " bytes is over the limit");
            }
            int maskAt = h;
            if (masked) {
                h += 4;
            }
            if (end - h < len) {
                needed = (int) (h - p + len);
                break;
            }
            int n = (int) len;
            if (masked) {
                for (int i = 0; i < n; i++) {
                    b[h + i] ^= b[maskAt + (i & 3)];
                }
            }
            p = h + n;
            frame(opcode, fin, b, h, n, listener);
        }
        return p;
    }

    /**
     * The total size of the incomplete frame at the point {@link #decode} stopped, if its header was complete
     * (so the caller can make room for it), else 0.
     */
    public int needed() {
        return needed;
    }

    private void frame(int opcode, boolean fin, byte[] b, int off, int len, Listener listener) throws IOException {
        switch (opcode) {
            case WsFrames.OP_TEXT:
            case WsFrames.OP_BINARY:
                if (fragmentOpcode >= 0) {
                    throw new IOException("a new message started inside a fragmented one");
                }
                if (fin) {
                    listener.onMessage(b, off, len, opcode == WsFrames.OP_TEXT);
                } else {
                    fragmentOpcode = opcode;
                    fragmentsLength = 0;
                    append(b, off, len);
                }
                break;
            case WsFrames.OP_CONT:
                if (fragmentOpcode < 0) {
                    throw new IOException("a continuation frame without a message to continue");
                }
                append(b, off, len);
                if (fin) {
                    int op = fragmentOpcode;
                    fragmentOpcode = -1;
                    listener.onMessage(fragments, 0, fragmentsLength, op == WsFrames.OP_TEXT);
                    fragmentsLength = 0;
                }
                break;
            case WsFrames.OP_PING:
                checkControl(fin, len);
                listener.onPing(b, off, len);
                break;
            case WsFrames.OP_PONG:
                checkControl(fin, len);
                break;
            case WsFrames.OP_CLOSE:
                checkControl(fin, len);
                if (len >= 2) {
                    listener.onClose(((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF), b, off + 2, len - 2);
                } else {
                    listener.onClose(1005, b, off, 0);
                }
                break;
            default:
                throw new IOException("unknown opcode " + opcode);
        }
    }

    private static void checkControl(boolean fin, int len) throws IOException {
        if (!fin || len > 125) {
            throw new IOException("fragmented or oversized control frame");
        }
    }

    private void append(byte[] b, int off, int len) throws IOException {
        int total = fragmentsLength + len;
        if (total > MAX_MESSAGE) {
            throw new IOException("fragmented message over the limit");
        }
        if (fragments == null || fragments.length < total) {
            byte[] bigger = new byte[Math.max(total, fragments == null ? 4096 : fragments.length * 2)];
            if (fragments != null) {
                System.arraycopy(fragments, 0, bigger, 0, fragmentsLength);
            }
            fragments = bigger;
        }
        System.arraycopy(b, off, fragments, fragmentsLength, len);
        fragmentsLength = total;
    }
}
