package dev.parley.chat.transport.websocket;

import java.nio.charset.StandardCharsets;

/**
 * One server frame: its JSON text and, built on first use and then shared by every recipient, the complete
 * WebSocket text frame on the wire (header and UTF-8 payload; server frames are never masked). A chat event is
 * encoded once per node however many sockets receive it, so a fan-out to ten thousand sockets hands the same
 * immutable bytes to each of them.
 */
final class OutFrame {
    final String text;
    // Built lazily; two threads racing build equal arrays, and either may win: the array is never mutated.
    private volatile byte[] wire;

    OutFrame(String text) {
        this.text = text;
    }

    /** The whole frame as it goes on the wire. The array is shared and must not be modified. */
    byte[] wire() {
        byte[] w = wire;
        if (w == null) {
            w = textFrame(text.getBytes(StandardCharsets.UTF_8));
            wire = w;
        }
        return w;
    }

    /** A final (unfragmented), unmasked text frame (RFC 6455, section 5.2) around a UTF-8 payload. */
    static byte[] textFrame(byte[] payload) {
        int n = payload.length;
        int header = n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = (byte) 0x81; // FIN + opcode 1 (text)
        if (n <= 125) {
            frame[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            long len = n;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, n);
        return frame;
    }

    @Override
    public String toString() {
        return text;
    }
}
