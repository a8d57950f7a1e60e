package dev.parley.chat.transport.websocket;

import static dev.parley.chat.transport.websocket.WsClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.testkit.MutableClock;
import dev.parley.chat.testkit.RawWebSocket;
import jakarta.json.JsonObject;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protocol end to end: a real service, a real Tyrus server on loopback, real WebSocket clients. */
class ChatWebSocketTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static Fixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new Fixture(ChatSettings.builder().maxReplay(100).build(),
                b -> b.authenticator(token -> {
                    if (token.equals("explode")) {
                        throw new IllegalStateException("authenticator bug");
                    }
                    return fx.service.authenticate(token);
                }));
    }

    /** Every test closes its sockets; the server must notice and forget them (no leaked registrations). */
    @AfterEach
    void noConnectionLeaks() throws InterruptedException {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (fx.ws.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fx.ws.connectionCount()).as("open connections after the test").isZero();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String user() {
        return "user" + NAMES.incrementAndGet();
    }

    private static boolean isType(JsonObject f, String type) {
        return type.equals(f.getString("type", null));
    }

    // ---- chatting --------------------------------------------------------------------------------------------

    @Test
    void twoUsersChatLiveInARoom() {
        String alice = user();
        String bob = user();
        try (WsClient a = fx.joined(fx.token(alice), "general"); WsClient b = fx.joined(fx.token(bob), "general")) {
            a.send(obj("type", "send", "room", "general", "body", "hi bob", "clientMsgId", "a-1", "ref", "r1"));
            JsonObject ack = a.await("ack");
            assertThat(ack.getString("ref")).isEqualTo("r1");
            assertThat(ack.getString("clientMsgId")).isEqualTo("a-1");
            JsonObject sent = ack.getJsonObject("message");
            assertThat(sent.getString("body")).isEqualTo("hi bob");
            assertThat(sent.getString("sender")).isEqualTo(alice);
            assertThat(sent.getString("room")).isEqualTo("general");
            assertThat(sent.keySet()).containsExactly("id", "room", "seq", "change", "sender", "body", "createdAt",
                    "clientMsgId");
            assertThat(Instant.parse(sent.getString("createdAt"))).isNotNull();
            // A reply: the message carries its change, the frame has none (it may overtake earlier changes).
            assertThat(ack.keySet()).containsExactly("type", "clientMsgId", "message", "ref");

            JsonObject frameAtBob = b.await("message");
            assertThat(frameAtBob.keySet()).containsExactly("type", "room", "change", "message");
            assertThat(frameAtBob.getString("room")).isEqualTo("general");
            assertThat(frameAtBob.getJsonNumber("change")).isEqualTo(sent.getJsonNumber("change"));
            JsonObject atBob = frameAtBob.getJsonObject("message");
            assertThat(atBob).isEqualTo(sent);
            JsonObject echo = a.await("message").getJsonObject("message"); // the sender's own subscription
            assertThat(echo.getJsonNumber("id")).isEqualTo(sent.getJsonNumber("id"));

            b.send(obj("type", "send", "room", "general", "body", "hello alice", "clientMsgId", "b-1"));
            JsonObject bAck = b.await("ack");
            assertThat(bAck.containsKey("ref")).isFalse();
            JsonObject atAlice = a.await("message").getJsonObject("message");
            assertThat(atAlice.getString("body")).isEqualTo("hello alice");
            assertThat(atAlice.getJsonNumber("seq").longValue())
                    .isEqualTo(sent.getJsonNumber("seq").longValue() + 1);
        }
    }

    @Test
    void resumeAfterADisconnectMissesNothingAndDuplicatesNothingWhileAThirdUserKeepsSending() throws Exception {
        String room = "resume" + NAMES.incrementAndGet();
        User carol = fx.service.register(user(), Fixture.PASSWORD);
        fx.service.createRoom(carol, room, RoomType.PUBLIC);
        String aliceToken = fx.token(user());
        int total = 80;
        List<Long> received = new ArrayList<>();
        Thread sender = new Thread(() -> {
            for (int i = 1; i <= total; i++) {
                fx.service.send(carol, room, "msg " + i, "c-" + i);
                if (i % 10 == 0) {
                    Thread.onSpinWait();
                    try {
                        Thread.sleep(2); // keep sending across the disconnect, not as an assertion
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        try (WsClient a = fx.client(aliceToken)) {
            a.send(obj("type", "join", "room", room));
            a.await("subscribed");
            sender.start();
            // Read a few live messages, then drop the connection mid-stream.
            for (int i = 0; i < 5; i++) {
                received.add(a.await("message").getJsonObject("message").getJsonNumber("seq").longValue());
            }
        }
        long lastSeen = received.get(received.size() - 1);
        try (WsClient a = fx.client(aliceToken)) {
            a.send(obj("type", "resume", "room", room, "afterSeq", lastSeen, "ref", "res"));
            JsonObject subscribed = a.next();
            assertThat(subscribed.getString("type")).isEqualTo("subscribed"); // before any replayed message
            assertThat(subscribed.getString("ref")).isEqualTo("res");
            assertThat(subscribed.getJsonNumber("lastSeq").longValue()).isGreaterThanOrEqualTo(lastSeen);
            while (received.get(received.size() - 1) < total) {
                received.add(a.await("message").getJsonObject("message").getJsonNumber("seq").longValue());
            }
        }
        sender.join(5000);
        // The first connection saw some prefix; together with the resume: 1..total exactly once, in order.
        List<Long> expected = new ArrayList<>();
        for (long s = received.get(0); s <= total; s++) {
            expected.add(s);
        }
        assertThat(received).containsExactlyElementsOf(expected);
    }

    @Test
    void editAndDeleteAreBroadcastToTheRoomAndAnsweredToTheEditor() {
        try (WsClient a = fx.joined(fx.token(user()), "general"); WsClient b = fx.joined(fx.token(user()), "general")) {
            a.send(obj("type", "send", "room", "general", "body", "typo"));
            long id = a.await("ack").getJsonObject("message").getJsonNumber("id").longValue();

            a.send(obj("type", "edit", "id", id, "body", "fixed", "ref", "e1"));
            JsonObject reply = a.await(f -> isType(f, "edited") && f.containsKey("ref"));
            assertThat(reply.getString("ref")).isEqualTo("e1");
            assertThat(reply.keySet()).containsExactly("type", "message", "ref"); // no top-level change on a reply
            JsonObject editedFrame = b.await("edited");
            JsonObject edited = editedFrame.getJsonObject("message");
            assertThat(edited.getString("body")).isEqualTo("fixed");
            assertThat(edited.containsKey("editedAt")).isTrue();
            assertThat(editedFrame.getJsonNumber("change")).isEqualTo(edited.getJsonNumber("change"))
                    .isEqualTo(reply.getJsonObject("message").getJsonNumber("change"));

            a.send(obj("type", "delete", "id", id, "ref", "d1"));
            JsonObject deleteReply = a.await(f -> isType(f, "deleted") && f.containsKey("ref"));
            assertThat(deleteReply.getString("ref")).isEqualTo("d1");
            assertThat(deleteReply.containsKey("change")).isFalse();
            JsonObject deletedFrame = b.await("deleted");
            JsonObject deleted = deletedFrame.getJsonObject("message");
            assertThat(deletedFrame.getJsonNumber("change").longValue())
                    .isEqualTo(deleted.getJsonNumber("change").longValue())
                    .isGreaterThan(edited.getJsonNumber("change").longValue());
            assertThat(deleted.getBoolean("deleted")).isTrue();
            assertThat(deleted.getString("body")).isEmpty();
            assertThat(deleted.getJsonNumber("id").longValue()).isEqualTo(id);
        }
    }

    @Test
    void typingReachesOthersButIsNotEchoedToTheTypist() {
        String alice = user();
        try (WsClient a = fx.joined(fx.token(alice), "general"); WsClient b = fx.joined(fx.token(user()), "general")) {
            a.send(obj("type", "typing", "room", "general"));
            JsonObject typing = b.await("typing");
            assertThat(typing.getString("room")).isEqualTo("general");
            assertThat(typing.getJsonObject("user").getString("username")).isEqualTo(alice);
            // The service publishes synchronously while handling the frame, so an echo would precede this pong.
            a.send(obj("type", "ping", "ref", "after-typing"));
            a.await("pong");
            assertThat(a.seen).noneMatch(f -> isType(f, "typing"));
        }
    }

    @Test
    void presenceReportsOnlineAndOfflinePerNodeAndMembershipJoinAndLeave() {
        String room = "presence" + NAMES.incrementAndGet();
        String alice = user();
        String bob = user();
        String aliceToken = fx.token(alice);
        String bobToken = fx.token(bob);
        fx.service.createRoom(fx.service.findUser(alice).orElseThrow(), room, RoomType.PUBLIC);
        try (WsClient a = fx.joined(aliceToken, room)) {
            WsClient b = fx.client(bobToken);
            b.send(obj("type", "join", "room", room));
            JsonObject subscribed = b.await("subscribed");
            assertThat(subscribed.getJsonArray("online").getValuesAs(jakarta.json.JsonString::getString))
                    .containsExactlyInAnyOrder(alice, bob);
            JsonObject joined = a.await(f -> isType(f, "presence") && "join".equals(f.getString("state")));
            assertThat(joined.getJsonObject("user").getString("username")).isEqualTo(bob);
            // A membership change is a room change: bob's subscription starts right after it.
            assertThat(joined.getJsonNumber("change")).isEqualTo(subscribed.getJsonNumber("lastChange"));
            JsonObject online = a.await(f -> isType(f, "presence") && "online".equals(f.getString("state")));
            assertThat(online.getJsonObject("user").getString("username")).isEqualTo(bob);
            assertThat(online.getString("room")).isEqualTo(room);
            assertThat(online.containsKey("change")).isFalse(); // this node's view, not a room change

            // A second socket of bob's does not announce him again; closing only one keeps him online.
            WsClient b2 = fx.joined(bobToken, room);
            b2.close();
            b.close();
            JsonObject offline = a.await(f -> isType(f, "presence") && "offline".equals(f.getString("state")));
            assertThat(offline.getJsonObject("user").getString("username")).isEqualTo(bob);
            assertThat(a.seen).filteredOn(f -> isType(f, "presence") && "online".equals(f.getString("state")))
                    .hasSize(1);

            // Leaving the room (membership) is announced as presence leave; the leaver gets `left`.
            WsClient b3 = fx.joined(bobToken, room);
            b3.send(obj("type", "leave", "room", room, "ref", "bye"));
            JsonObject left = b3.await("left");
            assertThat(left.getString("room")).isEqualTo(room);
            assertThat(left.getString("ref")).isEqualTo("bye");
            JsonObject leave = a.await(f -> isType(f, "presence") && "leave".equals(f.getString("state")));
            assertThat(leave.getJsonObject("user").getString("username")).isEqualTo(bob);
            assertThat(leave.getJsonNumber("change").longValue())
                    .isGreaterThan(joined.getJsonNumber("change").longValue());
            b3.send(obj("type", "send", "room", room, "body", "still here?", "ref", "s"));
            assertThat(b3.await("error").getString("code")).isEqualTo("not_a_member");
            b3.close();
        }
    }

    @Test
    void readAnswersWithUnreadCountsAndUnsubscribeStopsDelivery() {
        String room = "reads" + NAMES.incrementAndGet();
        User carol = fx.service.register(user(), Fixture.PASSWORD);
        fx.service.createRoom(carol, room, RoomType.PUBLIC);
        try (WsClient a = fx.joined(fx.token(user()), room)) {
            fx.service.send(carol, room, "one", null);
            fx.service.send(carol, room, "two", null);
            a.await(f -> isType(f, "message") && f.getJsonObject("message").getInt("seq") == 2);
            a.send(obj("type", "read", "room", room, "seq", 1, "ref", "rd"));
            JsonObject unread = a.await("unread");
            assertThat(unread.getString("room")).isEqualTo(room);
            assertThat(unread.getJsonNumber("lastReadSeq").longValue()).isEqualTo(1);
            assertThat(unread.getJsonNumber("unread").longValue()).isEqualTo(1);
            assertThat(unread.getString("ref")).isEqualTo("rd");

            a.send(obj("type", "unsubscribe", "room", room, "ref", "u"));
            assertThat(a.await("unsubscribed").getString("room")).isEqualTo(room);
            fx.service.send(carol, room, "three", null);
            a.send(obj("type", "ping", "ref", "p"));
            a.await("pong");
            assertThat(a.seen).noneMatch(f -> isType(f, "message") && f.getJsonObject("message").getInt("seq") == 3);
        }
    }

    @Test
    void eachEventIsEncodedOnceForAllRecipients() {
        String room = "encode" + NAMES.incrementAndGet();
        User carol = fx.service.register(user(), Fixture.PASSWORD);
        fx.service.createRoom(carol, room, RoomType.PUBLIC);
        try (WsClient a = fx.joined(fx.token(user()), room); WsClient b = fx.joined(fx.token(user()), room);
                WsClient c = fx.joined(fx.token(user()), room)) {
            long before = fx.ws.metrics().eventsEncoded();
            fx.service.send(carol, room, "for everyone", null);
            String atA = a.await("message").toString();
            assertThat(b.await("message").toString()).isEqualTo(atA);
            assertThat(c.await("message").toString()).isEqualTo(atA);
            assertThat(fx.ws.metrics().eventsEncoded() - before).isEqualTo(1);
        }
    }

    // ---- errors ----------------------------------------------------------------------------------------------

    @Test
    void everyErrorYieldsAnErrorFrameEchoingTheRefAndTheSocketStaysUsable() {
        String alice = user();
        String bob = user();
        String aliceToken = fx.token(alice);
        fx.token(bob);
        User bobUser = fx.service.findUser(bob).orElseThrow();
        String side = "side" + NAMES.incrementAndGet();
        fx.service.createRoom(bobUser, side, RoomType.PUBLIC);
        Message bobs = fx.service.send(bobUser, "general", "bob's own", null);
        String big = "x".repeat(4001);
        for (int i = 0; i < 110; i++) {
            fx.service.send(bobUser, side, "filler " + i, null);
        }

        try (WsClient pre = WsClient.connect(fx.uri)) {
            pre.send(obj("type", "join", "room", "general", "ref", "early"));
            JsonObject e = pre.await("error");
            assertThat(e.getString("code")).isEqualTo("not_authenticated");
            assertThat(e.getString("ref")).isEqualTo("early");
            pre.send(obj("type", "auth", "token", "explode", "ref", "boom"));
            JsonObject internal = pre.await("error");
            assertThat(internal.getString("code")).isEqualTo("internal_error");
            assertThat(internal.getString("ref")).isEqualTo("boom");
            pre.send(obj("type", "auth", "token", aliceToken));
            pre.await("ready"); // still open and usable
        }

        String[][] cases = {
            {"{not json", "malformed_json"},
            {"[1,2]", "malformed_json"},
            {obj("ref", "x"), "unknown_type"},
            {obj("type", "dance", "ref", "x"), "unknown_type"},
            {obj("type", "join", "ref", "x"), "missing_field"},
            {"{\"type\":\"join\",\"room\":5,\"ref\":\"x\"}", "invalid_field"},
            {"{\"type\":\"resume\",\"room\":\"general\",\"afterSeq\":-4,\"ref\":\"x\"}", "invalid_field"},
            {"{\"type\":\"read\",\"room\":\"general\",\"seq\":1.5,\"ref\":\"x\"}", "invalid_field"},
            {"{\"type\":\"ping\",\"ref\":7}", "invalid_field"},
            {obj("type", "auth", "token", aliceToken, "ref", "x"), "already_authenticated"},
            {obj("type", "join", "room", "nosuchroom", "ref", "x"), "room_not_found"},
            {obj("type", "send", "room", side, "body", "hi", "ref", "x"), "not_a_member"},
            {obj("type", "send", "room", "general", "body", big, "ref", "x"), "message_too_long"},
            {obj("type", "send", "room", "general", "body", "   ", "ref", "x"), "message_empty"},
            {obj("type", "send", "room", "general", "body", "hi", "clientMsgId", "bad id!", "ref", "x"),
                "invalid_client_msg_id"},
            {obj("type", "send", "room", "general", "body", "other body", "clientMsgId", "dup", "ref", "x"),
                "idempotency_conflict"},
            {obj("type", "edit", "id", 999_999_999L, "body", "x", "ref", "x"), "message_not_found"},
            {obj("type", "edit", "id", bobs.id(), "body", "mine now", "ref", "x"), "not_message_owner"},
            {obj("type", "resume", "room", "general", "afterSeq", 0, "ref", "x"), null}, // placeholder, below
        };
        try (WsClient a = fx.client(aliceToken)) {
            a.send(obj("type", "send", "room", "general", "body", "first", "clientMsgId", "dup"));
            a.await("ack");
            for (String[] c : cases) {
                if (c[1] == null) {
                    continue;
                }
                a.send(c[0]);
                JsonObject error = a.await("error");
                assertThat(error.getString("code")).as(c[0]).isEqualTo(c[1]);
                assertThat(error.getString("message")).isNotBlank();
                boolean echoes = c[0].contains("\"ref\":\"x\"");
                assertThat(error.containsKey("ref")).as(c[0]).isEqualTo(echoes);
                if (echoes) {
                    assertThat(error.getString("ref")).isEqualTo("x");
                }
                a.send(obj("type", "ping", "ref", "alive"));
                assertThat(a.await("pong").getString("ref")).isEqualTo("alive");
            }
            // replay_too_large: the service allows 100 replayed messages; the side room has 110.
            fx.service.join(fx.service.findUser(alice).orElseThrow(), side);
            a.send(obj("type", "resume", "room", side, "afterSeq", 0, "ref", "big"));
            assertThat(a.await("error").getString("code")).isEqualTo("replay_too_large");
            // ...and a valid frame still works.
            a.send(obj("type", "send", "room", "general", "body", "still fine", "ref", "ok"));
            assertThat(a.await("ack").getString("ref")).isEqualTo("ok");
            assertThat(a.closed).isNotDone();
        }
        assertThat(fx.ws.metrics().errorsByCode()).containsKeys("malformed_json", "not_a_member", "internal_error");
    }

    @Test
    void anOversizedFrameClosesWith1009() {
        try (WsClient a = fx.client(fx.token(user()))) {
            a.send(obj("type", "send", "room", "general", "body", "y".repeat(70 * 1024)));
            WsClient.Close close = a.awaitClose();
            assertThat(close.code()).isEqualTo(1009);
        }
    }

    @Test
    void aBinaryFrameClosesWith1003BeforeAndAfterAuthAndIsNotProcessed() {
        try (WsClient pre = WsClient.connect(fx.uri)) {
            pre.ws.sendBinary(ByteBuffer.wrap(obj("type", "ping").getBytes(StandardCharsets.UTF_8)), true).join();
            assertThat(pre.awaitClose()).isEqualTo(new WsClient.Close(1003, "binary_not_supported"));
            assertThat(pre.seen).isEmpty();
        }
        String room = "binary" + NAMES.incrementAndGet();
        User owner = fx.service.register(user(), Fixture.PASSWORD);
        fx.service.createRoom(owner, room, RoomType.PUBLIC);
        try (WsClient a = fx.joined(fx.token(owner.username()), room)) {
            // The first fragment of a fragmented binary message is enough.
            String send = obj("type", "send", "room", room, "body", "in binary");
            a.ws.sendBinary(ByteBuffer.wrap(send.getBytes(StandardCharsets.UTF_8)), false).join();
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1003, "binary_not_supported"));
        }
        assertThat(fx.service.history(owner, room, HistoryQuery.latest(10)).messages()).isEmpty();
        assertThat(fx.ws.metrics().errorsByCode()).containsKey("binary_not_supported");
    }

    @Test
    void aBadTokenCloses1008() {
        try (WsClient a = WsClient.connect(fx.uri)) {
            a.send(obj("type", "auth", "token", "not-a-real-token"));
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "invalid_token"));
        }
    }

    @Test
    void closeSessionsForTokenClosesThatUsersSocketOnly() {
        String aliceToken = fx.token(user());
        try (WsClient a = fx.client(aliceToken); WsClient b = fx.client(fx.token(user()))) {
            fx.service.logout(aliceToken);
            fx.ws.closeSessionsForToken(aliceToken);
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "logged_out"));
            b.send(obj("type", "ping", "ref", "p"));
            assertThat(b.await("pong").getString("ref")).isEqualTo("p");
        }
    }

    @Test
    void aLogoutThroughTheServiceClosesEverySocketOfThatSessionOnly() {
        String name = user();
        String first = fx.token(name);
        String second = fx.token(name);
        try (WsClient a = fx.client(first); WsClient a2 = fx.client(first); WsClient other = fx.client(second)) {
            fx.service.logout(first); // the transport is not told: the service's notice reaches it
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "logged_out"));
            assertThat(a2.awaitClose()).isEqualTo(new WsClient.Close(1008, "logged_out"));
            other.send(obj("type", "ping", "ref", "p"));
            assertThat(other.await("pong").getString("ref")).isEqualTo("p");
        }
    }

    @Test
    void aUserAddedToARoomHearsRoomAddedOnEachOfTheirSockets() {
        String owner = user();
        String guest = user();
        String room = "added-" + owner;
        String ownerToken = fx.token(owner);
        String guestToken = fx.token(guest);
        User ownerUser = fx.service.authenticate(ownerToken);
        fx.service.createRoom(ownerUser, room, RoomType.PRIVATE);
        try (WsClient g1 = fx.client(guestToken); WsClient g2 = fx.client(fx.token(guest));
                WsClient o = fx.client(ownerToken)) {
            fx.service.addMember(ownerUser, room, guest);
            for (WsClient g : List.of(g1, g2)) {
                JsonObject added = g.await("room_added");
                assertThat(added.getString("room")).isEqualTo(room);
                assertThat(added.getString("roomType")).isEqualTo("private");
            }
            o.send(obj("type", "ping", "ref", "p"));
            o.await("pong");
            assertThat(o.seen).noneMatch(f -> "room_added".equals(f.getString("type")));
        }
    }

    // ---- origins ---------------------------------------------------------------------------------------------

    @Test
    void sameOriginModeRefusesAForeignOriginWith403AndAcceptsSameOriginAndNoOrigin() {
        assertThatThrownBy(() -> WsClient.connect(fx.uri, "http://evil.example"))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        // Same host, other port: another origin.
        assertThatThrownBy(() -> WsClient.connect(fx.uri, "http://127.0.0.1:1"))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> WsClient.connect(fx.uri, "null"))
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        String token = fx.token(user());
        try (WsClient same = WsClient.connect(fx.uri, "http://127.0.0.1:" + fx.server.port())) {
            same.send(obj("type", "auth", "token", token));
            same.await("ready");
        }
        try (WsClient none = WsClient.connect(fx.uri)) {
            none.send(obj("type", "auth", "token", token));
            none.await("ready");
        }
    }

    @Test
    void anAllowListAcceptsListedOriginsOnly() throws Exception {
        try (Fixture f = new Fixture(b -> b.allowedOrigins(Set.of("http://localhost:8080", "https://Chat.Example")))) {
            WsClient.connect(f.uri, "http://localhost:8080").close();
            WsClient.connect(f.uri, "https://chat.example:443").close();
            WsClient.connect(f.uri).close();
            // Refused by checkOrigin: Tyrus answers 403 itself (without a Content-Length, so read the status line).
            try (RawWebSocket same = RawWebSocket.connect(f.server.port(), "/ws", 8192,
                    "http://127.0.0.1:" + f.server.port());
                    RawWebSocket foreign = RawWebSocket.connect(f.server.port(), "/ws", 8192, "http://localhost:8081")) {
                assertThat(same.status()).isEqualTo(403);
                assertThat(foreign.status()).isEqualTo(403);
            }
            assertThat(f.ws.metrics().errorsByCode()).containsEntry("origin_not_allowed", 2L);
        }
    }

    // ---- limits and timeouts (own fixtures) ------------------------------------------------------------------

    @Test
    void noAuthWithinTheTimeoutCloses1008() throws Exception {
        try (Fixture f = new Fixture(b -> b.authTimeout(Duration.ofMillis(300)));
                WsClient a = WsClient.connect(f.uri)) {
            a.send(obj("type", "ping", "ref", "p")); // allowed before auth, but does not count as auth
            a.await("pong");
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "auth_timeout"));
        }
    }

    @Test
    void framesOverTheRateAreRefusedAndPersistentAbuseCloses() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z")); // frozen: no refill
        try (Fixture f = new Fixture(b -> b.rateLimit(5, 5).clock(clock))) {
            try (WsClient a = WsClient.connect(f.uri)) {
                for (int i = 0; i < 5; i++) {
                    a.send(obj("type", "ping", "ref", "p" + i));
                    assertThat(a.await("pong").getString("ref")).isEqualTo("p" + i);
                }
                a.send(obj("type", "ping", "ref", "over"));
                JsonObject limited = a.await("error");
                assertThat(limited.getString("code")).isEqualTo("rate_limited");
                assertThat(limited.getString("ref")).isEqualTo("over");
                clock.advance(Duration.ofSeconds(1)); // refills the soft bucket: served again
                a.send(obj("type", "ping", "ref", "again"));
                assertThat(a.await("pong").getString("ref")).isEqualTo("again");
                // The hard bucket (3x: 15 frames, refilled to 15 by the second) has 14 left after "again": 14 more
                // frames empty it and the 15th is abuse. Send exactly 15, so no later frame races the close.
                for (int i = 0; i < 15; i++) {
                    a.send(obj("type", "ping"));
                }
                assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "rate_limited"));
            }
        }
    }

    @Test
    void tooManyConnectionsFromOneAddressAreClosed() throws Exception {
        try (Fixture f = new Fixture(b -> b.maxConnectionsPerAddress(2));
                WsClient a = WsClient.connect(f.uri); WsClient b = WsClient.connect(f.uri);
                WsClient c = WsClient.connect(f.uri)) {
            assertThat(c.awaitClose()).isEqualTo(new WsClient.Close(1008, "too_many_connections"));
            a.send(obj("type", "ping", "ref", "a"));
            a.await("pong");
            b.send(obj("type", "ping", "ref", "b"));
            b.await("pong");
            assertThat(f.ws.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void authenticatedSocketsArePingedAndReValidatedTokensThatExpireClose() throws Exception {
        AtomicReference<Fixture> fixture = new AtomicReference<>();
        AtomicBoolean revoked = new AtomicBoolean();
        try (Fixture f = new Fixture(b -> b.pingInterval(Duration.ofMillis(50))
                .tokenRecheckInterval(Duration.ofMillis(100)).authenticator(t -> {
                    if (revoked.get()) {
                        throw new AuthenticationException(ErrorCode.INVALID_TOKEN, "revoked");
                    }
                    return fixture.get().service.authenticate(t);
                }))) {
            fixture.set(f);
            String token = f.token("pinged");
            try (WsClient a = f.client(token)) {
                long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
                while (a.pings.get() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(a.pings.get()).isGreaterThanOrEqualTo(3);
                assertThat(a.closed).isNotDone(); // pongs answered: stays open
                revoked.set(true); // revoked behind the socket's back: no logout tells the socket
                // what auth with this token would answer now, too
                assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "invalid_token"));
            }
        }
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsClosed() throws Exception {
        try (Fixture f = new Fixture(b -> b.pingInterval(Duration.ofMillis(50)));
                RawWebSocket raw = RawWebSocket.connect(f.server.port(), "/ws", 64 * 1024)) {
            assertThat(raw.status()).isEqualTo(101);
            raw.sendText(obj("type", "auth", "token", f.token("silent")));
            RawWebSocket.Frame close = raw.readUntilClose(1000); // reads pings, never answers them
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(close.closeReason()).isEqualTo("ping_timeout");
        }
    }

    /**
     * A logout that lands while a socket is still checking its token (after the check found it valid, before the
     * socket counts as authenticated) must still close that socket: the hub finds it by the token it is
     * authenticating with. The authenticator holds the socket at exactly that point.
     */
    @Test
    void aLogoutWhileTheSocketAuthenticatesClosesItBeforeItCanBeUsed() throws Exception {
        CountDownLatch checked = new CountDownLatch(1);
        CountDownLatch loggedOut = new CountDownLatch(1);
        AtomicReference<Fixture> fixture = new AtomicReference<>();
        try (Fixture f = new Fixture(b -> b.authenticator(token -> {
            User valid = fixture.get().service.authenticate(token); // valid now...
            checked.countDown();
            try {
                assertThat(loggedOut.await(5, TimeUnit.SECONDS)).isTrue(); // ...and logged out from here on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return valid;
        }))) {
            fixture.set(f);
            String room = "race" + NAMES.incrementAndGet();
            User owner = f.service.register("owner", Fixture.PASSWORD);
            f.service.createRoom(owner, room, RoomType.PUBLIC);
            String token = f.service.login("owner", Fixture.PASSWORD).token();
            try (WsClient a = WsClient.connect(f.uri)) {
                a.send(obj("type", "auth", "token", token));
                assertThat(checked.await(5, TimeUnit.SECONDS)).isTrue();
                f.service.logout(token); // what the REST logout handler does
                f.ws.closeSessionsForToken(token);
                loggedOut.countDown();
                a.trySend(obj("type", "send", "room", room, "body", "after logout", "ref", "late"));
                assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1008, "logged_out"));
                assertThat(a.seen).noneMatch(frame -> isType(frame, "ready") || isType(frame, "ack"));
            }
            assertThat(f.service.history(owner, room, HistoryQuery.latest(10)).messages()).isEmpty();
        }
    }

    @Test
    void closingTheTransportClosesEverySocketWith1001() throws Exception {
        Fixture f = new Fixture(b -> b);
        try (WsClient a = f.client(f.token("leaving")); WsClient b = WsClient.connect(f.uri)) {
            f.ws.close();
            assertThat(a.awaitClose()).isEqualTo(new WsClient.Close(1001, "server_shutdown"));
            assertThat(b.awaitClose().code()).isEqualTo(1001);
        } finally {
            f.close();
        }
    }
}
