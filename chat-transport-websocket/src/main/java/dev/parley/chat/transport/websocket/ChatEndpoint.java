package dev.parley.chat.transport.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/**
 * The programmatic endpoint the container instantiates (through {@link HandshakeConfigurator}) for each socket. It
 * keeps no state of its own: the socket's {@link Connection} lives in the session's user properties, so the
 * endpoint is correct even in a container that reused one instance for several sessions.
 *
 * <p>Not an API: it has no public constructor and nothing to call. It is public only because containers require
 * the endpoint class of a {@link jakarta.websocket.server.ServerEndpointConfig} to be (Jetty refuses to deploy a
 * non-public one), and Tyrus requires it to extend {@link Endpoint}; {@link ChatWebSocket#endpointConfig()} is how
 * it is deployed.
 */
public final class ChatEndpoint extends Endpoint {
    private final ChatWebSocket hub;

    ChatEndpoint(ChatWebSocket hub) {
        this.hub = hub;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        hub.open(session);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection c = ChatWebSocket.connection(session);
        if (c != null) {
            c.onClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        Connection c = ChatWebSocket.connection(session);
        if (c != null) {
            c.onError(thr);
        }
    }
}
