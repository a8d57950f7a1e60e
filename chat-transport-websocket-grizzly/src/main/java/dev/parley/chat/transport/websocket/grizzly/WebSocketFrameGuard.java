package dev.parley.chat.transport.websocket.grizzly;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.memory.Buffers;

/**
 * A Grizzly filter placed right in front of Tyrus's WebSocket filter that checks every client frame header before
 * Tyrus sees the frame, and hands Tyrus the stream one frame at a time.
 *
 * <p>Why here: Tyrus 2.2 parses frames in {@code ProtocolHandler.unframe}, which reads the mask bit but never
 * requires it, so unmasked client frames are processed. Its read handler ({@code TyrusWebSocketEngine}'s
 * {@code TyrusReadHandler}) appends each read to a buffer of at most {@code incomingBufferSize} bytes and, when a read
 * would overflow it, throws an {@code IllegalArgumentException} ("Buffer overflow."), which
 * {@code TyrusEndpointWrapper.onError} logs as a WARNING with its stack trace before the connection is closed with
 * 1011. So an oversized frame, before or after {@code auth}, costs a stack trace, and even a burst of small frames
 * that arrives in one large read overflows the buffer. No Tyrus setting or Jakarta API fixes either: a larger buffer
 * only moves the limit (and lets a client make Tyrus buffer that much), and no API exposes the mask bit. Here, in
 * front of Tyrus, the header says it all after at most 14 bytes, before any payload is buffered.
 *
 * <p>Tyrus also answers every ping with a pong, queued however many pings a client sends without reading (memory
 * without bound, about 600 bytes a ping), and a ping that it processes after the session has closed throws an
 * {@code IllegalStateException} from {@code TyrusEndpointWrapper.onPing}, again logged with its stack trace: a client
 * gets that by writing pings right behind a frame that closes its socket (a forged token).
 *
 * <p>What it does, per connection once its handshake answer (101) has gone out through this filter:
 *
 * <ul>
 *   <li>{@link WebSocketFrameScanner} checks each header (mask, reserved bits, opcode, control frames,
 *       fragmentation, message size over all fragments) as soon as it is complete; an incomplete header is held back
 *       (at most 13 bytes) until the rest arrives.
 *   <li>Valid bytes go on to Tyrus unchanged, cut at frame ends: Tyrus never holds more than one frame, so its buffer
 *       (a frame's worth) never overflows.
 *   <li>A frame that breaks a rule never reaches Tyrus. Instead Tyrus gets a close frame with the rule's code and
 *       reason, as if the client had sent it. That is the path Tyrus takes for its own protocol errors: it answers
 *       with a close frame carrying the same code and reason, tells the endpoint ({@code onClose}), and closes the
 *       connection. Everything the client sends afterwards is dropped here.
 *   <li>Pings are answered here ({@link PongWriter}: at most one pong waits to be written) and never reach Tyrus
 *       (so they do not count as activity for a positive Tyrus idle timeout; Parley's keep-alive uses pongs).
 *   <li>Once a close frame has gone out (Tyrus writes it through this filter), nothing the client sends reaches
 *       Tyrus any more: the session is closed, and RFC 6455 lets the server ignore what follows.
 *   <li>Each rejection is logged as one line, at most one line a minute ({@link ThrottledLog}); never a stack trace.
 * </ul>
 *
 * <p>Grizzly reads one connection's data one chunk at a time, so the per-connection scanner needs no locking.
 */
final class WebSocketFrameGuard extends BaseFilter {
    private static final Attribute<Socket> SOCKET =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(WebSocketFrameGuard.class.getName() + ".socket");
    private static final ThrottledLog LOG = new ThrottledLog(System.getLogger(WebSocketFrameGuard.class.getName()),
            System.Logger.Level.WARNING, Duration.ofMinutes(1));

    private final int maxMessageBytes;
    /** Where an upgraded connection's reads go from its 101 on: see {@link UpgradedStream}. Set once, at set-up. */
    private volatile FilterChain upgraded;

