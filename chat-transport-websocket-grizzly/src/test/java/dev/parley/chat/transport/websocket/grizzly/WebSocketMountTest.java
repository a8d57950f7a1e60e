package dev.parley.chat.transport.websocket.grizzly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import dev.parley.chat.testkit.RawWebSocket;
import dev.parley.chat.transport.websocket.ChatWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/** Parley's endpoint on an application's own Grizzly listener, next to the application's own handler. */
class WebSocketMountTest {
    /** An application handler that answers with the request body it read. */
    private static final class Echo extends HttpHandler {
        @Override
        public void service(Request request, Response response) throws Exception {
            byte[] body = request.getInputStream().readAllBytes();
            response.setContentType("text/plain");
            response.getOutputStream().write(body);
        }
    }

    private interface OnPort {
        void run(int port) throws Exception;
    }

    /** Runs {@code test} against a started listener with the chat endpoint mounted and {@link Echo} at /echo. */
    private static void withMountedEcho(OnPort test) throws Exception {
        try (ChatService chat = ChatService.builder().storage(InMemoryChatStorage.create())
                .passwordHasher(new FastTestPasswordHasher()).build();
                ChatWebSocket ws = ChatWebSocket.builder(chat).build()) {
            NetworkListener listener = new NetworkListener("app", "127.0.0.1", 0);
            HttpServer http = new HttpServer();
            http.addListener(listener);
            http.getServerConfiguration().addHttpHandler(new Echo(), "/echo");
            try (WebSocketMount mount = WebSocketMount.mount(listener, ws.endpointConfig(), 64 * 1024)) {
                http.start();
                test.run(listener.getPort());
            } finally {
                http.shutdownNow();
            }
        }
    }

    private static String headerSection(java.io.InputStream in) throws java.io.IOException {
        StringBuilder text = new StringBuilder();
        while (text.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
        }
        return text.toString();
    }

