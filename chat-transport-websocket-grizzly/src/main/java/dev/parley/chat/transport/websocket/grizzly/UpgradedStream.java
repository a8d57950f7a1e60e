package dev.parley.chat.transport.websocket.grizzly;

import java.io.IOException;
import java.util.List;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;

/**
 * Takes Grizzly's HTTP codec out of an upgraded connection's path, so that the parsed upgrade request stops living as
 * long as the socket.
 *
 * <p>Why: once a connection is upgraded, Grizzly's HTTP codec keeps treating it as one HTTP request whose body never
 * ends. It keeps that request (its parsed header fields, each a set of four chunk objects, the URI, the response
 * with its own headers) in the connection's attributes for the connection's whole life, only to wrap each later read
 * in an {@code HttpContent} for Tyrus, which reads nothing of it after the handshake but the content. Measured: 23 KB
 * of live heap per idle authenticated socket with it, 7.7 KB without (docs/benchmarks.md).
 *
 * <p>How: when the handshake's 101 goes out, the {@link WebSocketFrameGuard} switches the connection to a second
 * filter chain (see {@link #chain}): the listener's filters in front of the HTTP codec (transport, TLS), this filter,
 * the listener's idle timeout (whose clock the socket's traffic must keep resetting, as before), the guard and
 * Tyrus's filter. This filter wraps each read in an {@code HttpContent} on one shared, empty request header, and on
 * the connection's first read through it drops the HTTP codec's request in progress and keep-alive state, which
 * nothing reads again. It does so on that first read rather than at the switch because the handshake's own read is
 * still unwinding through the codec then. Writes pass through untouched: after the handshake, everything written is
 * raw frame bytes.
 */
final class UpgradedStream extends BaseFilter {
    private static final Attribute<Object> REQUEST =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("org.glassfish.grizzly.http.HttpServerFilter.HttpRequest");
    private static final Attribute<Object> KEEP_ALIVE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("HttpServerFilter.KeepAliveContext");

    private final HttpHeader header = HttpRequestPacket.builder().method("GET").uri("/").protocol("HTTP/1.1").build();

    /**
     * The chain an upgraded connection switches to: {@code front} (the listener's filters before its HTTP codec),
     * this filter, {@code idle} (the listener's idle-timeout filters), then {@code guard} and {@code tyrus}.
     */
    static FilterChain chain(List<Filter> front, List<Filter> idle, Filter guard, Filter tyrus) {
        FilterChainBuilder b = FilterChainBuilder.stateless();
        front.forEach(b::add);
        b.add(new UpgradedStream());
        idle.forEach(b::add);
        return b.add(guard).add(tyrus).build();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof Buffer bytes)) {
            return ctx.getInvokeAction();
        }
        dropHttpState(ctx.getConnection());
        ctx.setMessage(HttpContent.create(header, false, bytes));
        return ctx.getInvokeAction();
    }

    /**
     * Removes what the HTTP codec keeps on the connection: the request in progress (with its response) and the
     * keep-alive state. Looked up by the names Grizzly's {@code HttpServerFilter} gives them; the builder hands back
     * the codec's own attribute for an existing name, so these are indexed look-ups, not scans.
     */
    private static void dropHttpState(Connection<?> connection) {
        if (REQUEST.isSet(connection)) {
            REQUEST.remove(connection);
            KEEP_ALIVE.remove(connection);
        }
    }
}
