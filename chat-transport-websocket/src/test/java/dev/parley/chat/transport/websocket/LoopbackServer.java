package dev.parley.chat.transport.websocket;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus server on Grizzly bound to 127.0.0.1 on an ephemeral port (Tyrus's own {@code Server} binds 0.0.0.0).
 * It deploys the endpoint through the standard {@code ServerContainer.addEndpoint}, as any container would.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer http;
    private final TyrusServerContainer container;
    private final int port;

    private LoopbackServer(HttpServer http, TyrusServerContainer container, int port) {
        this.http = http;
        this.container = container;
        this.port = port;
    }

    public static LoopbackServer start(ServerEndpointConfig config) throws Exception {
        TyrusServerContainer container = new TyrusServerContainer((Set<Class<?>>) null) {
            private final WebSocketEngine engine = TyrusWebSocketEngine.builder(this).build();

            @Override
            public void register(Class<?> endpointClass) throws DeploymentException {
                engine.register(endpointClass, "/");
            }

            @Override
            public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
                engine.register(serverEndpointConfig, "/");
            }

            @Override
            public WebSocketEngine getWebSocketEngine() {
                return engine;
            }

            @Override
            public Map<String, Object> getProperties() {
                return Map.of();
            }
        };
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("parley-test", "127.0.0.1", 0);
        http.addListener(listener);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(new WebSocketAddOn(container, "/"));
        container.addEndpoint(config);
        http.start();
        container.start("/", listener.getPort());
        return new LoopbackServer(http, container, listener.getPort());
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        container.stop();
        http.shutdownNow();
    }
}
