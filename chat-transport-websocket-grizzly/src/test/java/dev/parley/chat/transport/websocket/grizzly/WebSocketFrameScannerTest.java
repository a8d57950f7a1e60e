package dev.parley.chat.transport.websocket.grizzly;

import static dev.parley.chat.transport.websocket.grizzly.WebSocketFrameScanner.NEED_MORE;
import static dev.parley.chat.transport.websocket.grizzly.WebSocketFrameScanner.REJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The frame header rules and the stream cutting of {@link WebSocketFrameScanner}, on byte arrays. */
class WebSocketFrameScannerTest {
    private static final int LIMIT = 1000;
    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int PING = 0x9;

    private final WebSocketFrameScanner scanner = new WebSocketFrameScanner(LIMIT, false);

    private int scan(byte[] in, int from, int to) {
        return scanner.scan(i -> in[i], from, to);
    }

    private WebSocketFrameScanner.Violation rejection(byte[] frame) {
        assertThat(scan(frame, 0, frame.length)).isEqualTo(REJECT);
        return scanner.violation();
    }

    @Test
    void passesOneFrameAtATime() {
        byte[] first = RawWebSocket.frame(FIN | TEXT, true, new byte[10]);
        byte[] second = RawWebSocket.frame(FIN | PING, true, new byte[0]);
        byte[] both = concat(first, second);
        assertThat(scan(both, 0, both.length)).isEqualTo(first.length);
        assertThat(scan(both, first.length, both.length)).isEqualTo(second.length);
    }

    @Test
    void holdsBackAHeaderCutAnywhereAndStreamsAPayloadInPieces() {
        for (int size : new int[] {0, 125, 126, 999}) {
            WebSocketFrameScanner s = new WebSocketFrameScanner(LIMIT, false);
            byte[] frame = RawWebSocket.frame(FIN | TEXT, true, new byte[size]);
            int header = frame.length - size;
            for (int cut = 1; cut < header; cut++) {
                assertThat(s.scan(i -> frame[i], 0, cut)).as("%d bytes of a %d-byte header", cut, header)
                        .isEqualTo(NEED_MORE);
            }
            if (size == 0) {
                assertThat(s.scan(i -> frame[i], 0, header)).isEqualTo(header);
                continue;
            }
            assertThat(s.scan(i -> frame[i], 0, header + 1)).isEqualTo(header + 1);
            assertThat(s.scan(i -> frame[i], header + 1, frame.length)).isEqualTo(size - 1);
        }
        byte[] huge = concat(RawWebSocket.header(FIN | TEXT, true, 999), new byte[4]);
        assertThat(scan(huge, 0, huge.length)).as("a header without its payload yet").isEqualTo(huge.length);
    }

    @Test
    void returnsAPingOnlyWholeSoThatItCanBeAnswered() {
        byte[] ping = RawWebSocket.frame(FIN | PING, true, new byte[125]);
        byte[] pong = RawWebSocket.frame(FIN | 0xA, true, new byte[125]);
        for (int cut = 1; cut < ping.length; cut++) {
            assertThat(scan(ping, 0, cut)).as("%d of %d bytes", cut, ping.length).isEqualTo(NEED_MORE);
        }
        assertThat(scan(ping, 0, ping.length)).isEqualTo(ping.length);
        assertThat(scanner.isPing()).isTrue();
        assertThat(scan(pong, 0, 7)).as("a pong goes on in pieces like any frame").isEqualTo(7);
        assertThat(scanner.isPing()).isFalse();
    }

    @Test
    void rejectsAnUnmaskedFrameAsSoonAsItsSecondByteIsIn() {
        byte[] unmasked = RawWebSocket.frame(FIN | TEXT, false, new byte[500]);
        assertThat(scan(unmasked, 0, 1)).isEqualTo(NEED_MORE);
        assertThat(scan(unmasked, 0, 2)).isEqualTo(REJECT);
        assertThat(scanner.violation()).isEqualTo(WebSocketFrameScanner.UNMASKED);
    }

    @Test
    void rejectsEachBrokenRuleWithItsReason() {
        Object[][] cases = {
            {RawWebSocket.frame(FIN | 0x20 | TEXT, true, new byte[1]), WebSocketFrameScanner.RESERVED_BITS},
            {RawWebSocket.frame(FIN | 0x7, true, new byte[1]), WebSocketFrameScanner.UNKNOWN_OPCODE},
            {RawWebSocket.frame(FIN | 0xF, true, new byte[1]), WebSocketFrameScanner.UNKNOWN_OPCODE},
            {RawWebSocket.frame(FIN | 0xA, true, new byte[126]), WebSocketFrameScanner.BAD_CONTROL_FRAME},
            {RawWebSocket.frame(0x8, true, new byte[2]), WebSocketFrameScanner.BAD_CONTROL_FRAME},
            {RawWebSocket.frame(0x0, true, new byte[1]), WebSocketFrameScanner.BAD_CONTINUATION},
            {RawWebSocket.frame(FIN | TEXT, true, new byte[LIMIT + 1]), WebSocketFrameScanner.TOO_LARGE},
            {concat(RawWebSocket.header(FIN | TEXT, true, -1), new byte[4]), WebSocketFrameScanner.TOO_LARGE},
        };
        for (Object[] c : cases) {
            WebSocketFrameScanner s = new WebSocketFrameScanner(LIMIT, false);
            byte[] frame = (byte[]) c[0];
            assertThat(s.scan(i -> frame[i], 0, frame.length)).isEqualTo(REJECT);
            assertThat(s.violation()).isEqualTo(c[1]);
        }
    }

