package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.testkit.RawWebSocket;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames that break RFC 6455 or the server's frame limit, written byte by byte on a plain socket to the real
 * server: each closes its socket with the documented code and reason, before and after {@code auth}, is not
 * processed, logs no stack trace, and leaves every other socket served.
 */
class WebSocketFramesTest {
    /** The server's default {@code PARLEY_WS_MAX_FRAME_BYTES}. */
    private static final int LIMIT = 64 * 1024;
    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;

    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String token;
    /** An authenticated socket that must keep being served whatever the others send. */
    static TestSocket bystander;
    static final List<LogRecord> LOGS = new ArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (LOGS) {
                LOGS.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Logger.getLogger("").addHandler(CAPTURE);
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        token = client.signUp("fuzzy");
        bystander = TestSocket.authenticated(server.uri(), client.signUp("bystander"));
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    @BeforeEach
    void forgetEarlierLogs() {
        synchronized (LOGS) {
            LOGS.clear();
        }
    }

    /** Whatever a test sent, nobody logged a stack trace for it, and the other socket is still served. */
    @AfterEach
    void noStackTraceAndOthersAreStillServed() throws Exception {
        bystander.send(json("type", "ping", "ref", "still-there"));
        assertThat(bystander.await("pong").getString("ref")).isEqualTo("still-there");
        synchronized (LOGS) {
            assertThat(LOGS).as("log records with a stack trace").noneMatch(r -> r.getThrown() != null);
        }
    }

    // ---- size -----------------------------------------------------------------------------------------------

    @Test
    void anOversizedFrameClosesWith1009FrameTooLargeBeforeAndAfterAuth() throws Exception {
        for (int size : new int[] {LIMIT + 1, 200 * 1024, 1024 * 1024}) {
            byte[] frame = RawWebSocket.frame(FIN | TEXT, true, sendFrame("big".repeat(size / 3 + 1)));
            for (boolean authenticated : new boolean[] {false, true}) {
                assertThat(closeAfter(authenticated, frame)).as("%d bytes, authenticated: %s", size, authenticated)
                        .isEqualTo(new Close(1009, "frame_too_large"));
            }
        }
        // Announcing the size is enough: the payload never has to arrive.
        byte[] header = concat(RawWebSocket.header(FIN | TEXT, true, 1L << 40), new byte[] {1, 2, 3, 4});
        assertThat(closeAfter(true, header)).isEqualTo(new Close(1009, "frame_too_large"));
        assertThat(closeAfter(false, concat(RawWebSocket.header(FIN | TEXT, true, -1L), new byte[4])))
                .as("a 64-bit length with the top bit set").isEqualTo(new Close(1009, "frame_too_large"));
    }

    @Test
    void aFrameOfExactlyTheLimitIsServed() throws Exception {
        String ping = json("type", "ping", "ref", "full");
        String padded = ping.substring(0, ping.length() - 1) + ",\"pad\":\"" + "p".repeat(LIMIT - ping.length() - 9)
                + "\"}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);
        try (RawWebSocket raw = open(true)) {
            raw.sendText(padded);
            assertThat(raw.readFrame().text()).contains("\"full\"");
        }
    }

    @Test
    void aMessageFragmentedPastTheLimitClosesWith1009FrameTooLarge() throws Exception {
        byte[] part = new byte[LIMIT / 2];
        Arrays.fill(part, (byte) ' ');
        byte[] fragments = concat(
                RawWebSocket.frame(TEXT, true, part),
                RawWebSocket.frame(FIN | PING, true, new byte[] {1}), // control frames may come in between
                RawWebSocket.frame(CONTINUATION, true, part),
                RawWebSocket.frame(FIN | CONTINUATION, true, part));
        for (boolean authenticated : new boolean[] {false, true}) {
            assertThat(closeAfter(authenticated, fragments)).isEqualTo(new Close(1009, "frame_too_large"));
        }
    }

    @Test
    void aMessageFragmentedWithinTheLimitIsServed() throws Exception {
        byte[] ping = json("type", "ping", "ref", "pieces").getBytes(StandardCharsets.UTF_8);
        int half = ping.length / 2;
        try (RawWebSocket raw = open(true)) {
            raw.write(concat(
                    RawWebSocket.frame(TEXT, true, Arrays.copyOfRange(ping, 0, half)),
                    RawWebSocket.frame(FIN | CONTINUATION, true, Arrays.copyOfRange(ping, half, ping.length))));
            assertThat(raw.readFrame().text()).contains("\"pieces\"");
        }
    }

    /** Tyrus's own buffer limit counted bytes per read, not per frame: a burst of small frames overflowed it. */
    @Test
    void manyFramesArrivingInOneBurstAreAllServed() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            frames.add(RawWebSocket.frame(FIN | TEXT, true,
                    json("type", "ping", "ref", "b" + i, "pad", "x".repeat(16_000)).getBytes(StandardCharsets.UTF_8)));
        }
        try (RawWebSocket raw = open(true)) {
            raw.write(concat(frames.toArray(new byte[0][])));
            for (int i = 0; i < 30; i++) {
                RawWebSocket.Frame f = raw.readFrame();
                assertThat(f.opcode()).as("frame %d: %s", i, f.text()).isEqualTo(TEXT);
                assertThat(f.text()).contains("\"b" + i + "\"");
            }
        }
    }

    /** A header can arrive a byte at a time; the frame is still read correctly. */
    @Test
    void aFrameSplitAcrossManyWritesIsServed() throws Exception {
        byte[] frame = RawWebSocket.frame(FIN | TEXT, true, json("type", "ping", "ref", "drip")
                .getBytes(StandardCharsets.UTF_8));
        try (RawWebSocket raw = open(true)) {
            for (byte b : frame) {
                raw.write(new byte[] {b});
                Thread.sleep(2);
            }
            assertThat(raw.readFrame().text()).contains("\"drip\"");
        }
    }

    // ---- RFC 6455 framing ---------------------------------------------------------------------------------

    @Test
    void anUnmaskedFrameClosesWith1002AndIsNotProcessed() throws Exception {
        for (boolean authenticated : new boolean[] {false, true}) {
            byte[] unmasked = RawWebSocket.frame(FIN | TEXT, false, sendFrame("unmasked " + authenticated));
            assertThat(closeAfter(authenticated, unmasked)).isEqualTo(new Close(1002, "unmasked_frame"));
        }
        assertThat(bodiesInGeneral()).noneMatch(body -> body.startsWith("unmasked"));
    }

    @Test
    void framesThatBreakRfc6455CloseWith1002NamingTheRule() throws Exception {
        byte[] send = sendFrame("broken framing");
        Object[][] cases = {
            {"RSV1 without an extension", RawWebSocket.frame(FIN | 0x40 | TEXT, true, send), "reserved_bits"},
            {"RSV3 on a ping", RawWebSocket.frame(FIN | 0x10 | PING, true, new byte[0]), "reserved_bits"},
            {"reserved data opcode 3", RawWebSocket.frame(FIN | 0x3, true, send), "unknown_opcode"},
            {"reserved control opcode 0xB", RawWebSocket.frame(FIN | 0xB, true, new byte[0]), "unknown_opcode"},
            {"ping of 126 bytes", RawWebSocket.frame(FIN | PING, true, new byte[126]), "bad_control_frame"},
            {"fragmented ping", RawWebSocket.frame(PING, true, new byte[1]), "bad_control_frame"},
            {"close of 126 bytes", RawWebSocket.frame(FIN | CLOSE, true, new byte[126]), "bad_control_frame"},
            {"continuation without a start", RawWebSocket.frame(FIN | CONTINUATION, true, send), "bad_continuation"},
            {"a new message inside a fragmented one",
                concat(RawWebSocket.frame(TEXT, true, new byte[] {'{'}), RawWebSocket.frame(FIN | TEXT, true, send)),
                "bad_continuation"},
        };
        for (Object[] c : cases) {
            for (boolean authenticated : new boolean[] {false, true}) {
                assertThat(closeAfter(authenticated, (byte[]) c[1])).as("%s, authenticated: %s", c[0], authenticated)
                        .isEqualTo(new Close(1002, (String) c[2]));
            }
        }
        assertThat(bodiesInGeneral()).doesNotContain("broken framing");
    }

    /**
     * What the guard in front of Tyrus leaves to Tyrus, because it needs the unmasked payload: Tyrus already closes
     * with the RFC's codes (its reason texts are its own).
     */
    @Test
    void payloadErrorsCloseWith1007Or1002() throws Exception {
        byte[] badUtf8 = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        assertThat(closeAfter(true, RawWebSocket.frame(FIN | TEXT, true, badUtf8)).code()).isEqualTo(1007);
        byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}; // U+D800 encoded: not UTF-8
        assertThat(closeAfter(true, RawWebSocket.frame(FIN | TEXT, true, surrogate)).code()).isEqualTo(1007);
        assertThat(closeAfter(true, concat(RawWebSocket.frame(TEXT, true, new byte[] {'"', (byte) 0xE2}),
                RawWebSocket.frame(FIN | CONTINUATION, true, new byte[] {'"'}))).code())
                .as("a character cut by the end of the message").isEqualTo(1007);
        assertThat(closeAfter(true, RawWebSocket.frame(FIN | CLOSE, true, new byte[] {3})).code())
                .as("a close payload of one byte").isEqualTo(1002);
        assertThat(closeAfter(true, RawWebSocket.frame(FIN | CLOSE, true, new byte[] {3, (byte) 0xE7})).code())
                .as("close code 999").isEqualTo(1002);
        byte[] badReason = {3, (byte) 0xE8, (byte) 0xC0, (byte) 0xAF};
        assertThat(closeAfter(true, RawWebSocket.frame(FIN | CLOSE, true, badReason)).code())
                .as("a close reason that is not UTF-8").isEqualTo(1007);
    }

    // ---- pings --------------------------------------------------------------------------------------------

    /**
     * Tyrus queued a pong for every ping, however many a client sent without reading: memory without bound. Now at
     * most one pong waits to be written and it answers the newest ping (RFC 6455 section 5.5.3). The client reads
     * only once the server has taken in all its pings (a text frame behind them has been counted), so whatever the
     * socket buffers could not hold had to wait in the server.
     */
    @Test
    void aClientThatFloodsPingsWithoutReadingGetsOnlyThePongsThatFitPlusOneForTheNewestPing() throws Exception {
        int pings = 200_000;
        try (RawWebSocket raw = RawWebSocket.connect(server.uri().getPort(), "/ws", 4096)) {
            long framesIn = framesIn();
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < pings; i++) {
                batch.writeBytes(RawWebSocket.frame(FIN | PING, true, padded(i))); // 25 MB of pongs
                if (i % 1000 == 999) {
                    raw.write(batch.toByteArray());
                    batch.reset();
                }
            }
            raw.sendText(json("type", "ping", "ref", "after-the-pings"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (framesIn() == framesIn && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(framesIn()).as("the text frame behind the pings was read").isEqualTo(framesIn + 1);
            int received = 0;
            int last = -1;
            boolean replied = false;
            while (last != pings - 1 || !replied) {
                RawWebSocket.Frame f = raw.readFrame();
                if (f.opcode() == TEXT) {
                    replied = true;
                    continue;
                }
                assertThat(f.opcode()).isEqualTo(0xA);
                int n = Integer.parseInt(f.text().strip());
                assertThat(n).as("pongs answer pings in order").isGreaterThan(last);
                last = n;
                received++;
            }
            assertThat(received).as("pongs for %d pings", pings).isLessThan(pings / 2);
        }
    }

    private static long framesIn() {
        String metrics = client.get("/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("parley_ws_frames_in_total "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    /**
     * A ping that Tyrus processed after the session closed cost a WARNING with a stack trace, and so did a frame
     * handed to Tyrus after it closed the connection.
     */
    @Test
    void framesRightBehindAFrameThatClosesTheSocketAreHarmless() throws Exception {
        byte[] text = RawWebSocket.frame(FIN | TEXT, true, json("type", "ping").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
            try (RawWebSocket raw = open(false)) {
                raw.write(concat(
                        RawWebSocket.frame(FIN | TEXT, true, json("type", "auth", "token", "forged")
                                .getBytes(StandardCharsets.UTF_8)),
                        RawWebSocket.frame(FIN | PING, true, counter(1)), text,
                        RawWebSocket.frame(FIN | PING, true, counter(2)), text, text,
                        RawWebSocket.frame(FIN | PING, true, counter(3)), text, text, text));
                RawWebSocket.Frame f = raw.readFrame();
                while (f.opcode() != CLOSE) {
                    f = raw.readFrame();
                }
                assertThat(new Close(f.closeCode(), f.closeReason())).isEqualTo(new Close(1008, "invalid_token"));
            }
        }
    }

    // ---- the protocol on top ------------------------------------------------------------------------------

    @Test
    void aBinaryFrameClosesWith1003AndAnOversizedOneWith1009() throws Exception {
        for (boolean authenticated : new boolean[] {false, true}) {
            assertThat(closeAfter(authenticated, RawWebSocket.frame(RawWebSocket.BINARY, true, sendFrame("bin"))))
                    .isEqualTo(new Close(1003, "binary_not_supported"));
        }
        assertThat(closeAfter(true, RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[LIMIT + 1])))
                .isEqualTo(new Close(1009, "frame_too_large"));
        assertThat(bodiesInGeneral()).doesNotContain("bin");
    }

    // ---- log hygiene ----------------------------------------------------------------------------------------

    @Test
    void aFloodOfBadFramesLogsAtMostOneLineAndNoStackTrace() throws Exception {
        byte[] oversized = RawWebSocket.frame(FIN | TEXT, true, new byte[200 * 1024]);
        byte[] unmasked = RawWebSocket.frame(FIN | TEXT, false, sendFrame("flood"));
        for (int i = 0; i < 10; i++) {
            assertThat(closeAfter(false, oversized).code()).isEqualTo(1009);
            assertThat(closeAfter(false, unmasked).code()).isEqualTo(1002);
        }
        synchronized (LOGS) {
            assertThat(LOGS).as("log records for 20 bad frames").hasSizeLessThanOrEqualTo(1)
                    .allMatch(r -> r.getThrown() == null && r.getMessage().contains("with 100"));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    record Close(int code, String reason) {
    }

    /** A ping payload of the most bytes allowed, 125, that starts with {@code n}. */
    private static byte[] padded(int n) {
        byte[] payload = new byte[125];
        Arrays.fill(payload, (byte) ' ');
        byte[] digits = counter(n);
        System.arraycopy(digits, 0, payload, 0, digits.length);
        return payload;
    }

    private static byte[] counter(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** A {@code send} to {@code general}, as a frame's payload. */
    private static byte[] sendFrame(String body) {
        return json("type", "send", "room", "general", "body", body).getBytes(StandardCharsets.UTF_8);
    }

    private static RawWebSocket open(boolean authenticated) throws IOException {
        RawWebSocket raw = RawWebSocket.connect(server.uri().getPort(), "/ws", 64 * 1024);
        assertThat(raw.status()).isEqualTo(101);
        if (authenticated) {
            raw.sendText(json("type", "auth", "token", token));
            assertThat(raw.readFrame().text()).contains("\"ready\"");
        }
        return raw;
    }

    /**
     * Writes the bytes on a fresh socket and returns the close frame the server answers with. No text frame may come
     * before it: that would be a reply to a frame that should not have been processed.
     */
    private static Close closeAfter(boolean authenticated, byte[] bytes) throws IOException {
        try (RawWebSocket raw = open(authenticated)) {
            try {
                raw.write(bytes);
            } catch (IOException e) {
                // the server may close before it has read everything; its close frame is already on its way
            }
            List<String> before = new ArrayList<>();
            for (;;) {
                RawWebSocket.Frame f = raw.readFrame();
                if (f.opcode() == CLOSE) {
                    assertThat(before).as("frames before the close").isEmpty();
                    assertThat(raw.awaitEndOfStream()).as("the server closes the connection").isTrue();
                    return new Close(f.closeCode(), f.closeReason());
                }
                if (f.opcode() == TEXT) {
                    before.add(f.text()); // a reply: the frame was processed
                }
            }
        }
    }

    private static List<String> bodiesInGeneral() {
        JsonObject page = client.get("/api/messages?room=general&limit=100", token).json();
        return page.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("body")).toList();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
