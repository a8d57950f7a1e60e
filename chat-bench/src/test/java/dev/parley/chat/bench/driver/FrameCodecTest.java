package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Test
    void masksClientFramesWithTheConnectionKey() throws IOException {
        byte[] frame = WsFrames.clientFrame(WsFrames.OP_TEXT, "Hello".getBytes(StandardCharsets.US_ASCII), MASK);
        // RFC 6455 section 5.7: a masked "Hello" with key 37 fa 21 3d
        assertThat(frame).containsExactly(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        TestFrames.Recorder r = new TestFrames.Recorder();
        new FrameDecoder().decode(frame, 0, frame.length, r);
        assertThat(r.events).containsExactly("text:Hello");
    }

    @Test
    void encodesSevenSixteenAndSixtyFourBitLengths() throws IOException {
        int[][] cases = {{0, 6}, {125, 6}, {126, 8}, {65_535, 8}, {65_536, 14}, {70_000, 14}};
        for (int[] c : cases) {
            byte[] payload = bytes(c[0]);
            byte[] frame = WsFrames.clientFrame(WsFrames.OP_BINARY, payload, MASK);
            assertThat(frame.length - payload.length).as("header of %d", c[0]).isEqualTo(c[1]);
            assertThat(WsFrames.maskedHeaderLength(c[0])).isEqualTo(c[1]);
            byte[][] got = new byte[1][];
            new FrameDecoder().decode(frame, 0, frame.length, new TestFrames.Recorder() {
                @Override
                public void onMessage(byte[] b, int off, int len, boolean text) {
                    got[0] = Arrays.copyOfRange(b, off, off + len);
                }
            });
            assertThat(got[0]).as("payload of %d", c[0]).isEqualTo(payload);
        }
    }

    @Test
    void decodesServerFramesOfEveryLengthForm() throws IOException {
        for (int n : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 100_000}) {
            byte[] payload = bytes(n);
            byte[] frame = TestFrames.server(WsFrames.OP_TEXT, true, payload);
            TestFrames.Recorder r = new TestFrames.Recorder();
            int stop = new FrameDecoder().decode(frame, 0, frame.length, r);
            assertThat(stop).isEqualTo(frame.length);
            assertThat(r.events).containsExactly("text:" + new String(payload, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void decodesFrameSplitAcrossReads() throws IOException {
        byte[] wire = TestFrames.concat(TestFrames.text("first"), TestFrames.server(WsFrames.OP_TEXT, true,
                bytes(300)), TestFrames.server(WsFrames.OP_BINARY, true, bytes(70_000)), TestFrames.text("last"));
        for (int chunk : new int[] {1, 2, 3, 7, 100, 4096}) {
            TestFrames.Recorder r = new TestFrames.Recorder();
            TestFrames.feed(new FrameDecoder(), wire, chunk, r);
            assertThat(r.events).as("chunks of %d", chunk).hasSize(4);
            assertThat(r.events.get(0)).isEqualTo("text:first");
            assertThat(r.events.get(1)).isEqualTo("text:" + new String(bytes(300), StandardCharsets.US_ASCII));
            assertThat(r.events.get(2)).startsWith("binary:abc").hasSize("binary:".length() + 70_000);
            assertThat(r.events.get(3)).isEqualTo("text:last");
        }
    }

    @Test
    void stopsAtAnIncompleteFrameAndSaysHowBigItIs() throws IOException {
        byte[] frame = TestFrames.server(WsFrames.OP_TEXT, true, bytes(1000));
        FrameDecoder d = new FrameDecoder();
        TestFrames.Recorder r = new TestFrames.Recorder();
        assertThat(d.decode(frame, 0, 1, r)).isZero();
        assertThat(d.decode(frame, 0, 3, r)).isZero();
        assertThat(d.decode(frame, 0, 500, r)).isZero();
        assertThat(d.needed()).isEqualTo(frame.length);
        assertThat(r.events).isEmpty();
    }

    @Test
    void reassemblesFragmentedMessageWithInterleavedPing() throws IOException {
        byte[] wire = TestFrames.concat(
                TestFrames.server(WsFrames.OP_TEXT, false, "Hel".getBytes(StandardCharsets.US_ASCII)),
                TestFrames.server(WsFrames.OP_PING, true, "p".getBytes(StandardCharsets.US_ASCII)),
                TestFrames.server(WsFrames.OP_CONT, false, "lo, ".getBytes(StandardCharsets.US_ASCII)),
                TestFrames.server(WsFrames.OP_CONT, true, "world".getBytes(StandardCharsets.US_ASCII)),
                TestFrames.text("next"));
        for (int chunk : new int[] {1, 5, wire.length}) {
            TestFrames.Recorder r = new TestFrames.Recorder();
            TestFrames.feed(new FrameDecoder(), wire, chunk, r);
            assertThat(r.events).containsExactly("ping:p", "text:Hello, world", "text:next");
        }
    }

    @Test
    void reportsCloseCodeAndReason() throws IOException {
        byte[] payload = TestFrames.concat(new byte[] {0x03, (byte) 0xF0},
                "slow_consumer".getBytes(StandardCharsets.US_ASCII));
        byte[] wire = TestFrames.concat(TestFrames.server(WsFrames.OP_CLOSE, true, payload),
                TestFrames.server(WsFrames.OP_CLOSE, true, new byte[0]));
        TestFrames.Recorder r = new TestFrames.Recorder();
        new FrameDecoder().decode(wire, 0, wire.length, r);
        assertThat(r.events).containsExactly("close:1008:slow_consumer", "close:1005:");
    }

    @Test
    void refusesProtocolErrors() {
        byte[] continuation = TestFrames.server(WsFrames.OP_CONT, true, new byte[1]);
        assertThatThrownBy(() -> new FrameDecoder().decode(continuation, 0, continuation.length,
                new TestFrames.Recorder())).isInstanceOf(IOException.class).hasMessageContaining("continuation");
        byte[] reserved = TestFrames.text("x");
        reserved[0] |= 0x40;
        assertThatThrownBy(() -> new FrameDecoder().decode(reserved, 0, reserved.length, new TestFrames.Recorder()))
                .isInstanceOf(IOException.class).hasMessageContaining("reserved");
        byte[] bigPing = TestFrames.server(WsFrames.OP_PING, true, new byte[126]);
        assertThatThrownBy(() -> new FrameDecoder().decode(bigPing, 0, bigPing.length, new TestFrames.Recorder()))
                .isInstanceOf(IOException.class).hasMessageContaining("control");
    }

    @Test
    void templateRewritesOnlyTheDigitsAndStaysMasked() throws IOException {
        byte[] prefix = "{\"type\":\"send\",\"room\":\"bench\",\"body\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}".getBytes(StandardCharsets.US_ASCII);
        WsFrames.Template t = new WsFrames.Template(prefix, suffix, MASK);
        for (long[] c : new long[][] {{0, 0}, {7, 123_456_789L}, {9_999_999_999L, Long.MAX_VALUE}, {42, 1}}) {
            ByteBuffer f = t.prepare(c[0], c[1]);
            assertThat(f.position()).isZero();
            byte[] frame = Arrays.copyOfRange(f.array(), 0, f.limit());
            assertThat(frame[1] & 0x80).as("mask bit").isEqualTo(0x80);
            TestFrames.Recorder r = new TestFrames.Recorder();
            new FrameDecoder().decode(frame, 0, frame.length, r);
            assertThat(r.events).containsExactly("text:{\"type\":\"send\",\"room\":\"bench\",\"body\":\""
                    + Payload.of(c[0], c[1]) + "\"}");
        }
    }

    @Test
    void buildsPongsInPlace() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(64);
        out.put((byte) 1);
        WsFrames.putClientFrame(out, WsFrames.OP_PONG, "xping".getBytes(StandardCharsets.US_ASCII), 1, 4, MASK);
        assertThat(out.position()).isEqualTo(1 + 6 + 4);
        byte[] frame = Arrays.copyOfRange(out.array(), 1, out.position());
        assertThat(frame[0] & 0xFF).isEqualTo(0x8A);
        assertThat(frame).isEqualTo(WsFrames.clientFrame(WsFrames.OP_PONG, "ping".getBytes(StandardCharsets.US_ASCII),
                MASK));
    }
}
