package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.UserListener;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Future;

/**
 * Who is on one socket: the {@code auth} frame and its timeout, the user and token it established, and the user's
 * notices from any node (new rooms, the session's end).
 */
final class SocketAuth {
    private final Connection conn;
    private volatile User user;
    private volatile byte[] token;
    private volatile Subscription userWatch;
    private volatile Future<?> timer;

    SocketAuth(Connection conn) {
        this.conn = conn;
    }

    /** The authenticated user, or {@code null} before {@code auth} succeeds. */
    User user() {
        return user;
    }

    /** The token the socket authenticated, or is authenticating, with; {@code null} if none. */
    String token() {
        byte[] t = token;
        return t == null ? null : new String(t, StandardCharsets.UTF_8);
    }

    /** Closes the socket unless {@code auth} succeeds within the auth timeout. */
    void startTimer() {
        timer = conn.hub.schedule(() -> {
            if (user == null) {
                conn.closeForPolicy(Connection.POLICY, "auth_timeout");
            }
        }, conn.settings.authTimeout().toMillis());
    }

    /** The {@code auth} frame. */
    void auth(Inbound in) {
        if (user != null) {
            throw new WireError(WireError.ALREADY_AUTHENTICATED, "already authenticated");
        }
        String t = in.string("token");
        // The socket is known by its token before the check: a logout that lands while the check runs finds it
        // (closeSessionsForToken) and closes it, and one that completed before the check makes the check fail.
        // Recording the token only after a successful check would leave a window in which neither happens.
        token = t.getBytes(StandardCharsets.UTF_8);
        User u;
        try {
            u = conn.settings.authenticator().authenticate(t);
        } catch (AuthenticationException e) {
            conn.closeForPolicy(Connection.POLICY, refusal(e));
            return;
        } catch (RuntimeException e) {
            token = null; // answered with an error frame; the socket stays open and unauthenticated
            throw e;
        }
        if (u == null) {
            conn.closeForPolicy(Connection.POLICY, "invalid_token");
            return;
        }
        if (conn.isClosed()) {
            return; // logged out (or otherwise closed) during the check: never ready
        }
        conn.keepAlive.authenticated(conn.settings.clock().millis());
        user = u;
        watch(u, t);
        Future<?> f = timer;
        if (f != null) {
            f.cancel(false);
        }
        ChatWebSocket.raiseIdleTimeout(conn.session,
                conn.settings.pingInterval().toMillis() * (KeepAlive.MISSED_PONGS + 1));
        conn.out.sendLive(conn.frames.ready(u, in.ref()));
    }

    /**
     * Hears of the user's new rooms and of the session's end on any node. A logout on this node also closes the
     * socket directly ({@code closeSessionsForToken}), which covers a logout racing the token check above.
     */
    private void watch(User u, String t) {
        Subscription w = conn.service.watchUser(u, t, new UserListener() {
            @Override
            public void onRoomAdded(Room room) {
                conn.out.sendLive(conn.frames.roomAdded(room));
            }

            @Override
            public void onMentioned(Room room, Message message) {
                conn.out.sendLive(conn.frames.mentioned(room, message));
            }

            @Override
            public void onSessionEnded() {
                conn.closeForPolicy(Connection.POLICY, "logged_out");
            }
        });
        userWatch = w;
        if (conn.isClosed()) {
            w.close();
        }
    }

    /** Constant-time comparison with the token this socket authenticated, or is authenticating, with. */
    boolean hasToken(byte[] candidate) {
        byte[] t = token;
        return t != null && MessageDigest.isEqual(t, candidate);
    }

    /** The close reason for a token the authenticator refused: its own code if {@code token_expired}. */
    static String refusal(AuthenticationException e) {
        return e.code() == ErrorCode.TOKEN_EXPIRED ? "token_expired" : "invalid_token";
    }

    /** Stops the auth timer and the user's notices; for the socket's clean-up. */
    void end() {
        Future<?> f = timer;
        if (f != null) {
            f.cancel(false);
        }
        Subscription w = userWatch;
        if (w != null) {
            w.close();
        }
    }
}
