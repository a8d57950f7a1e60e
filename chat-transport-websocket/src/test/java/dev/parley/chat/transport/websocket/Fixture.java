package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import java.net.URI;
import java.util.function.UnaryOperator;

/** A real in-memory ChatService, a ChatWebSocket with the given options, and a loopback Tyrus server. */
final class Fixture implements AutoCloseable {
    static final String PASSWORD = "correct horse";

    final ChatService service;
    final ChatWebSocket ws;
    final LoopbackServer server;
    final URI uri;

    Fixture(UnaryOperator<ChatWebSocket.Builder> options) throws Exception {
        this(ChatSettings.defaults(), options);
    }

    Fixture(ChatSettings settings, UnaryOperator<ChatWebSocket.Builder> options) throws Exception {
        this(ChatService.builder().storage(InMemoryChatStorage.create()).settings(settings), options);
    }

    /** Over a service built from {@code service} (the fast test hasher is added); closes the service. */
    Fixture(ChatService.Builder service, UnaryOperator<ChatWebSocket.Builder> options) throws Exception {
        this.service = service.passwordHasher(new FastTestPasswordHasher()).build();
        ws = options.apply(ChatWebSocket.builder(this.service)).build();
        server = LoopbackServer.start(ws.endpointConfig());
        uri = server.uri("/ws");
    }

    /** Registers a user (joining the default room "general") and returns a fresh session token. */
    String token(String username) {
        if (service.findUser(username).isEmpty()) {
            service.register(username, PASSWORD);
        }
        return service.login(username, PASSWORD).token();
    }

    WsClient client(String token) {
        return WsClient.authenticated(uri, token);
    }

    /** An authenticated client subscribed to a room (answers {@code subscribed}). */
    WsClient joined(String token, String room) {
        WsClient c = client(token);
        c.send(WsClient.obj("type", "join", "room", room));
        c.await("subscribed");
        return c;
    }

    @Override
    public void close() {
        ws.close();
        server.close();
        service.close();
    }
}
