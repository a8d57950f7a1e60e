package dev.parley.chat.examples.bot;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.User;
import dev.parley.chat.store.jooq.JooqChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import dev.parley.chat.transport.websocket.ChatWebSocket;
import dev.parley.chat.transport.websocket.grizzly.WebSocketMount;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The part of Parley's REST API the bot uses ({@code POST /api/register}, {@code POST /api/login},
 * {@code GET /api/messages}) and the WebSocket endpoint at {@code /ws}, on one Grizzly port with a SQLite store:
 * enough of a server for the bot's test, built from the libraries an embedder has (the reference server is not a
 * dependency of the examples).
 */
final class BotTestServer implements AutoCloseable {
    private final JooqChatStorage storage;
    private final ChatService chat;
    private final ChatWebSocket socket;
    private final HttpServer http;
    private final WebSocketMount mount;

    BotTestServer(Path database, int port) throws Exception {
        storage = JooqChatStorage.sqlite(database);
        chat = ChatService.builder().storage(storage).passwordHasher(new FastTestPasswordHasher()).build();
        socket = ChatWebSocket.builder(chat).build();
        http = new HttpServer();
        NetworkListener listener = new NetworkListener("bot-test", "127.0.0.1", port);
        http.addListener(listener);
        http.getServerConfiguration().addHttpHandler(new Api(), "/api/*");
        mount = WebSocketMount.mount(listener, socket.endpointConfig(), 64 * 1024);
        http.start();
    }

    int port() {
        return http.getListener("bot-test").getPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    @Override
    public void close() {
        socket.close();
        http.shutdownNow();
        mount.close();
        chat.close();
        storage.close();
    }

    private final class Api extends HttpHandler {
        @Override
        public void service(Request request, Response response) throws Exception {
            String route = request.getMethod().getMethodString() + " " + request.getRequestURI();
            try {
                switch (route) {
                    case "POST /api/register" -> {
                        JsonObject body = body(request);
                        User user = chat.register(body.getString("username"), body.getString("password"));
                        reply(response, 201, Json.createObjectBuilder().add("id", user.id())
                                .add("username", user.username()).build());
                    }
                    case "POST /api/login" -> {
                        JsonObject body = body(request);
                        LoginResult login = chat.login(body.getString("username"), body.getString("password"));
                        reply(response, 200, Json.createObjectBuilder().add("token", login.token())
                                .add("expiresAt", login.expiresAt().toString())
                                .add("user", Json.createObjectBuilder().add("id", login.user().id())
                                        .add("username", login.user().username()))
                                .build());
                    }
                    case "GET /api/messages" -> {
                        String auth = request.getHeader("Authorization");
                        User user = chat.authenticate(auth == null ? "" : auth.replaceFirst("^Bearer ", ""));
                        int limit = Integer.parseInt(request.getParameter("limit"));
                        JsonArrayBuilder messages = Json.createArrayBuilder();
                        for (Message m : chat.history(user, request.getParameter("room"),
                                HistoryQuery.latest(limit)).messages()) {
                            messages.add(Json.createObjectBuilder().add("seq", m.seq()).add("sender", m.sender())
                                    .add("body", m.body()));
                        }
                        reply(response, 200, Json.createObjectBuilder().add("messages", messages).build());
                    }
                    default -> reply(response, 404, Json.createObjectBuilder().build());
                }
            } catch (AuthenticationException e) {
                reply(response, 401, problem(e.code().code()));
            } catch (ChatException e) {
                reply(response, 400, problem(e.code().code()));
            }
        }

        private static JsonObject problem(String code) {
            return Json.createObjectBuilder().add("code", code).add("detail", code).build();
        }

        private static JsonObject body(Request request) throws Exception {
            try (JsonReader r = Json.createReader(new StringReader(
                    new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8)))) {
                return r.readObject();
            }
        }

        private static void reply(Response response, int status, JsonObject body) throws Exception {
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.setContentType("application/json");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }
}
