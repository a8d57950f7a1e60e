package dev.parley.chat.bench.driver;

import java.nio.charset.StandardCharsets;

/**
 * The 100-byte message body every scenario sends: {@code PBM<seq:10 digits>:<time:19 digits>} padded with {@code x}.
 * The sequence number identifies the message (which in-flight slot a delivery counts for) and the time is the
 * driver's {@link System#nanoTime()} (minus a base, so never negative) when the frame was written. Only ASCII letters,
 * digits and {@code :} occur, so every server passes it through unescaped (JSON, Socket.IO) and the driver finds it
 * in an incoming frame with a byte scan, without parsing the frame.
 */
public final class Payload {
    /** Total length in bytes. */
    public static final int SIZE = 100;
    /** Offset of the sequence number's first digit. */
    public static final int SEQ_OFFSET = 3;
    /** Digits of the sequence number. */
    public static final int SEQ_DIGITS = 10;
    /** Offset of the time's first digit. */
    public static final int TIME_OFFSET = SEQ_OFFSET + SEQ_DIGITS + 1;
    /** Digits of the time. */
    public static final int TIME_DIGITS = 19;
    /** Bytes from the marker to the end of the time: what {@link #find} requires to be present. */
    public static final int HEADER = TIME_OFFSET + TIME_DIGITS;

    private static final byte M0 = 'P';
    private static final byte M1 = 'B';
    private static final byte M2 = 'M';

    private Payload() {
    }

    /** A payload with sequence and time zero, ready to be patched with {@link #writeDigits}. */
    public static byte[] template() {
        byte[] p = new byte[SIZE];
        java.util.Arrays.fill(p, (byte) 'x');
        p[0] = M0;
        p[1] = M1;
        p[2] = M2;
        for (int i = 0; i < SEQ_DIGITS; i++) {
            p[SEQ_OFFSET + i] = '0';
        }
        p[SEQ_OFFSET + SEQ_DIGITS] = ':';
        for (int i = 0; i < TIME_DIGITS; i++) {
            p[TIME_OFFSET + i] = '0';
        }
        return p;
    }

    /** The payload as a string (setup, tests). */
    public static String of(long seq, long time) {
        byte[] p = template();
        writeDigits(p, SEQ_OFFSET, SEQ_DIGITS, seq);
        writeDigits(p, TIME_OFFSET, TIME_DIGITS, time);
        return new String(p, StandardCharsets.US_ASCII);
    }

    /** Writes {@code value} (non-negative) as exactly {@code digits} decimal digits at {@code pos}. */
    public static void writeDigits(byte[] dst, int pos, int digits, long value) {
        long v = value;
        for (int i = pos + digits - 1; i >= pos; i--) {
            dst[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
    }

    /**
     * The offset of the first payload marker in {@code b[from, to)} with a whole header after it, or -1.
     */
    public static int find(byte[] b, int from, int to) {
        int last = to - HEADER;
        for (int i = from; i <= last; i++) {
            if (b[i] == M0 && b[i + 1] == M1 && b[i + 2] == M2) {
                return i;
            }
        }
        return -1;
    }

    /** The sequence number of the payload whose marker is at {@code at}. */
    public static long seq(byte[] b, int at) {
        return parseDigits(b, at + SEQ_OFFSET, SEQ_DIGITS);
    }

    /** The send time of the payload whose marker is at {@code at}. */
    public static long time(byte[] b, int at) {
        return parseDigits(b, at + TIME_OFFSET, TIME_DIGITS);
    }

    static long parseDigits(byte[] b, int pos, int digits) {
        long v = 0;
        for (int i = pos, end = pos + digits; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
