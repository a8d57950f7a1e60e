package dev.parley.chat.server;

import java.io.IOException;
import java.util.Map;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpProbe;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Makes every response of one listener safe to send and every request safe to route. Its {@link #setup} places a
 * filter right after Grizzly's HTTP codec, so it sees every parsed request and every response on its way out,
 * whoever wrote it (the HTTP handlers, Grizzly's own error pages, the WebSocket filter's handshake responses):
 *
 * <ul>
 *   <li>It adds the {@linkplain #HEADERS security headers} to every response; a probe on the codec adds them to the
 *       refusals the codec writes by itself (a malformed request line, an unsupported HTTP version, an oversized or
 *       malformed header section, a broken chunked body), which never pass through the filters above it.
 *   <li>It {@linkplain RequestScreen screens} each request once its header section is parsed: a request to refuse
 *       is routed to {@code /} with its refusal attached ({@link #REFUSAL}), and {@link ParleyHandler} answers with
 *       that refusal instead of serving it. Grizzly therefore never decodes a path it cannot decode (which it would
 *       answer with a bare 500), and no endpoint, not even the WebSocket one, sees such a request.
 *   <li>It stops a request whose body is broken from the start (for example an invalid chunk size): the codec has
 *       already answered 400 and closes the connection, and Grizzly's server filter would otherwise fail on it
 *       before any handler runs, logging a stack trace per request.
 *   <li>It closes the connection after answering a request with a chunked body: Grizzly drops a {@code Content-Length}
 *       sent beside it without telling, and RFC 9112 §6.3 requires closing after such a request.
 *   <li>It replaces Grizzly's error page generator (whose HTML names the Grizzly version and shows the stack trace)
 *       with {@link ErrorPages}, problem+json without either.
 * </ul>
 *
 * <p>Requests offering an upgrade to anything but WebSocket, and the framing of refused handshakes, are the
 * {@code WebSocketMount}'s business: it handles them for every listener it is mounted on.
 */
final class HttpGuard implements AddOn {
    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                    + "frame-ancestors 'none'; form-action 'self'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    /** The request attribute holding the {@link HttpError} to answer a refused request with. */
    static final String REFUSAL = "dev.parley.chat.server.refusal";
    /** The request attribute that marks a request as screened (the filter sees each body chunk of it). */
    private static final String SCREENED = "dev.parley.chat.server.screened";

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        int server = builder.indexOfType(org.glassfish.grizzly.http.server.HttpServerFilter.class);
        if (codec < 0 || server < 0) {
            throw new IllegalStateException("no HTTP codec or HTTP server filter in the filter chain");
        }
        ((org.glassfish.grizzly.http.HttpServerFilter) builder.get(codec)).getMonitoringConfig()
                .addProbes(new CodecRefusals());
        ((org.glassfish.grizzly.http.server.HttpServerFilter) builder.get(server)).getConfiguration()
                .setDefaultErrorPageGenerator(new ErrorPages());
        builder.add(codec + 1, new Filter());
    }

    /** Adds the security headers that are not set yet. */
    static void addSecurityHeaders(HttpResponsePacket response) {
        HEADERS.forEach((name, value) -> {
            if (!response.containsHeader(name)) {
                response.setHeader(name, value);
            }
        });
    }

    /**
     * The codec reports each request it refuses to its probes just before it writes the refusal (an empty 400, or
     * 505), straight to the transport: this is the one place to add headers to it.
     */
    private static final class CodecRefusals extends HttpProbe.Adapter {
        @Override
        public void onErrorEvent(Connection connection, HttpPacket packet, Throwable error) {
            if (packet.getHttpHeader() instanceof HttpRequestPacket request) {
                HttpResponsePacket response = request.getResponse();
                if (response != null && !response.isCommitted()) {
                    addSecurityHeaders(response);
                }
            }
        }
    }

    private static final class Filter extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content
                    && content.getHttpHeader() instanceof HttpRequestPacket request
                    && request.getAttribute(SCREENED) == null) {
                if (HttpContent.isBroken(content)) {
                    return ctx.getStopAction(); // answered and being closed by the codec (see the class comment)
                }
                request.setAttribute(SCREENED, Boolean.TRUE);
                HttpError refusal = RequestScreen.check(request);
                if (refusal != null) {
                    request.setAttribute(REFUSAL, refusal);
                    request.setRequestURI("/");
                    request.setQueryString(null);
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
                    addSecurityHeaders(response);
                    HttpRequestPacket request = response.getRequest();
                    if (request != null && request.isChunked()) {
                        // Grizzly drops a Content-Length sent with a chunked body without telling; such a request
                        // must end its connection (RFC 9112 6.3), so that a parser in front that framed it by the
                        // Content-Length cannot have smuggled a second request into it
                        response.setHeader("Connection", "close");
                    }
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
