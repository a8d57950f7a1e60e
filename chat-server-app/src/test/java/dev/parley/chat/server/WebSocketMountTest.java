package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.password4j.Argon2idPasswordHasher;
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
                .passwordHasher(Argon2idPasswordHasher.owasp()).build();
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
                try (TestSocket socket = TestSocket.authenticated(base, token)) {
                    socket.send(TestClient.json("type", "join", "room", "general"));
                    assertThat(socket.await("subscribed").getString("room")).isEqualTo("general");
                }
                assertThatThrownBy(() -> WebSocketMount.mount(listener, ws.endpointConfig(), 64 * 1024))
                        .isInstanceOf(IllegalStateException.class);
            } finally {
                http.shutdownNow();
            }
        }
    }
}
