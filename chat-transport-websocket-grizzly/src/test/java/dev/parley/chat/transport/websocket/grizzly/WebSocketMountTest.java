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
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/** Parley's endpoint on an application's own Grizzly listener, next to the application's own handler. */
class WebSocketMountTest {
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
}
