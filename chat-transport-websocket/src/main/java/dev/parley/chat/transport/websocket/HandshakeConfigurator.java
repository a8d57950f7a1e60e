package dev.parley.chat.transport.websocket;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Creates endpoints and checks the handshake: the {@code Origin}, and the remote address for the per-address limit.
 *
 * <h2>Origin</h2>
 * With an allow-list, {@link #checkOrigin} decides alone and the container answers a refused origin with HTTP 403.
 * Same-origin mode needs the {@code Host} header, which {@code checkOrigin} does not see, so there
 * {@code checkOrigin} accepts and {@link #modifyHandshake} (which sees every header) compares the origin with
 * {@code Host}, refusing malformed origins too. A mismatch is refused there by setting the response status to 403 through the container's public
 * {@code setStatus(int)} method (Tyrus's {@code UpgradeResponse} has one, and Tyrus then fails the handshake
 * instead of upgrading; other containers may too). Where no such method exists the socket is flagged and closed
 * with 1008 {@code origin_not_allowed} as soon as it opens, before it can do anything.
 */
final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {
    private static final System.Logger LOG = System.getLogger(HandshakeConfigurator.class.getName());
    static final String REMOTE_ADDRESS = "dev.parley.ws.remoteAddress";
    static final String ORIGIN_REJECTED = "dev.parley.ws.originRejected";
    private static final Set<String> UPGRADE_HEADERS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions");

    private final ChatWebSocket hub;
    private final Set<String> allowedOrigins;
    /** The configuration's own property map, to detect a container that does not copy it per handshake. */
    private volatile Map<String, Object> sharedProperties;

    HandshakeConfigurator(ChatWebSocket hub, Set<String> allowedOrigins) {
        this.hub = hub;
        this.allowedOrigins = allowedOrigins;
    }

    void sharedProperties(Map<String, Object> properties) {
        this.sharedProperties = properties;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != ChatEndpoint.class) {
            throw new InstantiationException("unexpected endpoint class " + endpointClass.getName());
        }
        return endpointClass.cast(new ChatEndpoint(hub));
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        if (originHeaderValue == null || allowedOrigins.isEmpty()) {
            return true; // not a browser, or same-origin mode: modifyHandshake decides with the Host header
        }
        String origin = Settings.Origins.normalise(originHeaderValue);
        boolean ok = origin != null && allowedOrigins.contains(origin);
        if (!ok) {
            hub.counters.error("origin_not_allowed");
        }
        return ok;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Map<String, Object> props = sec.getUserProperties();
        boolean perHandshake = props != sharedProperties;
        String address = remoteAddress(request);
        if (address != null && perHandshake) {
            props.put(REMOTE_ADDRESS, address);
        }
        if (!allowedOrigins.isEmpty()) {
            return;
        }
        String originHeader = header(request, "Origin");
        if (originHeader == null) {
            return;
        }
        String origin = Settings.Origins.normalise(originHeader);
        if (origin != null && Settings.Origins.sameHost(origin, header(request, "Host"))) {
            return;
        }
        hub.counters.error("origin_not_allowed");
        if (perHandshake) {
            props.put(ORIGIN_REJECTED, Boolean.TRUE);
        }
        refuse(response);
    }

    /**
     * Turns the response into an empty 403 where the container allows it. {@code Content-Length: 0} lets HTTP
     * clients see the response end (Grizzly would otherwise leave the body open-ended).
     */
    private static void refuse(HandshakeResponse response) {
        try {
            Method setStatus = response.getClass().getMethod("setStatus", int.class);
            setStatus.invoke(response, 403);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot set the handshake status; the socket will be closed on open", e);
            return;
        }
        try {
            Method setReason = response.getClass().getMethod("setReasonPhrase", String.class);
            setReason.invoke(response, "Forbidden");
        } catch (ReflectiveOperationException | RuntimeException e) {
            // optional
        }
        try {
            Map<String, List<String>> headers = response.getHeaders();
            headers.keySet().removeIf(k -> UPGRADE_HEADERS.contains(k.toLowerCase(Locale.ROOT)));
            headers.put("Content-Length", List.of("0"));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot adjust the refused handshake's headers", e);
        }
    }

    /** The container's view of the peer address, if it exposes one on the request. */
    private static String remoteAddress(HandshakeRequest request) {
        try {
            Method m = request.getClass().getMethod("getRemoteAddr");
            Object v = m.invoke(request);
            return v instanceof String && !((String) v).isEmpty() ? (String) v : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String header(HandshakeRequest request, String name) {
        Map<String, List<String>> headers = request.getHeaders();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
