package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.User;
import jakarta.websocket.CloseReason;

/**
 * Every frame a client sends, in order: counted, size-checked, parsed, rate-limited, then handed to the handler of
 * its type. Any failure of a frame becomes one {@code error} frame (echoing its {@code ref}); the socket stays open
 * unless the frame breaks a limit that closes it.
 */
final class InboundFrames {
    private final Connection conn;
    private final RateLimiter limiter;
    private final MessageCommands messages;

    InboundFrames(Connection conn) {
        this.conn = conn;
        Settings settings = conn.settings;
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), settings.clock().millis());
        this.messages = new MessageCommands(conn);
    }

    /** Binary frames are not part of the protocol: the first one (or its first fragment) closes the socket. */
    void onBinary() {
        conn.hub.counters.framesIn.increment();
        conn.closeForPolicy(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary_not_supported");
    }

    void onText(String text) {
        conn.hub.counters.framesIn.increment();
        if (conn.isClosed()) {
            return;
        }
        Settings settings = conn.settings;
        if (!Inbound.fits(text, settings.maxFrameBytes())) {
            conn.closeForPolicy(CloseReason.CloseCodes.TOO_BIG, "frame_too_large");
            return;
        }
        Inbound in = null;
        WireError parseError = null;
        try {
            in = Inbound.parse(text);
        } catch (WireError e) {
            parseError = e;
        }
        String ref = in == null ? null : in.ref();
        switch (limiter.acquire(settings.clock().millis())) {
            case ABUSIVE:
                conn.closeForPolicy(Connection.POLICY, "rate_limited");
                return;
            case LIMITED:
                conn.out.sendError(WireError.RATE_LIMITED, "too many frames; slow down", ref);
                return;
            default:
                break;
        }
        if (parseError != null) {
            conn.out.sendError(parseError.code(), parseError.getMessage(), ref);
            return;
        }
        try {
            dispatch(in);
        } catch (RuntimeException e) {
            conn.out.sendFailure(e, in.type(), ref);
        }
    }

    private void dispatch(Inbound in) {
        String type = in.type();
        if (type == null) {
            throw new WireError(WireError.UNKNOWN_TYPE, "type is missing or not a string");
        }
        switch (type) {
            case "ping":
                conn.out.sendLive(conn.frames.pong(in.ref()));
                return;
            case "auth":
                conn.auth.auth(in);
                return;
            case "join":
            case "resume":
            case "unsubscribe":
            case "leave":
            case "send":
            case "typing":
            case "read":
            case "edit":
            case "delete":
            case "react":
            case "unreact":
                break;
            default:
                throw new WireError(WireError.UNKNOWN_TYPE, "unknown type: "
                        + (type.length() > 32 ? type.substring(0, 32) + "..." : type));
        }
        User u = conn.auth.user();
        if (u == null) {
            throw new WireError(WireError.NOT_AUTHENTICATED, "send auth first");
        }
        switch (type) {
            case "join" -> conn.rooms.join(u, in);
            case "resume" -> conn.rooms.resume(u, in);
            case "unsubscribe" -> conn.rooms.unsubscribe(u, in);
            case "leave" -> conn.rooms.leave(u, in);
            case "send" -> messages.send(u, in);
            case "typing" -> messages.typing(u, in);
            case "read" -> messages.read(u, in);
            case "edit" -> messages.edit(u, in);
            case "delete" -> messages.delete(u, in);
            case "react" -> messages.react(u, in, true);
            case "unreact" -> messages.react(u, in, false);
            default -> throw new IllegalStateException(type);
        }
    }
}