    @Test
    void handsTheApplicationThePostBodyOfARequestThatOffersAnotherUpgrade() throws Exception {
        // Java's HttpClient offers "Upgrade: h2c" on plain HTTP; Grizzly would treat the body as upgraded bytes
        // and the handler's read would never end.
        withMountedEcho(port -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .connectTimeout(java.time.Duration.ofSeconds(5)).build();
            HttpResponse<String> echoed = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/echo"))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(echoed.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(echoed.body()).isEqualTo("{\"hello\":1}");
        });
    }

    @Test
    void framesARefusedHandshakeSoTheClientIsNotLeftWaiting() throws Exception {
        withMountedEcho(port -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://evil.example"
                        + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = headerSection(socket.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 403").containsIgnoringCase("Content-Length: 0");
            }
        });
    }

    @Test
    void servesTheEndpointAndTheApplicationsHandlersOnOnePort() throws Exception {
        InMemoryChatStorage storage = InMemoryChatStorage.create();
        try (ChatService chat = ChatService.builder().storage(storage)
                .passwordHasher(new FastTestPasswordHasher()).build();
                ChatWebSocket ws = ChatWebSocket.builder(chat).build()) {
            chat.register("mia", "correct horse battery");
            String token = chat.login("mia", "correct horse battery").token();
            HttpServer http = new HttpServer();
            NetworkListener listener = new NetworkListener("app", "127.0.0.1", 0);
            http.addListener(listener);
            http.getServerConfiguration().addHttpHandler(new HttpHandler() {
                @Override
                public void service(Request request, Response response) throws Exception {
                    response.getWriter().write("app");
                }
            }, "/hello");
            try (WebSocketMount mount = WebSocketMount.mount(listener, ws.endpointConfig(), 64 * 1024)) {
                http.start();
                URI base = URI.create("http://127.0.0.1:" + listener.getPort() + "/");
                HttpResponse<String> hello = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(base.resolve("/hello")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(hello.body()).isEqualTo("app");
                try (RawWebSocket socket = RawWebSocket.connect(listener.getPort(), "/ws", 64 * 1024)) {
                    assertThat(socket.status()).isEqualTo(101);
                    socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
                    assertThat(socket.readFrame().text()).startsWith("{\"type\":\"ready\"");
                    socket.sendText("{\"type\":\"join\",\"room\":\"general\"}");
                    assertThat(socket.readFrame().text()).startsWith("{\"type\":\"subscribed\",\"room\":\"general\"");
                }
                // The frame guard sits in front of Tyrus: a message over the limit closes with 1009 at its header.
                try (RawWebSocket socket = RawWebSocket.connect(listener.getPort(), "/ws", 64 * 1024)) {
                    socket.write(RawWebSocket.header(RawWebSocket.TEXT, true, 64 * 1024 + 1)); // and the mask:
                    socket.write(new byte[] {1, 2, 3, 4});
                    RawWebSocket.Frame close = socket.readFrame();
                    assertThat(close.closeCode()).isEqualTo(1009);
                    assertThat(close.closeReason()).isEqualTo("frame_too_large");
                }
                assertThatThrownBy(() -> WebSocketMount.mount(listener, ws.endpointConfig(), 64 * 1024))
                        .isInstanceOf(IllegalStateException.class);
            } finally {
                http.shutdownNow();
            }
        }
    }

    /** Captures every connection that reads through the listener's filter chain (placed right after transport). */
    private static final class ConnectionSpy extends BaseFilter {
        final Set<Connection<?>> connections = ConcurrentHashMap.newKeySet();

        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            connections.add(ctx.getConnection());
            return ctx.getInvokeAction();
        }
    }

    /** A logged-in socket exchanging {@code ping}/{@code pong} with a mounted endpoint, on a listener set up here. */
    private interface OnSocket {
        void run(RawWebSocket socket, ConnectionSpy spy) throws Exception;
    }

    private static void withLoggedInSocket(int keepAliveIdleSeconds, OnSocket test) throws Exception {
        try (ChatService chat = ChatService.builder().storage(InMemoryChatStorage.create())
                .passwordHasher(new FastTestPasswordHasher()).build();
                ChatWebSocket ws = ChatWebSocket.builder(chat).build()) {
            chat.register("mia", "correct horse battery");
            String token = chat.login("mia", "correct horse battery").token();
            NetworkListener listener = new NetworkListener("app", "127.0.0.1", 0);
            listener.getKeepAlive().setIdleTimeoutInSeconds(keepAliveIdleSeconds);
            HttpServer http = new HttpServer();
            http.addListener(listener);
            ConnectionSpy spy = new ConnectionSpy();
            try (WebSocketMount mount = WebSocketMount.mount(listener, ws.endpointConfig(), 64 * 1024)) {
                listener.registerAddOn((l, chain) -> chain.add(1, spy));
                http.start();
                try (RawWebSocket socket = RawWebSocket.connect(listener.getPort(), "/ws", 64 * 1024)) {
                    socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
                    assertThat(socket.readFrame().text()).startsWith("{\"type\":\"ready\"");
                    test.run(socket, spy);
                }
            } finally {
                http.shutdownNow();
            }
        }
    }

    @Test
    void anUpgradedConnectionLetsGoOfItsParsedUpgradeRequest() throws Exception {
        // Grizzly's codec would keep the request (about 12 KB of header chunks) for the socket's whole life.
        withLoggedInSocket(30, (socket, spy) -> {
            socket.sendText("{\"type\":\"ping\",\"ref\":\"1\"}");
            assertThat(socket.readFrame().text()).isEqualTo("{\"type\":\"pong\",\"ref\":\"1\"}");
            assertThat(spy.connections).hasSize(1);
            Connection<?> connection = spy.connections.iterator().next();
            assertThat(connection.getAttributes().getAttribute("org.glassfish.grizzly.http.HttpServerFilter.HttpRequest"))
                    .as("the HTTP codec's request in progress").isNull();
            assertThat(connection.getAttributes().getAttribute("HttpServerFilter.KeepAliveContext")).isNull();
        });
    }

    @Test
    void anUpgradedConnectionInUseOutlivesTheKeepAliveIdleTimeout() throws Exception {
        // Grizzly's idle timeout still watches upgraded sockets; traffic must keep resetting it as before.
        withLoggedInSocket(1, (socket, spy) -> {
            for (int i = 0; i < 12; i++) {
                Thread.sleep(250);
                socket.sendText("{\"type\":\"ping\",\"ref\":\"" + i + "\"}");
                assertThat(socket.readFrame().text()).isEqualTo("{\"type\":\"pong\",\"ref\":\"" + i + "\"}");
            }
        });
    }
}
