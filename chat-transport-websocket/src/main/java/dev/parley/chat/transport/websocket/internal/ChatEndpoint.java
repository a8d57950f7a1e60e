package dev.parley.chat.transport.websocket.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/**
 * The programmatic endpoint the container instantiates (through {@link HandshakeConfigurator}) for each socket. It
 * keeps no state of its own: the socket's {@link Connection} lives in the session's user properties, so the
 * endpoint is correct even in a container that reused one instance for several sessions. Public because some
 * containers insist on it; not an API.
 */
public final class ChatEndpoint extends Endpoint {
    private final WebSocketHub hub;

    ChatEndpoint(WebSocketHub hub) {
        this.hub = hub;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        hub.open(session);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection c = WebSocketHub.connection(session);
        if (c != null) {
            c.onClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        Connection c = WebSocketHub.connection(session);
        if (c != null) {
            c.onError(thr);
        }
    }
}
