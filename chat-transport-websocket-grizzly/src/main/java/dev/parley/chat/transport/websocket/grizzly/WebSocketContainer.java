package dev.parley.chat.transport.websocket.grizzly;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server container that owns no HTTP server: it only holds the WebSocket engine with the deployed endpoints.
 * A Grizzly {@code HttpServer} (the reference server's, or an application's own) carries it on its own
 * listener through Tyrus's {@code WebSocketAddOn}, so that WebSocket upgrades and plain HTTP requests share one port.
 * This mirrors Tyrus's own {@code GrizzlyServerContainer}, minus the server it creates. The public way to use it is
 * {@link WebSocketMount}.
 *
 * <p>Use: {@link #addEndpoint(ServerEndpointConfig)}, then {@link #start(String, int)} (which deploys them), then
 * {@link #stop()} when done.
 */
final class WebSocketContainer extends TyrusServerContainer {
    private final String contextPath;
    private final WebSocketEngine engine;

    /**
     * @param contextPath the path the endpoint paths are relative to, {@code "/"} for the root
     * @param incomingBufferSize the most bytes Tyrus buffers for one connection; more closes it with 1011 and a
     *     logged stack trace, which {@link WebSocketFrameGuard} prevents by handing Tyrus no more than a frame at a
     *     time
     */
    WebSocketContainer(String contextPath, int incomingBufferSize) {
        super((Set<Class<?>>) null);
        this.contextPath = contextPath;
        this.engine = TyrusWebSocketEngine.builder(this)
                .incomingBufferSize(incomingBufferSize)
                .build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /** No container properties: the engine is configured through its builder. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }
}
