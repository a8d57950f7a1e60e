package dev.parley.chat.transport.websocket.grizzly;

import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;

/**
 * Keeps the application's HTTP handlers working beside the WebSocket endpoint. It sits right after Grizzly's HTTP
 * codec and does two things the mount owes those handlers:
 *
 * <ul>
 *   <li>An {@code Upgrade} request for anything but WebSocket is handled as plain HTTP/1.1. Grizzly treats the body
 *       of any request that carries an {@code Upgrade} header as raw upgraded bytes rather than a framed body; Java's
 *       {@code HttpClient} offers {@code Upgrade: h2c} on every plain-HTTP request, so a handler reading its POST body
 *       would wait until the client gave up. Nothing but WebSocket is offered on this listener.
 *   <li>A refused WebSocket handshake (for example 403 for a foreign {@code Origin}) is framed with
 *       {@code Content-Length: 0}: Tyrus writes it with no framing at all, so the client would wait for the
 *       connection to time out.
 * </ul>
 */
final class UpgradeScreen extends BaseFilter {
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
        if (ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpResponsePacket response
                && !response.isCommitted() && response.getStatus() != 101) {
            HttpRequestPacket request = response.getRequest();
            if (request != null && request.isIgnoreContentModifiers() && response.getContentLength() < 0
                    && !response.containsHeader("Content-Length") && !response.isChunked()) {
                response.setContentLength(0);
            }
        }
        return ctx.getInvokeAction();
    }
}