    /**
     * @param maxMessageBytes the largest data message accepted, in payload bytes over all of its fragments
     */
    WebSocketFrameGuard(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    void upgradedChain(FilterChain chain) {
        this.upgraded = chain;
    }

    /** One WebSocket connection's state here. */
    private static final class Socket {
        final WebSocketFrameScanner scanner;
        final PongWriter pongs;
        /** A close frame went out: the session is closed. Set by whichever thread wrote it. */
        volatile boolean closeSent;

        Socket(WebSocketFrameScanner scanner, PongWriter pongs) {
            this.scanner = scanner;
            this.pongs = pongs;
        }
    }

    /**
     * Everything written to a connection passes here: Tyrus's handshake answer, whose 101 turns the connection's
     * later reads into frames, and every frame the server sends, each close frame in a write of its own.
     */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        Object message = ctx.getMessage();
        if (message instanceof Buffer frames) {
            Socket socket = SOCKET.get(ctx.getConnection());
            if (socket != null && frames.hasRemaining() && (frames.get(frames.position()) & 0xff) == 0x88) {
                socket.closeSent = true;
            }
        } else if (message instanceof HttpPacket packet && packet.getHttpHeader() instanceof HttpResponsePacket r
                && r.getStatus() == 101 && !r.isCommitted()) {
            boolean extensions = r.containsHeader("Sec-WebSocket-Extensions");
            SOCKET.set(ctx.getConnection(), new Socket(new WebSocketFrameScanner(maxMessageBytes, extensions),
                    new PongWriter(ctx.getConnection())));
            if (upgraded != null) {
                ctx.getConnection().setProcessor(upgraded); // takes effect from the connection's next read
            }
        }
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        Socket socket = SOCKET.get(ctx.getConnection());
        if (socket == null || !(ctx.getMessage() instanceof HttpContent chunk)) {
            return ctx.getInvokeAction(); // not (yet) a WebSocket
        }
        WebSocketFrameScanner scanner = socket.scanner;
        if (scanner.rejected() || socket.closeSent) {
            return ctx.getStopAction(); // closing: nothing more reaches Tyrus
        }
        Buffer bytes = chunk.getContent();
        int from = bytes.position();
        int to = bytes.limit();
        if (from == to) {
            return ctx.getInvokeAction();
        }
        HttpHeader request = chunk.getHttpHeader();
        int n = scanner.scan(bytes::get, from, to);
        if (n == WebSocketFrameScanner.NEED_MORE) {
            // Copied: these few bytes wait for the next read, whose buffer Grizzly appends to them.
            Buffer head = Buffers.wrap(ctx.getMemoryManager(), copy(bytes, from, to));
            return ctx.getStopAction(HttpContent.create(request, false, head));
        }
        if (n == WebSocketFrameScanner.REJECT) {
            WebSocketFrameScanner.Violation v = scanner.violation();
            LOG.log("Closed a WebSocket connection from " + peer(ctx.getConnection().getPeerAddress()) + " with "
                    + v.code() + " " + v.reason() + ": a client frame broke that rule");
            Buffer close = Buffers.wrap(ctx.getMemoryManager(), closeFrame(v));
            ctx.setMessage(HttpContent.create(request, false, close));
            return ctx.getInvokeAction();
        }
        if (scanner.isPing()) {
            socket.pongs.answer(pingPayload(bytes, from, n));
            if (from + n == to) {
                return ctx.getStopAction();
            }
            ctx.setMessage(HttpContent.create(request, false, bytes.slice(from + n, to)));
            return ctx.getRerunFilterAction();
        }
        if (from + n == to) {
            return ctx.getInvokeAction();
        }
        ctx.setMessage(HttpContent.create(request, false, bytes.slice(from, from + n)));
        // The rest comes back through this filter once Tyrus has taken this part.
        return ctx.getInvokeAction(HttpContent.create(request, false, bytes.slice(from + n, to)));
    }

    private static String peer(Object address) {
        return address instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(address);
    }

    /** The unmasked payload of the whole ping frame at {@code from}: 6 header bytes, of which 4 are the key. */
    private static byte[] pingPayload(Buffer bytes, int from, int frameBytes) {
        byte[] payload = new byte[frameBytes - 6];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (bytes.get(from + 6 + i) ^ bytes.get(from + 2 + (i & 3)));
        }
        return payload;
    }

    private static byte[] copy(Buffer bytes, int from, int to) {
        byte[] copy = new byte[to - from];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = bytes.get(from + i);
        }
        return copy;
    }

    /**
     * A final close frame as a client sends it: masked, here with an all-zero key so that the payload stays as it
     * is. The reasons are short ASCII codes, well within a control frame's 125 bytes.
     */
    static byte[] closeFrame(WebSocketFrameScanner.Violation v) {
        byte[] reason = v.reason().getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + 4 + 2 + reason.length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (0x80 | (2 + reason.length));
        frame[6] = (byte) (v.code() >>> 8);
        frame[7] = (byte) v.code();
        System.arraycopy(reason, 0, frame, 8, reason.length);
        return frame;
    }
}