    @Test
    void countsAMessageOverAllItsFragmentsButNotTheControlFramesBetween() {
        byte[] stream = concat(
                RawWebSocket.frame(TEXT, true, new byte[400]),
                RawWebSocket.frame(FIN | PING, true, new byte[125]),
                RawWebSocket.frame(0x0, true, new byte[600]), // 1000: exactly the limit
                RawWebSocket.frame(0x0, true, new byte[0]),
                RawWebSocket.frame(FIN | 0x0, true, new byte[1]));
        int at = 0;
        for (int frame = 0; frame < 4; frame++) {
            int n = scan(stream, at, stream.length);
            assertThat(n).as("frame %d", frame).isPositive();
            at += n;
        }
        assertThat(scan(stream, at, stream.length)).isEqualTo(REJECT);
        assertThat(scanner.violation()).isEqualTo(WebSocketFrameScanner.TOO_LARGE);
    }

    @Test
    void aNewMessageMayStartOnlyAfterTheLastOneEnded() {
        byte[] stream = concat(RawWebSocket.frame(TEXT, true, new byte[3]), RawWebSocket.frame(FIN | TEXT, true,
                new byte[3]));
        int first = scan(stream, 0, stream.length);
        assertThat(scan(stream, first, stream.length)).isEqualTo(REJECT);
        assertThat(scanner.violation()).isEqualTo(WebSocketFrameScanner.BAD_CONTINUATION);
    }

    @Test
    void aLengthNearTheTopOfItsRangeDoesNotOverflowTheMessageCount() {
        byte[] stream = concat(RawWebSocket.frame(TEXT, true, new byte[10]),
                RawWebSocket.header(0x0, true, Long.MAX_VALUE), new byte[4]);
        int first = scan(stream, 0, stream.length);
        assertThat(scan(stream, first, stream.length)).isEqualTo(REJECT);
        assertThat(scanner.violation()).isEqualTo(WebSocketFrameScanner.TOO_LARGE);
    }

    @Test
    void reservedBitsAreTheNegotiatedExtensionsBusiness() {
        WebSocketFrameScanner s = new WebSocketFrameScanner(LIMIT, true);
        byte[] compressed = RawWebSocket.frame(FIN | 0x40 | TEXT, true, new byte[5]);
        assertThat(s.scan(i -> compressed[i], 0, compressed.length)).isEqualTo(compressed.length);
    }

    @Test
    void aRejectionIsFinal() {
        byte[] bad = RawWebSocket.frame(FIN | TEXT, false, new byte[1]);
        byte[] good = RawWebSocket.frame(FIN | TEXT, true, new byte[1]);
        assertThat(scan(bad, 0, bad.length)).isEqualTo(REJECT);
        assertThat(scan(good, 0, good.length)).isEqualTo(REJECT);
        assertThat(scanner.rejected()).isTrue();
        assertThatThrownBy(() -> scan(good, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * However a valid stream is cut into reads, what is passed on is all of it, in order, in pieces that never
     * reach past the end of a frame; fed the way the guard feeds it (an incomplete header waits for the next read).
     */
    @Test
    void anyCuttingOfAValidStreamIsPassedOnWholeInPiecesWithinOneFrame() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            TreeSet<Integer> frameEnds = new TreeSet<>();
            for (int message = 0; message < 1 + random.nextInt(6); message++) {
                int fragments = 1 + random.nextInt(3);
                int left = random.nextInt(LIMIT + 1);
                for (int f = 0; f < fragments; f++) {
                    if (random.nextInt(4) == 0) {
                        stream.writeBytes(RawWebSocket.frame(FIN | PING, true, new byte[random.nextInt(126)]));
                        frameEnds.add(stream.size());
                    }
                    int size = f == fragments - 1 ? left : random.nextInt(left + 1);
                    left -= size;
                    int first = (f == fragments - 1 ? FIN : 0) | (f == 0 ? TEXT : 0);
                    stream.writeBytes(RawWebSocket.frame(first, true, new byte[size]));
                    frameEnds.add(stream.size());
                }
            }
            byte[] all = stream.toByteArray();
            WebSocketFrameScanner s = new WebSocketFrameScanner(LIMIT, false);
            List<int[]> passed = new ArrayList<>();
            int held = 0; // start of the bytes held back
            int read = 0;
            while (read < all.length) {
                read = Math.min(all.length, read + 1 + random.nextInt(300));
                int at = held;
                while (at < read) {
                    int n = s.scan(i -> all[i], at, read);
                    assertThat(n).as("seed %d at %d", seed, at).isNotEqualTo(REJECT);
                    if (n == NEED_MORE) {
                        break;
                    }
                    passed.add(new int[] {at, at + n});
                    at += n;
                }
                held = at;
            }
            assertThat(held).as("seed %d: all passed on", seed).isEqualTo(all.length);
            int expect = 0;
            for (int[] piece : passed) {
                assertThat(piece[0]).as("seed %d: in order, nothing lost", seed).isEqualTo(expect);
                Integer end = frameEnds.higher(piece[0]);
                assertThat(piece[1]).as("seed %d: piece %s within one frame", seed, Arrays.toString(piece))
                        .isLessThanOrEqualTo(end);
                expect = piece[1];
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }
}
