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
import dev.parley.chat.core.spi.ChatStorage;
import jakarta.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-room change stream over real sockets: {@code subscribed} positions, {@code resume} by change, and
 * {@code resync_required}. The service runs over the in-memory store behind a wrapper that counts history reads.
 */
class ChangeStreamTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static InMemoryChatStorage mem;
    private static FaultyMessageStore messages;
    private static Fixture fx;

    @BeforeAll
    static void start() throws Exception {
        mem = InMemoryChatStorage.create();
        messages = new FaultyMessageStore(mem.messages());
        fx = new Fixture(ChatService.builder()
                .storage(ChatStorage.of(mem.users(), mem.sessions(), mem.rooms(), messages))
                .settings(ChatSettings.defaults()), b -> b);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String name(String prefix) {
        return prefix + NAMES.incrementAndGet();
    }

    private static long num(JsonObject frame, String key) {
        return frame.getJsonNumber(key).longValue();
    }

    /** A user who owns a new public room. */
    private static User roomOwner(String room) {
        User owner = fx.service.register(name("owner"), Fixture.PASSWORD);
        fx.service.createRoom(owner, room, RoomType.PUBLIC);
        return owner;
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
            JsonObject subscribed = a.next();
            assertThat(subscribed.getString("type")).isEqualTo("subscribed");
            assertThat(subscribed.getString("ref")).isEqualTo("again");
            assertThat(num(subscribed, "lastSeq")).isEqualTo(newer.seq()); // not the edited message's lower seq
            assertThat(num(subscribed, "lastChange")).isEqualTo(edited.change());
            // Nothing replayed, and the one subscription still delivers each change once.
            Message live = fx.service.send(carol, room, "live", null);
            JsonObject next = a.next();
            assertThat(next.getString("type")).isEqualTo("message");
            assertThat(num(next, "change")).isEqualTo(live.change());
            a.send(obj("type", "ping", "ref", "p"));
            assertThat(a.next().getString("type")).isEqualTo("pong");
        }
    }
}
