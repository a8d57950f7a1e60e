package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket endpoint on the same port as the REST API. */
class WebSocketTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoUsersChatLiveOverTheSocketOnTheRestPort() throws Exception {
        String ann = client.signUp("ann");
        String ben = client.signUp("ben");
        try (TestSocket a = TestSocket.authenticated(server.uri(), ann);
                TestSocket b = TestSocket.authenticated(server.uri(), ben)) {
            a.send(json("type", "join", "room", "general"));
            a.await("subscribed");
            b.send(json("type", "join", "room", "general"));
            b.await("subscribed");

            a.send(json("type", "send", "room", "general", "body", "hello ben", "clientMsgId", "ws-1"));
            JsonObject ack = a.await("ack");
            JsonObject live = b.await("message").getJsonObject("message");
            assertThat(live.getString("body")).isEqualTo("hello ben");
            assertThat(live.getString("sender")).isEqualTo("ann");
            assertThat(live).isEqualTo(ack.getJsonObject("message"));

            // the socket's message is the same object the REST API returns
            JsonObject viaRest = client.get("/api/messages?room=general&limit=1", ben).json()
                    .getJsonArray("messages").getJsonObject(0);
            assertThat(viaRest).isEqualTo(live);
        }
    }

    @Test
    void sendsPipelinedOnOneSocketAreAckedInOrderAndAFailingOneFailsAlone() throws Exception {
        String piper = client.signUp("piper");
        try (TestSocket c = TestSocket.authenticated(server.uri(), piper)) {
            for (int i = 0; i < 30; i++) {
                // All 30 go out before any reply is read; number 12 replies to a message that does not exist.
                c.send(i == 12
                        ? json("type", "send", "room", "general", "body", "m" + i, "replyTo", 999_999_999, "ref", "p" + i)
                        : json("type", "send", "room", "general", "body", "m" + i, "ref", "p" + i));
            }
            List<String> refs = new ArrayList<>();
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                JsonObject reply = c.awaitMatching("ack or error", f -> f.getString("ref", "").startsWith("p"));
                refs.add(reply.getString("ref"));
                if (reply.getString("type").equals("error")) {
                    assertThat(reply.getString("code")).isEqualTo("invalid_reply");
                } else {
                    assertThat(reply.getString("type")).isEqualTo("ack");
                    seqs.add(reply.getJsonObject("message").getJsonNumber("seq").longValue());
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add("p" + i);
            }
            assertThat(refs).as("replies in the order of the sends").isEqualTo(expected);
            assertThat(refs.get(12)).isEqualTo("p12");
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("consecutive seqs").isEqualTo(seqs.get(i - 1) + 1);
            }
        }
    }

    @Test
    void repliesReactionsAndMentionsTravelOverTheSocket() throws Exception {
        String wes = client.signUp("wes");
        String xia = client.signUp("xia");
        try (TestSocket e = TestSocket.authenticated(server.uri(), wes);
                TestSocket f = TestSocket.authenticated(server.uri(), xia)) {
            e.send(json("type", "join", "room", "general"));
            e.await("subscribed");
            f.send(json("type", "join", "room", "general"));
            f.await("subscribed");
            e.send(json("type", "send", "room", "general", "body", "lunch, @xia?", "ref", "s1"));
            JsonObject original = e.await("ack").getJsonObject("message");
            long id = original.getJsonNumber("id").longValue();
            JsonObject mentioned = f.await("mentioned");
            assertThat(mentioned.getString("room")).isEqualTo("general");
            assertThat(mentioned.getJsonObject("message")).isEqualTo(original);

            f.send(json("type", "send", "room", "general", "body", "yes", "replyTo", id));
            JsonObject reply = f.await("ack").getJsonObject("message");
            assertThat(reply.getJsonObject("replyTo").getString("excerpt")).isEqualTo("lunch, @xia?");
            f.send(json("type", "send", "room", "general", "body", "no", "replyTo", 999999, "ref", "bad"));
            JsonObject error = f.await("error");
            assertThat(error.getString("code")).isEqualTo("invalid_reply");
            assertThat(error.getString("ref")).isEqualTo("bad");

            f.send(json("type", "react", "id", id, "emoji", "🍕", "ref", "r1"));
            JsonObject reacted = f.await("reacted");
            assertThat(reacted.getString("ref")).isEqualTo("r1");
            assertThat(reacted.containsKey("change")).isFalse();
            JsonObject live = e.await("reaction");
            assertThat(live.getJsonObject("user").getString("username")).isEqualTo("xia");
            assertThat(live.getString("emoji")).isEqualTo("🍕");
            assertThat(live.getBoolean("added")).isTrue();
            assertThat(live.getJsonObject("message")).isEqualTo(reacted.getJsonObject("message"));
            assertThat(live.getJsonNumber("change").longValue())
                    .isEqualTo(reacted.getJsonObject("message").getJsonNumber("change").longValue());
            f.send(json("type", "react", "id", id, "emoji", "pizza"));
            assertThat(f.await("error").getString("code")).isEqualTo("invalid_emoji");
            f.send(json("type", "unreact", "id", id, "emoji", "🍕"));
            assertThat(f.await("reacted").getJsonObject("message").containsKey("reactions")).isFalse();
            assertThat(e.await("reaction").getBoolean("added")).isFalse();
        }
    }

    @Test
    void aMessagePostedOverRestReachesSocketSubscribersLive() throws Exception {
        String cat = client.signUp("cat");
        String dan = client.signUp("dan");
        try (TestSocket d = TestSocket.authenticated(server.uri(), dan)) {
            d.send(json("type", "join", "room", "general"));
            d.await("subscribed");
            TestClient.Reply posted = client.post("/api/messages", cat,
                    json("room", "general", "body", "from REST", "clientMsgId", "rest-1"));
            assertThat(posted.status()).isEqualTo(201);
            JsonObject live = d.await("message").getJsonObject("message");
            assertThat(live).isEqualTo(posted.json().getJsonObject("message"));
        }
    }

    @Test
    void theRestChangesFeedReturnsTheSameObjectsAsTheSocketsStreamFrames() throws Exception {
        String hal = client.signUp("hal");
        String ivy = client.signUp("ivy");
        String jay = client.signUp("jay");
        assertThat(client.post("/api/rooms", hal, json("name", "mirror")).status()).isEqualTo(201);
        assertThat(client.post("/api/rooms/mirror/join", ivy, null).status()).isEqualTo(200);
        long first = client.post("/api/messages", ivy, json("room", "mirror", "body", "one")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        long second = client.post("/api/messages", ivy, json("room", "mirror", "body", "two")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        try (TestSocket h = TestSocket.authenticated(server.uri(), hal)) {
            h.send(json("type", "join", "room", "mirror"));
            long position = h.await("subscribed").getJsonNumber("lastChange").longValue();

            client.post("/api/messages", ivy, json("room", "mirror", "body", "three"));
            client.patch("/api/messages/" + first, ivy, json("body", "one, edited"));
            client.delete("/api/messages/" + second, ivy);
            client.post("/api/rooms/mirror/join", jay, null);
            client.post("/api/rooms/mirror/leave", jay, null);
            List<JsonObject> streamed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                streamed.add(h.awaitStreamFrame());
            }

            JsonObject page = client.get("/api/rooms/mirror/changes?after=" + position, hal).json();
            assertThat(page.getJsonArray("changes").getValuesAs(JsonObject.class)).isEqualTo(streamed);
            assertThat(streamed).extracting(f -> f.getString("type"))
                    .containsExactly("message", "edited", "deleted", "presence", "presence");
            assertThat(page.getJsonNumber("lastChange").longValue()).isEqualTo(position + 5);
        }
    }

    @Test
    void logoutClosesTheSocketsOfThatTokenOnly() throws Exception {
        client.signUp("eve");
        String first = client.login("eve");
        String second = client.login("eve");
        try (TestSocket s1 = TestSocket.authenticated(server.uri(), first);
                TestSocket s2 = TestSocket.authenticated(server.uri(), second)) {
            assertThat(client.post("/api/logout", first, null).status()).isEqualTo(204);
            assertThat(s1.awaitClose()).isEqualTo(1008);
            s2.send(json("type", "ping", "ref", "still-there"));
            assertThat(s2.await("pong").getString("ref")).isEqualTo("still-there");
            assertThat(s2.isClosed()).isFalse();
        }
    }

    @Test
    void signingOutEverywhereRevokesEverySessionOfTheUserAndClosesTheirSockets() throws Exception {
        client.signUp("evan");
        client.signUp("olga");
        String first = client.login("evan");
        String second = client.login("evan");
        String other = client.login("olga");
        try (TestSocket s1 = TestSocket.authenticated(server.uri(), first);
                TestSocket s2 = TestSocket.authenticated(server.uri(), second);
                TestSocket s3 = TestSocket.authenticated(server.uri(), other)) {
            assertThat(client.delete("/api/sessions", first).status()).isEqualTo(204);
            assertThat(s1.awaitClose()).isEqualTo(1008);
            assertThat(s2.awaitCloseWithReason()).isEqualTo("1008 logged_out");
            assertThat(client.get("/api/rooms", first).status()).isEqualTo(401);
            assertThat(client.get("/api/rooms", second).status()).isEqualTo(401);
            assertThat(client.delete("/api/sessions", second).status()).isEqualTo(401);
            s3.send(json("type", "ping", "ref", "someone-else"));
            assertThat(s3.await("pong").getString("ref")).isEqualTo("someone-else");
            assertThat(client.get("/api/rooms", other).status()).isEqualTo(200);
        }
    }

    @Test
    void aForeignOriginIsRefusedWith403() {
        assertThatThrownBy(() -> TestSocket.connect(server.uri(), "https://evil.example.net"))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
    }

    @Test
    void theServersOwnOriginIsAccepted() throws Exception {
        String own = "http://127.0.0.1:" + server.port();
        String token = client.signUp("fay");
        try (TestSocket same = TestSocket.connect(server.uri(), own)) {
            same.send(json("type", "auth", "token", token));
            same.await("ready");
        }
    }

    @Test
    void configuredOriginsReplaceTheSameOriginRule(@TempDir Path otherDir) throws Exception {
        try (ParleyServer other = TestClient.startServer(otherDir, "PARLEY_ALLOWED_ORIGINS",
                "https://chat.example.com")) {
            try (TestSocket allowed = TestSocket.connect(other.uri(), "https://chat.example.com")) {
                allowed.send(json("type", "ping"));
                allowed.await("pong");
            }
            assertThatThrownBy(() -> TestSocket.connect(other.uri(), "https://evil.example.net"))
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
        }
    }

    @Test
    void socketConnectionsAppearInMetrics() throws Exception {
        String token = client.signUp("gus");
        try (TestSocket s = TestSocket.authenticated(server.uri(), token)) {
            assertThat(s.isClosed()).isFalse();
            String metrics = client.get("/metrics", null).body();
            assertThat(metrics).containsPattern("(?m)^parley_ws_connections [1-9]");
        }
    }
}
