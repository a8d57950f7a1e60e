package dev.parley.chat.transport.websocket;

import static dev.parley.chat.transport.websocket.WsClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.ChatStorage;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-room change stream over real sockets: {@code subscribed} positions, {@code resume} by change, and
 * {@code resync_required}. The service runs over the in-memory store behind a wrapper that counts history reads
 * and can fail the change reads, and over a fan-out that can lose an event; it gives up on a gap after 300 ms.
 */
class ChangeStreamTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static InMemoryChatStorage mem;
    private static FaultyMessageStore messages;
    private static LossyFanout fanout;
    private static Fixture fx;

    @BeforeAll
    static void start() throws Exception {
        mem = InMemoryChatStorage.create();
        messages = new FaultyMessageStore(mem.messages());
        fanout = new LossyFanout(new InProcessFanout());
        fx = new Fixture(ChatService.builder()
                .storage(ChatStorage.of(mem.users(), mem.sessions(), mem.rooms(), messages))
                .fanout(fanout)
                .settings(ChatSettings.builder().feedRepairTimeout(Duration.ofMillis(300)).build()), b -> b);
    }

    @AfterAll
    static void stop() {
        fx.close();
        fanout.close();
    }

    private static String name(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }

    private static long num(JsonObject frame, String key) {
        return frame.getJsonNumber(key).longValue();
    }

    /** A registered user and a session token of theirs. */
    private record Account(User user, String token) {
    }

    private static Account account(String prefix) {
        String username = name(prefix);
        String token = fx.token(username);
        return new Account(fx.service.findUser(username).orElseThrow(), token);
    }

    /** A user who owns a new public room. */
    private static User roomOwner(String room) {
        User owner = fx.service.register(name("owner"), Fixture.PASSWORD);
        fx.service.createRoom(owner, room, RoomType.PUBLIC);
        return owner;
    }

    /** The next frame in arrival order, which must be of this type. */
    private static JsonObject next(WsClient c, String type) {
        JsonObject f = c.next();
        while ("room_added".equals(f.getString("type"))) { // joining a room announces it to all the user's sockets
            f = c.next();
        }
        assertThat(f.getString("type")).as(f.toString()).isEqualTo(type);
        return f;
    }

    /** A message sent now is the very next frame, at {@code expectedChange}, and nothing else follows it. */
    private static void liveContinuesAt(WsClient c, User sender, String room, long expectedChange) {
        Message live = fx.service.send(sender, room, "live", null);
        assertThat(num(next(c, "message"), "change")).isEqualTo(expectedChange).isEqualTo(live.change());
        c.send(obj("type", "ping", "ref", "p"));
        next(c, "pong");
    }

    private static RoomPosition position(User member, String room) {
        return messages.position(fx.service.findRoom(member, room).id());
    }

    @Test
    void subscribedReportsTheRoomsPositionWithoutReadingHistory() {
        String room = name("pos");
        User carol = roomOwner(room);
        Message first = fx.service.send(carol, room, "one", null);
        fx.service.send(carol, room, "two", null);
        fx.service.edit(carol, first.id(), "one, edited");
        try (WsClient a = fx.client(fx.token(name("alice")))) {
            int readsBefore = messages.historyReads.get();
            a.send(obj("type", "join", "room", room, "ref", "j"));
            JsonObject subscribed = a.await("subscribed");
            assertThat(messages.historyReads.get()).as("history reads for a join").isEqualTo(readsBefore);
            RoomPosition now = position(carol, room); // includes alice's own join, which precedes the subscription
            assertThat(num(subscribed, "lastSeq")).isEqualTo(now.lastSeq()).isEqualTo(2);
            assertThat(num(subscribed, "lastChange")).isEqualTo(now.lastChange());
            assertThat(subscribed.keySet()).containsExactly("type", "room", "lastSeq", "lastChange", "online", "ref");

            // The live stream continues right after it.
            Message three = fx.service.send(carol, room, "three", null);
            JsonObject next = a.await("message");
            assertThat(num(next, "change")).isEqualTo(now.lastChange() + 1).isEqualTo(three.change());
        }
    }

    @Test
    void aRepeatedJoinAnswersThePositionDeliveredToThisSocketAndStartsNothing() {
        String room = name("again");
        User carol = roomOwner(room);
        try (WsClient a = fx.joined(fx.token(name("alice")), room)) {
            Message old = fx.service.send(carol, room, "old", null);
            Message newer = fx.service.send(carol, room, "newer", null);
            Message edited = fx.service.edit(carol, old.id(), "old, edited");
            assertThat(num(a.await("message"), "change")).isEqualTo(old.change());
            assertThat(num(a.await("message"), "change")).isEqualTo(newer.change());
            assertThat(num(a.await("edited"), "change")).isEqualTo(edited.change());

            a.send(obj("type", "join", "room", room, "ref", "again"));
            JsonObject subscribed = next(a, "subscribed");
            assertThat(subscribed.getString("ref")).isEqualTo("again");
            assertThat(num(subscribed, "lastSeq")).isEqualTo(newer.seq()); // not the edited message's lower seq
            assertThat(num(subscribed, "lastChange")).isEqualTo(edited.change());
            // Nothing replayed, and the one subscription still delivers each change once.
            liveContinuesAt(a, carol, room, edited.change() + 1);
        }
    }

    @Test
    void resumeByChangeReplaysEditsDeletesAndJoinsMissedWhileAway() {
        String room = name("away");
        User bob = roomOwner(room);
        Message older = fx.service.send(bob, room, "older", null);
        Message doomed = fx.service.send(bob, room, "doomed", null);
        String aliceToken = fx.token(name("alice"));
        long seen;
        try (WsClient a = fx.client(aliceToken)) {
            a.send(obj("type", "join", "room", room));
            seen = num(a.await("subscribed"), "lastChange");
        }

        Message posted = fx.service.send(bob, room, "while you were away", null);
        Message edited = fx.service.edit(bob, older.id(), "older, edited");
        Message deleted = fx.service.delete(bob, doomed.id());
        User carol = fx.service.register(name("carol"), Fixture.PASSWORD);
        fx.service.join(carol, room);
        assertThat(List.of(posted.change(), edited.change(), deleted.change()))
                .containsExactly(seen + 1, seen + 2, seen + 3); // the room had no other changes meanwhile

        try (WsClient a = fx.client(aliceToken)) {
            a.send(obj("type", "resume", "room", room, "afterChange", seen, "ref", "res"));
            JsonObject subscribed = next(a, "subscribed");
            assertThat(subscribed.getString("ref")).isEqualTo("res");
            assertThat(num(subscribed, "lastChange")).isEqualTo(seen + 4);
            assertThat(num(subscribed, "lastSeq")).isEqualTo(posted.seq());

            JsonObject m = next(a, "message");
            assertThat(num(m, "change")).isEqualTo(seen + 1);
            assertThat(m.getJsonObject("message").getString("body")).isEqualTo("while you were away");

            JsonObject e = next(a, "edited");
            assertThat(num(e, "change")).isEqualTo(seen + 2).isEqualTo(num(e.getJsonObject("message"), "change"));
            assertThat(num(e.getJsonObject("message"), "id")).isEqualTo(older.id());
            assertThat(e.getJsonObject("message").getString("body")).isEqualTo("older, edited");

            JsonObject d = next(a, "deleted");
            assertThat(num(d, "change")).isEqualTo(seen + 3);
            assertThat(num(d.getJsonObject("message"), "id")).isEqualTo(doomed.id());
            assertThat(d.getJsonObject("message").getBoolean("deleted")).isTrue();
            assertThat(d.getJsonObject("message").getString("body")).isEmpty();

            JsonObject j = next(a, "presence");
            assertThat(j.getString("state")).isEqualTo("join");
            assertThat(j.getJsonObject("user").getString("username")).isEqualTo(carol.username());
            assertThat(num(j, "change")).isEqualTo(seen + 4);

            // Live from there: the next change, once, and nothing else.
            liveContinuesAt(a, bob, room, seen + 5);
        }
    }

    @Test
    void resumeBeyondTheRoomsEndFailsWithResyncRequiredAndLeavesTheRoomUnsubscribed() {
        String room = name("beyond");
        User bob = roomOwner(room);
        fx.service.send(bob, room, "one", null);
        try (WsClient a = fx.joined(fx.token(name("alice")), room)) {
            RoomPosition end = position(bob, room);
            a.send(obj("type", "resume", "room", room, "afterChange", end.lastChange() + 1, "ref", "c"));
            JsonObject byChange = a.await("error");
            assertThat(byChange.getString("code")).isEqualTo("resync_required");
            assertThat(byChange.getString("ref")).isEqualTo("c");
            assertThat(byChange.getString("room")).isEqualTo(room);

            a.send(obj("type", "resume", "room", room, "afterSeq", end.lastSeq() + 1, "ref", "s"));
            JsonObject bySeq = a.await("error");
            assertThat(bySeq.getString("code")).isEqualTo("resync_required");
            assertThat(bySeq.getString("ref")).isEqualTo("s");
            assertThat(bySeq.getString("room")).isEqualTo(room);

            // Neither left a subscription, nor kept the one the join made.
            fx.service.send(bob, room, "unseen", null);
            a.send(obj("type", "ping", "ref", "p"));
            a.await("pong");
            assertThat(a.seen).noneMatch(f -> room.equals(f.getString("room", null))
                    && !Set.of("error", "subscribed", "room_added").contains(f.getString("type")));
        }
    }

    @Test
    void resumeWithBothAfterSeqAndAfterChangeOrABadPositionIsRefusedAndSubscribesNothing() {
        String room = name("both");
        User bob = roomOwner(room);
        Account alice = account("alice");
        fx.service.join(alice.user(), room); // a member: a valid resume would subscribe
        String resume = "{\"type\":\"resume\",\"room\":\"" + room + "\",\"ref\":\"r\",";
        String[][] cases = {
            {resume + "\"afterSeq\":0,\"afterChange\":0}", "invalid_argument"},
            {resume + "\"afterChange\":-1}", "invalid_field"},
            {resume + "\"afterChange\":2.5}", "invalid_field"},
            {resume + "\"afterChange\":\"3\"}", "invalid_field"},
            {resume + "\"afterChange\":null}", "missing_field"}, // null is absent, as for every field
        };
        try (WsClient a = fx.client(alice.token())) {
            for (String[] c : cases) {
                a.send(c[0]);
                JsonObject error = a.await("error");
                assertThat(error.getString("code")).as(c[0]).isEqualTo(c[1]);
                assertThat(error.getString("ref")).isEqualTo("r");
            }
            fx.service.send(bob, room, "unseen", null);
            a.send(obj("type", "ping", "ref", "p"));
            a.await("pong");
            assertThat(a.seen).noneMatch(f -> "subscribed".equals(f.getString("type"))
                    || "message".equals(f.getString("type")));
        }
    }

    @Test
    void aLiveStreamTheServiceCannotKeepCompleteEndsWithResyncRequiredAndTheSocketKeepsWorking() {
        String room = name("gap");
        User bob = roomOwner(room);
        String other = name("other");
        fx.service.createRoom(bob, other, RoomType.PUBLIC);
        String alice = name("alice");
        try (WsClient a = fx.joined(fx.token(alice), room)) {
            try {
                // The fan-out loses one change and the store cannot show it: the feed cannot fill the gap.
                messages.changeReadsFail = true;
                fanout.dropNextChange();
                fx.service.send(bob, room, "lost on the way", null);
                fx.service.send(bob, room, "held behind the gap", null);
                JsonObject error = a.await("error");
                assertThat(error.getString("code")).isEqualTo("resync_required");
                assertThat(error.getString("room")).isEqualTo(room);
                assertThat(error.containsKey("ref")).isFalse();
            } finally {
                messages.changeReadsFail = false;
            }

            // The room's subscription is gone, presence included; the socket is open and serves other rooms.
            fx.service.send(bob, room, "after the failure", null);
            try (WsClient c = fx.client(fx.token(name("carol")))) {
                c.send(obj("type", "join", "room", room));
                assertThat(c.await("subscribed").getJsonArray("online").getValuesAs(JsonString::getString))
                        .doesNotContain(alice);
            }
            a.send(obj("type", "join", "room", other, "ref", "o"));
            assertThat(a.await("subscribed").getString("room")).isEqualTo(other);
            a.send(obj("type", "send", "room", other, "body", "still here", "ref", "s"));
            assertThat(a.await("ack").getString("ref")).isEqualTo("s");
            assertThat(a.await("message").getString("room")).isEqualTo(other);
            assertThat(a.seen)
                    .noneMatch(f -> "message".equals(f.getString("type")) && room.equals(f.getString("room")));
            assertThat(a.closed).isNotDone();

            // As the client is told to: join again, and the stream starts from the room's position.
            a.send(obj("type", "join", "room", room, "ref", "back"));
            JsonObject back = a.await(f -> "back".equals(f.getString("ref", null)));
            assertThat(back.getString("type")).isEqualTo("subscribed");
            assertThat(num(back, "lastChange")).isEqualTo(position(bob, room).lastChange());
        }
    }

    @Test
    void aResumeReplayingTheUsersOwnPastLeaveAndRejoinStaysLive() {
        String room = name("back");
        User bob = roomOwner(room);
        Account alice = account("alice");
        long seen;
        try (WsClient a = fx.client(alice.token())) {
            a.send(obj("type", "join", "room", room));
            seen = num(a.await("subscribed"), "lastChange");
        }
        fx.service.leave(alice.user(), room); // on another device, while this one was away
        fx.service.join(alice.user(), room);

        try (WsClient a = fx.client(alice.token())) {
            a.send(obj("type", "resume", "room", room, "afterChange", seen));
            assertThat(num(next(a, "subscribed"), "lastChange")).isEqualTo(seen + 2);
            JsonObject leave = next(a, "presence");
            assertThat(leave.getString("state")).isEqualTo("leave");
            assertThat(num(leave, "change")).isEqualTo(seen + 1);
            JsonObject join = next(a, "presence");
            assertThat(join.getString("state")).isEqualTo("join");
            assertThat(num(join, "change")).isEqualTo(seen + 2);
            // A departure from the past ends nothing: no `left`, and the stream goes on.
            liveContinuesAt(a, bob, room, seen + 3);
        }
    }
}
