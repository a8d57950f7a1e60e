package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.User;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether an authenticated socket is still worth keeping, checked at every ping interval by the transport's sweep:
 * a write stalled past the send timeout (slow consumer), pongs missing for {@link #MISSED_PONGS} pings, and a token
 * that the authenticator no longer accepts (re-validated every token-recheck interval, off the sweep's thread).
 */
final class KeepAlive {
    private static final System.Logger LOG = System.getLogger(KeepAlive.class.getName());

    /** Pings that may go unanswered before the socket is considered dead. */
    static final int MISSED_PONGS = 3;
    private static final ByteBuffer PING = ByteBuffer.wrap("parley".getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();

    private final Connection conn;
    private final AtomicBoolean revalidating = new AtomicBoolean();
    private volatile long lastPongAt;
    private volatile long lastValidatedAt;

    KeepAlive(Connection conn) {
        this.conn = conn;
    }

    /** {@code auth} succeeded at {@code now}: the checks start from there. */
    void authenticated(long now) {
        lastPongAt = now;
        lastValidatedAt = now;
    }

    void onPong() {
        lastPongAt = conn.settings.clock().millis();
    }

    /** Called by the transport's sweep every ping interval. */
    void tick(long now) {
        if (conn.isClosed() || conn.auth.user() == null) {
            return;
        }
        Settings settings = conn.settings;
        long since = conn.out.stalledSince();
        if (since >= 0 && System.nanoTime() - since > settings.sendTimeout().toNanos()) {
            conn.hub.counters.slowConsumerCloses.increment();
            conn.closeForPolicy(Connection.POLICY, "slow_consumer");
            return;
        }
        long ping = settings.pingInterval().toMillis();
        if (now - lastPongAt > ping * MISSED_PONGS) {
            conn.closeForPolicy(CloseReason.CloseCodes.GOING_AWAY, "ping_timeout");
            return;
        }
        try {
            conn.session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "connection " + conn.id + ": ping failed", e);
        }
        if (now - lastValidatedAt >= settings.tokenRecheckInterval().toMillis()
                && revalidating.compareAndSet(false, true)) {
            conn.hub.execute(this::revalidate);
        }
    }

    private void revalidate() {
        try {
            String t = conn.auth.token();
            User u = conn.auth.user();
            if (t == null || u == null || conn.isClosed()) {
                return;
            }
            User again = conn.settings.authenticator().authenticate(t);
            if (again == null || again.id() != u.id()) {
                conn.closeForPolicy(Connection.POLICY, "invalid_token");
            } else {
                lastValidatedAt = conn.settings.clock().millis();
            }
        } catch (AuthenticationException e) {
            conn.closeForPolicy(Connection.POLICY, SocketAuth.refusal(e)); // the reason auth would give now
        } catch (ChatException e) {
            LOG.log(Level.DEBUG, "connection " + conn.id + ": token re-validation failed (" + e.code().code()
                    + "); retrying at the next interval");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connection " + conn.id + ": token re-validation failed", e);
        } finally {
            revalidating.set(false);
        }
    }
}
