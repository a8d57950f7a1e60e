package dev.parley.chat.transport.websocket.grizzly;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * Serves a Jakarta WebSocket endpoint, such as {@code ChatWebSocket.endpointConfig()}, on a Grizzly
 * {@link NetworkListener} that an application already has, next to its own HTTP handlers on the same port. This is
 * how Parley's reference server mounts {@code /ws}, and how an application with its own Grizzly {@code HttpServer}
 * embeds Parley's WebSocket endpoint:
 *
 * <pre>{@code
 * HttpServer http = HttpServer.createSimpleServer(null, "127.0.0.1", 8080);
 * ChatWebSocket chatSocket = ChatWebSocket.builder(chatService).authenticator(myAuth).build();
 * WebSocketMount mount = WebSocketMount.mount(http.getListener("grizzly"), chatSocket.endpointConfig(), 64 * 1024);
 * http.getServerConfiguration().addHttpHandler(myHandler, "/hello");
 * http.start();
 * ...
 * chatSocket.close();      // closes the sockets (1001)
 * http.shutdownNow();
 * mount.close();
 * }</pre>
 *
 * <p>Under the hood a Tyrus WebSocket engine that owns no HTTP server holds the endpoint, and Tyrus's
 * {@link WebSocketAddOn} puts its filter into the listener's filter chain: that filter takes over upgrade requests
 * for the endpoint's path (relative to the root context {@code /}) and passes every other request on to the HTTP
 * handlers. Mount before the listener starts: Grizzly builds a listener's filter chain when it starts.
 *
 * <p>In front of Tyrus's filter sits a {@link WebSocketFrameGuard}, which checks every client frame header before
 * Tyrus sees the frame: a frame that breaks RFC 6455's framing rules (unmasked, reserved bits or opcodes, bad control
 * frames or fragmentation) closes the connection with 1002, and a message over {@code maxFrameBytes} with 1009
 * {@code frame_too_large}, each with the reason listed in {@code docs/protocol.md}; nothing of such a frame reaches
 * the endpoint, and no stack trace is logged. The guard also answers the clients' pings itself, with at most one pong
 * waiting per connection.
 *
 * <p>The mount also keeps the listener's other handlers working: a request offering an upgrade to anything but
 * WebSocket (Java's {@code HttpClient} offers {@code Upgrade: h2c} on every plain-HTTP request) is served as plain
 * HTTP/1.1 with its body intact, and a refused handshake (403 for a foreign {@code Origin}) is framed so the client
 * is not left waiting.
 *
 * <p>Once a connection's handshake has succeeded, the mount moves it off Grizzly's HTTP codec onto a chain of its
 * own (the listener's filters in front of the codec, its idle timeout, the frame guard and Tyrus), so that the parsed
 * upgrade request does not stay in memory for the socket's life. Filters an application put between the HTTP codec
 * and Tyrus's filter, other than Grizzly's idle timeout, do not see an upgraded connection's later traffic.
 *
 * <p>Guarantees: after {@link #mount} returns, the endpoint is deployed and the listener will serve it once started;
 * no further endpoints can be added to this mount. {@link #close()} undeploys the endpoint; it does not close open
 * sockets (close the endpoint's owner, for example {@code ChatWebSocket.close()}, first) and does not stop the
 * listener. Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public final class WebSocketMount implements AutoCloseable {
    /**
     * Tyrus's read buffer above the frame limit: the {@link WebSocketFrameGuard} hands Tyrus one frame at a time and
     * none larger than the limit plus its header (at most 14 bytes), so Tyrus's own overflow (a 1011 close with a
     * logged stack trace) cannot happen.
     */
    private static final int BUFFER_HEADROOM = 1024;
    private static final String TYRUS_FILTER = "org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter";

    private final WebSocketContainer container;
    private boolean closed; // guarded by this

    private WebSocketMount(WebSocketContainer container) {
        this.container = container;
    }

    /**
     * Deploys an endpoint and registers it on a listener that has not started yet.
     *
     * @param listener the application's listener, for example {@code httpServer.getListener("grizzly")}; not started
     * @param endpoint the endpoint configuration; its path is relative to the root context {@code /}
     * @param maxFrameBytes the largest message accepted, in payload bytes over all of its fragments (for
     *     {@code ChatWebSocket}, its {@code maxFrameBytes}, 64 KiB by default); a larger one closes the connection
     *     with 1009 {@code frame_too_large} as soon as its frame header announces it
     * @return the mount; close it after the server has stopped
     * @throws IllegalStateException if the listener has already started
     * @throws IllegalArgumentException if {@code maxFrameBytes} is not positive
     * @throws DeploymentException if Tyrus rejects the endpoint (for example an invalid path)
     */
    public static WebSocketMount mount(NetworkListener listener, ServerEndpointConfig endpoint, int maxFrameBytes)
            throws DeploymentException {
        Objects.requireNonNull(listener, "listener == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        if (listener.isStarted()) {
            throw new IllegalStateException("mount the WebSocket endpoint before the listener starts");
        }
        WebSocketContainer container =
                new WebSocketContainer("/", (int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes + BUFFER_HEADROOM));
        try {
            container.addEndpoint(endpoint);
            container.start("/", listener.getPort()); // deploys; this container opens no port of its own
            container.doneDeployment();
        } catch (IOException e) {
            container.stop();
            throw new DeploymentException("cannot deploy " + endpoint.getPath() + ": " + e.getMessage(), e);
        } catch (DeploymentException | RuntimeException e) {
            container.stop();
            throw e;
        }
        WebSocketAddOn tyrus = new WebSocketAddOn(container, "/");
        listener.registerAddOn((l, chain) -> {
            tyrus.setup(l, chain); // puts Tyrus's filter right before the HTTP handlers' filter
            int at = chain.indexOfType(HttpServerFilter.class) - 1;
            if (at < 0 || !chain.get(at).getClass().getName().equals(TYRUS_FILTER)) {
                throw new IllegalStateException("Tyrus's WebSocket filter is not where expected in " + l.getName()
                        + "'s filter chain; refusing to serve WebSockets without the frame guard");
            }
            WebSocketFrameGuard guard = new WebSocketFrameGuard(maxFrameBytes);
            chain.add(at, guard);
            int codec = chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
            if (codec < 0) {
                throw new IllegalStateException("no HTTP codec in " + l.getName() + "'s filter chain");
            }
            chain.add(codec + 1, new UpgradeScreen());
            // The upgraded chain keeps what an upgraded stream goes through besides the HTTP codec: the filters in
            // front of the codec (transport, TLS) and the idle timeout (HttpServer puts it behind the codec; the
            // pongs to Parley's pings keep a live socket from reaching it).
            List<Filter> front = new ArrayList<>();
            List<Filter> idle = new ArrayList<>();
            for (int i = 0; i < chain.indexOf(guard); i++) {
                Filter f = chain.get(i);
                if (i < codec) {
                    front.add(f);
                } else if (f instanceof IdleTimeoutFilter) {
                    idle.add(f);
                }
            }
            guard.upgradedChain(UpgradedStream.chain(front, idle, guard, chain.get(chain.indexOf(guard) + 1)));
        });
        return new WebSocketMount(container);
    }

    /** Undeploys the endpoint. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            container.stop();
        } catch (RuntimeException e) {
            System.getLogger(WebSocketMount.class.getName())
                    .log(System.Logger.Level.WARNING, "Could not stop the WebSocket container", e);
        }
    }
}
