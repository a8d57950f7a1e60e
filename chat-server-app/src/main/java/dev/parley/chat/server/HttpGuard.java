package dev.parley.chat.server;

import java.io.IOException;
import java.util.Map;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * A filter placed right after Grizzly's HTTP codec, so it sees every parsed request and every response on its way
 * out, whoever wrote it (the HTTP handlers, Grizzly's own error pages, the WebSocket filter's handshake responses):
 *
 * <ul>
 *   <li>It adds the {@linkplain #HEADERS security headers} to every response.
 *   <li>It ignores {@code Upgrade} requests for anything but WebSocket. Grizzly treats the body of any request that
 *       carries an {@code Upgrade} header as raw upgraded bytes rather than a Content-Length framed body; clients such
 *       as Java's {@code HttpClient} send {@code Upgrade: h2c} on plain-HTTP requests, so their POST bodies would
 *       never end. No protocol but WebSocket is offered here, so such requests are handled as plain HTTP/1.1.
 *   <li>It turns request paths that no legitimate client sends (dot segments such as {@code /../}, also
 *       percent-encoded or with backslashes; encoded slashes and backslashes; escapes that are not valid UTF-8, such as {@code %c0%ae}; NUL) into a
 *       path that is answered 404 {@code not_found}, before Grizzly's own URI normalisation, which answers some
 *       of them with a bare 500.
 *   <li>It frames the WebSocket filter's handshake refusals (for example 403 for a foreign {@code Origin}) with
 *       {@code Content-Length: 0} and {@code Connection: close}; Tyrus writes them with no framing at all, so a
 *       client would wait for the connection to time out.
 * </ul>
 */
final class HttpGuard implements AddOn {
    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                    + "frame-ancestors 'none'; form-action 'self'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec filter in the filter chain");
        }
        builder.add(codec + 1, new Filter());
    }

    /** Where requests with unacceptable paths are sent: no handler serves it, so it is a 404. */
    static final String REJECTED_PATH = "/.rejected";

    /** Whether a raw request path is one to reject (see the class description). */
    static boolean rejectPath(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('.') < 0 && raw.indexOf('\\') < 0) {
            return false;
        }
        String lower = raw.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c")) {
            return true; // encoded separators: Grizzly refuses them with a 500
        }
        String decoded;
        try {
            decoded = PathCodec.decode(raw);
        } catch (IllegalArgumentException e) {
            return true;
        }
        if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return true;
        }
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static final class Filter extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            if (message instanceof HttpContent) {
                HttpHeader header = ((HttpContent) message).getHttpHeader();
                if (header instanceof HttpRequestPacket) {
                    HttpRequestPacket request = (HttpRequestPacket) header;
                    if (rejectPath(request.getRequestURI())) {
                        request.setRequestURI(REJECTED_PATH);
                        request.setQueryString(null);
                    }
                }
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
            if (event.type() == HttpEvents.IncomingHttpUpgradeEvent.TYPE) {
                HttpHeader request = ((HttpEvents.IncomingHttpUpgradeEvent) event).getHttpHeader();
                String upgrade = request.getUpgrade();
                if (upgrade == null || !upgrade.strip().equalsIgnoreCase("websocket")) {
                    request.setIgnoreContentModifiers(false);
                    request.getUpgradeDC().recycle();
                }
            }
            return ctx.getInvokeAction();
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            if (message instanceof HttpContent) {
                HttpHeader header = ((HttpContent) message).getHttpHeader();
                if (header instanceof HttpResponsePacket && !header.isCommitted()) {
                    HttpResponsePacket response = (HttpResponsePacket) header;
                    HEADERS.forEach((name, value) -> {
                        if (!response.containsHeader(name)) {
                            response.setHeader(name, value);
                        }
                    });
                    HttpRequestPacket request = response.getRequest();
                    if (response.getStatus() != 101 && request != null && request.isIgnoreContentModifiers()
                            && response.getContentLength() < 0 && !response.containsHeader("Content-Length")
                            && !response.isChunked()) {
                        // a refused upgrade: nothing follows the headers
                        response.setHeader("Content-Length", "0");
                        response.setHeader("Connection", "close");
                    }
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
