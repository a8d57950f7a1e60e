package dev.parley.chat.bench.driver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Server-side frame building and a recording listener, for the tests. */
final class TestFrames {
    private TestFrames() {
    }

    /** An unmasked (server) frame. */
    static byte[] server(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n & 0xFF);
        } else {
            out.write(127);
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (((long) n >>> s) & 0xFF));
            }
        }
        out.write(payload, 0, n);
        return out.toByteArray();
    }

    static byte[] text(String s) {
        return server(WsFrames.OP_TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** Records what the decoder reported, as strings. */
    static class Recorder implements FrameDecoder.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onMessage(byte[] b, int off, int len, boolean text) {
            events.add((text ? "text:" : "binary:") + new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void onPing(byte[] b, int off, int len) {
            events.add("ping:" + new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void onClose(int code, byte[] b, int off, int len) {
            events.add("close:" + code + ":" + new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    /**
     * Feeds {@code wire} to a decoder in chunks of {@code chunk} bytes the way the driver does: whatever the decoder
     * did not consume is carried over and the next chunk appended to it.
     */
    static void feed(FrameDecoder d, byte[] wire, int chunk, FrameDecoder.Listener l) throws IOException {
        byte[] buf = new byte[wire.length + 16];
        int have = 0;
        for (int pos = 0; pos < wire.length; pos += chunk) {
            int n = Math.min(chunk, wire.length - pos);
            System.arraycopy(wire, pos, buf, have, n);
            int end = have + n;
            int stop = d.decode(buf, 0, end, l);
            have = end - stop;
            System.arraycopy(buf, stop, buf, 0, have);
        }
        if (have != 0) {
            throw new AssertionError(have + " bytes left undecoded");
        }
    }
}
