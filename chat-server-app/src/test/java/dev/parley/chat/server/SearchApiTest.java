package dev.parley.chat.server;

import static dev.parley.chat.server.RestApiTest.assertProblem;
import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.server.TestClient.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/search} against a real server on SQLite, over loopback: what a caller finds, and above all what
 * a caller never finds (rooms the caller cannot read, or has not joined).
 */
class SearchApiTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        alice = client.signUp("alice");
        bob = client.signUp("bob");
        carol = client.signUp("carol");
        created(client.post("/api/rooms", alice, json("name", "a-secret", "private", true)));
        created(client.post("/api/rooms", alice, json("name", "a-public")));
        Reply direct = client.post("/api/direct", alice, json("username", "carol"));
        assertThat(direct.status()).as(direct.toString()).isEqualTo(200);
        String dm = direct.json().getString("name");
        send(alice, "a-secret", "zebra secret plans");
        send(alice, "a-public", "zebra in public");
        send(alice, dm, "zebra between us");
        created(client.post("/api/rooms", bob, json("name", "b-room")));
        send(bob, "b-room", "zebra crossing 🦓 Zebra!");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void created(Reply r) {
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
    }

    private static void send(String token, String room, String body) {
        created(client.post("/api/messages", token, json("room", room, "body", body)));
    }

    private static Reply search(String token, String query) {
        return client.get("/api/search?" + query, token);
    }

    private static String q(String text) {
        return "q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<String> bodies(Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getJsonArray("results").stream()
                .map(v -> v.asJsonObject().getJsonObject("message").getString("body")).toList();
    }

    private static Set<String> roomsOf(Reply r) {
        return r.json().getJsonArray("results").stream()
                .map(v -> v.asJsonObject().getJsonObject("message").getString("room")).collect(Collectors.toSet());
    }

    @Test
    void aCallerFindsOnlyMessagesOfRoomsTheyAreIn() {
        Reply forBob = search(bob, q("zebra"));
        assertThat(bodies(forBob)).containsExactly("zebra crossing 🦓 Zebra!");
        assertThat(roomsOf(forBob)).containsOnly("b-room");

        assertThat(bodies(search(alice, q("zebra")))).containsExactly("zebra between us", "zebra in public",
                "zebra secret plans");
        assertThat(bodies(search(carol, q("zebra")))).containsExactly("zebra between us");
    }

    @Test
    void aPrivateRoomOfAnotherUserAnswersExactlyAsItsHistoryDoes() {
        Reply history = client.get("/api/messages?room=a-secret", bob);
        Reply searched = search(bob, q("zebra") + "&room=a-secret");
        Reply unknown = search(bob, q("zebra") + "&room=no-such-room");
        assertProblem(history, 404, "room_not_found");
        assertProblem(searched, 404, "room_not_found");
        assertThat(searched.json().getString("detail")).isEqualTo(history.json().getString("detail"));
        assertThat(unknown.body()).as("an unknown room looks the same").isEqualTo(searched.body());
    }

    @Test
    void aPublicRoomIsSearchedOnlyOnceJoined() {
        assertProblem(search(carol, q("zebra") + "&room=a-public"), 403, "not_a_member");
        assertThat(client.post("/api/rooms/a-public/join", carol, null).status()).isEqualTo(200);
        try {
            assertThat(bodies(search(carol, q("zebra") + "&room=a-public"))).containsExactly("zebra in public");
            assertThat(bodies(search(carol, q("zebra")))).containsExactly("zebra between us", "zebra in public");
        } finally {
            assertThat(client.post("/api/rooms/a-public/leave", carol, null).status()).isIn(200, 204);
        }
        assertThat(bodies(search(carol, q("zebra")))).containsExactly("zebra between us");
    }

    @Test
    void resultsCarryTheMessageAndUtf16Highlights() {
        Reply r = search(bob, q("ZEB cross"));
        JsonObject result = r.json().getJsonArray("results").getJsonObject(0);
        assertThat(result.getJsonObject("message").getString("sender")).isEqualTo("bob");
        List<Map<String, Integer>> highlights = result.getJsonArray("highlights").stream().map(JsonValue::asJsonObject)
                .map(h -> Map.of("start", h.getInt("start"), "end", h.getInt("end"))).toList();
        // "zebra crossing 🦓 Zebra!": the emoji is two UTF-16 units, so the second Zebra starts at 18.
        assertThat(highlights).containsExactly(Map.of("start", 0, "end", 5), Map.of("start", 6, "end", 14),
                Map.of("start", 18, "end", 23));
        assertThat(r.json().containsKey("nextBefore")).isFalse();
    }

    @Test
    void pagesWithNextBefore() {
        Reply first = search(alice, q("zebra") + "&limit=2");
        assertThat(bodies(first)).containsExactly("zebra between us", "zebra in public");
        long next = first.json().getJsonNumber("nextBefore").longValue();
        Reply second = search(alice, q("zebra") + "&limit=2&before=" + next);
        assertThat(bodies(second)).containsExactly("zebra secret plans");
        assertThat(second.json().containsKey("nextBefore")).isFalse();
    }

    @Test
    void badRequestsAreProblems() {
        assertProblem(search(null, q("zebra")), 401, "invalid_token");
        assertProblem(search(bob, ""), 400, "invalid_query");
        assertProblem(search(bob, q("?!")), 400, "invalid_query");
        assertProblem(search(bob, q("a b c d e f g h i j k")), 400, "invalid_query");
        assertProblem(search(bob, q("x".repeat(201))), 400, "invalid_query");
        assertProblem(search(bob, q("zebra") + "&limit=101"), 400, "invalid_argument");
        assertProblem(search(bob, q("zebra") + "&limit=0"), 400, "invalid_argument");
        assertProblem(search(bob, q("zebra") + "&before=x"), 400, "invalid_argument");
        assertProblem(search(bob, q("zebra") + "&before=0"), 400, "invalid_argument");
    }

    @Test
    void aStorageWithoutSearchAnswers501() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_PORT", "0");
        env.put("PARLEY_DB_URL", "jdbc:sqlite:" + dir.resolve("no-search.db"));
        ParleyServer plain = new ParleyServer(ServerConfig.fromEnvironment(env), Clock.systemUTC(),
                s -> ChatStorage.of(s.users(), s.sessions(), s.rooms(), s.messages())).start();
        try {
            TestClient other = new TestClient(plain.uri());
            String dave = other.signUp("dave");
            assertProblem(other.get("/api/search?" + q("zebra"), dave), 501, "search_unsupported");
            assertThat(other.get("/api/rooms", dave).status()).as("the server keeps serving").isEqualTo(200);
        } finally {
            plain.close();
        }
    }
}
