package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API against a real server on SQLite, over loopback. */
class RestApiTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        alice = client.signUp("alice");
        bob = client.signUp("bob");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void assertProblem(Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonObject p = reply.json();
        assertThat(p.getString("code")).isEqualTo(code);
        assertThat(p.getInt("status")).isEqualTo(status);
        assertThat(p.getString("type")).isEqualTo("urn:parley:problem:" + code);
        assertThat(p.getString("title")).isNotBlank();
        assertThat(p.getString("detail")).isNotBlank();
    }

    // ---- accounts -----------------------------------------------------------------------------------------------

    @Test
    void registerLoginAndLogoutRoundTrip() {
        Reply registered = client.post("/api/register", null, json("username", "Carol", "password", "s3cret pass"));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().getString("username")).isEqualTo("Carol");
        assertThat(registered.json().getJsonNumber("id").longValue()).isPositive();

        Reply login = client.post("/api/login", null, json("username", "carol", "password", "s3cret pass"));
        assertThat(login.status()).isEqualTo(200);
        String token = login.json().getString("token");
        assertThat(login.json().getString("expiresAt")).isNotBlank();
        assertThat(login.json().getJsonObject("user").getString("username")).isEqualTo("Carol");

        assertThat(client.get("/api/rooms", token).status()).isEqualTo(200);
        assertThat(client.post("/api/logout", token, null).status()).isEqualTo(204);
        assertProblem(client.get("/api/rooms", token), 401, "invalid_token");
    }

    @Test
    void registrationErrorsAreProblems() {
        assertProblem(client.post("/api/register", null, json("username", "ALICE", "password", "another pass")),
                409, "username_taken");
        assertProblem(client.post("/api/register", null, json("username", "no spaces", "password", "whatever1")),
                400, "invalid_username");
        assertProblem(client.post("/api/register", null, json("username", "dave", "password", "short")),
                400, "invalid_password");
        assertProblem(client.post("/api/register", null, "{\"username\": \"dave\", "), 400, "malformed_json");
        assertProblem(client.post("/api/register", null, "[1, 2]"), 400, "malformed_json");
        assertProblem(client.post("/api/register", null, json("username", "dave")), 400, "missing_field");
        assertProblem(client.post("/api/register", null, "{\"username\": 5, \"password\": \"whatever1\"}"),
                400, "invalid_argument");
        assertProblem(client.raw(client.builder("/api/register", null).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(json("username", "dave", "password", "whatever1")))),
                415, "unsupported_media_type");
    }

    @Test
    void unknownUserAndWrongPasswordFailAlike() {
        Reply unknown = client.post("/api/login", null, json("username", "nobody", "password", "whatever1"));
        Reply wrong = client.post("/api/login", null, json("username", "bob", "password", "wrong password"));
        assertProblem(unknown, 401, "invalid_credentials");
        assertProblem(wrong, 401, "invalid_credentials");
        assertThat(unknown.json().getString("detail")).isEqualTo(wrong.json().getString("detail"));
    }

    @Test
    void requestsWithoutAValidTokenAreUnauthorized() {
        Reply none = client.get("/api/rooms", null);
        assertProblem(none, 401, "invalid_token");
        assertThat(none.header("WWW-Authenticate")).contains("Bearer");
        assertProblem(client.get("/api/rooms", "not-a-token"), 401, "invalid_token");
    }

    // ---- HTTP-level errors ------------------------------------------------------------------------------------

    @Test
    void unknownPathsAndMethodsAreProblems() {
        assertProblem(client.get("/api/nothing-here", alice), 404, "not_found");
        assertProblem(client.get("/api", alice), 404, "not_found");
        assertProblem(client.get("/no/such/page", null), 404, "not_found");
        Reply wrongMethod = client.get("/api/login", null);
        assertProblem(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.header("Allow")).contains("POST");
        assertProblem(client.delete("/api/rooms", alice), 405, "method_not_allowed");
        assertProblem(client.post("/health", null, "{}"), 405, "method_not_allowed");
    }

    @Test
    void oversizedBodiesAreRejectedAndTheServerKeepsServing() {
        String huge = json("username", "x".repeat(70_000), "password", "whatever1");
        assertProblem(client.post("/api/register", null, huge), 413, "payload_too_large");
        // chunked, without a Content-Length
        Reply chunked = client.raw(client.builder("/api/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413, "payload_too_large");
        assertThat(client.get("/health", null).status()).isEqualTo(200);
        assertThat(client.get("/api/rooms", alice).status()).isEqualTo(200);
    }

    // ---- rooms ----------------------------------------------------------------------------------------------

    @Test
    void roomsCanBeCreatedJoinedListedAndLeft() {
        Reply created = client.post("/api/rooms", alice, json("name", "Projects"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().getString("name")).isEqualTo("projects");
        assertThat(created.json().getString("type")).isEqualTo("public");
        assertProblem(client.post("/api/rooms", alice, json("name", "projects")), 409, "room_exists");
        assertProblem(client.post("/api/rooms", alice, json("name", "bad name!")), 400, "invalid_room_name");

        assertThat(client.post("/api/rooms/projects/join", bob, null).status()).isEqualTo(200);
        List<String> members = client.get("/api/rooms/projects/members", alice).json().getJsonArray("members")
                .getValuesAs(JsonObject.class).stream().map(m -> m.getString("username"))
                .collect(Collectors.toList());
        assertThat(members).containsExactly("alice", "bob");

        assertThat(client.post("/api/messages", alice, json("room", "projects", "body", "hi")).status())
                .isEqualTo(201);
        JsonObject summary = client.get("/api/rooms", bob).json().getJsonArray("rooms")
                .getValuesAs(JsonObject.class).stream().filter(r -> r.getString("name").equals("projects"))
                .findFirst().orElseThrow();
        assertThat(summary.getBoolean("member")).isTrue();
        assertThat(summary.getJsonNumber("unread").longValue()).isEqualTo(1);
        Reply read = client.post("/api/rooms/projects/read", bob, json("seq", summary.getJsonNumber("lastSeq")
                .longValue()));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().getJsonNumber("unread").longValue()).isZero();

        assertThat(client.post("/api/rooms/projects/leave", bob, null).status()).isEqualTo(204);
        assertProblem(client.post("/api/messages", bob, json("room", "projects", "body", "hi")), 403,
                "not_a_member");
        assertProblem(client.post("/api/rooms/nowhere/join", bob, null), 404, "room_not_found");
    }

    @Test
    void privateRoomsAreEnteredByBeingAdded() {
        assertThat(client.post("/api/rooms", alice, json("name", "secret", "private", true)).status())
                .isEqualTo(201);
        assertProblem(client.post("/api/rooms/secret/join", bob, null), 404, "room_not_found");
        assertThat(client.post("/api/rooms/secret/members", alice, json("username", "bob")).status())
                .isEqualTo(200);
        assertThat(client.post("/api/messages", bob, json("room", "secret", "body", "in")).status())
                .isEqualTo(201);
        assertProblem(client.post("/api/rooms/secret/members", alice, json("username", "nobody")), 404,
                "user_not_found");
    }

    @Test
    void directRoomsAreAddressedByTheirEncodedName() {
        Reply direct = client.post("/api/direct", alice, json("username", "bob"));
        assertThat(direct.status()).isEqualTo(200);
        String name = direct.json().getString("name");
        assertThat(name).startsWith("dm:");
        assertThat(client.post("/api/direct", bob, json("username", "alice")).json().getString("name"))
                .isEqualTo(name);
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
        assertThat(client.post("/api/messages", alice, json("room", name, "body", "psst")).status()).isEqualTo(201);
        assertThat(client.get("/api/messages?room=" + encoded, bob).json().getJsonArray("messages")).hasSize(1);
        assertThat(client.get("/api/rooms/" + encoded + "/members", bob).json().getJsonArray("members")).hasSize(2);
        assertProblem(client.post("/api/rooms/" + encoded + "/join", bob, null), 403, "permission_denied");
        assertProblem(client.post("/api/direct", alice, json("username", "alice")), 400, "invalid_argument");
    }

    // ---- messages -------------------------------------------------------------------------------------------

    @Test
    void aRetryWithTheSameClientMsgIdReturnsTheSameMessage() {
        String body = json("room", "general", "body", "exactly once", "clientMsgId", "retry-1");
        Reply first = client.post("/api/messages", alice, body);
        Reply retry = client.post("/api/messages", alice, body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        JsonObject m = first.json().getJsonObject("message");
        assertThat(retry.json().getJsonObject("message")).isEqualTo(m);
        assertThat(m.getString("clientMsgId")).isEqualTo("retry-1");
        assertThat(m.getString("sender")).isEqualTo("alice");
        assertThat(m.getString("room")).isEqualTo("general");
        assertThat(m.containsKey("editedAt")).isFalse();
        assertThat(m.containsKey("deleted")).isFalse();
        assertProblem(client.post("/api/messages", alice,
                json("room", "general", "body", "something else", "clientMsgId", "retry-1")), 409,
                "idempotency_conflict");
    }

    @Test
    void messagesCanBeEditedAndDeletedByTheirSenderOnly() {
        long id = client.post("/api/messages", alice, json("room", "general", "body", "tpyo")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        Reply edited = client.patch("/api/messages/" + id, alice, json("body", "typo"));
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.json().getJsonObject("message").getString("body")).isEqualTo("typo");
        assertThat(edited.json().getJsonObject("message").getString("editedAt")).isNotBlank();
        assertProblem(client.patch("/api/messages/" + id, bob, json("body", "mine now")), 403, "not_message_owner");
        assertProblem(client.delete("/api/messages/" + id, bob), 403, "not_message_owner");
        Reply deleted = client.delete("/api/messages/" + id, alice);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().getJsonObject("message").getBoolean("deleted")).isTrue();
        assertThat(deleted.json().getJsonObject("message").getString("body")).isEmpty();
        assertProblem(client.patch("/api/messages/" + id, alice, json("body", "again")), 409, "message_deleted");
        assertProblem(client.delete("/api/messages/999999", alice), 404, "message_not_found");
        assertProblem(client.delete("/api/messages/abc", alice), 400, "invalid_argument");
    }

    @Test
    void aReplyShowsItsOriginalAndAReplyToWhatCannotBeRepliedToIsAProblem() {
        long id = client.post("/api/messages", alice, json("room", "general", "body", "first\nsecond")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        Reply reply = client.post("/api/messages", bob, json("room", "general", "body", "re", "replyTo", id));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonObject preview = reply.json().getJsonObject("message").getJsonObject("replyTo");
        assertThat(preview.getJsonNumber("id").longValue()).isEqualTo(id);
        assertThat(preview.getString("sender")).isEqualTo("alice");
        assertThat(preview.getString("excerpt")).isEqualTo("first");
        assertThat(preview.containsKey("deleted")).isFalse();
        assertProblem(client.post("/api/messages", bob, json("room", "general", "body", "re", "replyTo", 999999)),
                400, "invalid_reply");
        assertProblem(client.post("/api/messages", bob, json("room", "general", "body", "re", "replyTo", "x")),
                400, "invalid_argument");
        client.delete("/api/messages/" + id, alice);
        assertProblem(client.post("/api/messages", bob, json("room", "general", "body", "re", "replyTo", id)),
                400, "invalid_reply");
        long seq = reply.json().getJsonObject("message").getJsonNumber("seq").longValue();
        JsonObject now = client.get("/api/messages?room=general&after=" + (seq - 1) + "&limit=1", bob).json()
                .getJsonArray("messages").getJsonObject(0).getJsonObject("replyTo");
        assertThat(now.getBoolean("deleted")).isTrue();
        assertThat(now.getString("excerpt")).isEmpty();
    }

    @Test
    void reactionsAreToggledByPutAndDeleteOnThePercentEncodedEmoji() {
        long id = client.post("/api/messages", alice, json("room", "general", "body", "react to me")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        String thumbs = "/api/messages/" + id + "/reactions/%F0%9F%91%8D";
        Reply put = client.put(thumbs, bob);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        JsonObject reaction = put.json().getJsonObject("message").getJsonArray("reactions").getJsonObject(0);
        assertThat(reaction.getString("emoji")).isEqualTo("👍");
        assertThat(reaction.getInt("count")).isEqualTo(1);
        assertThat(reaction.getJsonArray("users").getString(0)).isEqualTo("bob");
        long change = put.json().getJsonObject("message").getJsonNumber("change").longValue();
        Reply again = client.put(thumbs, bob);
        assertThat(again.json().getJsonObject("message").getJsonNumber("change").longValue()).isEqualTo(change);
        Reply removed = client.delete(thumbs, bob);
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().getJsonObject("message").containsKey("reactions")).isFalse();
        assertProblem(client.put("/api/messages/" + id + "/reactions/abc", bob), 400, "invalid_emoji");
        assertProblem(client.put("/api/messages/999999/reactions/%F0%9F%91%8D", bob), 404, "message_not_found");
        String carol = client.signUp("carol-rx");
        client.post("/api/rooms", alice, json("name", "rx-secret", "private", true));
        long hidden = client.post("/api/messages", alice, json("room", "rx-secret", "body", "hidden")).json()
                .getJsonObject("message").getJsonNumber("id").longValue();
        Reply secret = client.put("/api/messages/" + hidden + "/reactions/%F0%9F%91%8D", carol);
        Reply unknown = client.put("/api/messages/999999/reactions/%F0%9F%91%8D", carol);
        assertProblem(secret, 404, "message_not_found");
        assertThat(secret.json().getString("detail")).isEqualTo(unknown.json().getString("detail"));
    }

    @Test
    void mentionsAreListedOnTheMessageAndCountedInTheRoomList() {
        client.post("/api/rooms", alice, json("name", "mentions", "private", true));
        client.post("/api/rooms/mentions/members", alice, json("username", "bob"));
        Reply sent = client.post("/api/messages", alice, json("room", "mentions", "body", "hi @bob and @nobody"));
        assertThat(sent.json().getJsonObject("message").getJsonArray("mentions").getString(0)).isEqualTo("bob");
        JsonObject room = client.get("/api/rooms", bob).json().getJsonArray("rooms").stream()
                .map(v -> v.asJsonObject()).filter(r -> r.getString("name").equals("mentions")).findFirst()
                .orElseThrow();
        assertThat(room.getInt("unread")).isEqualTo(1);
        assertThat(room.getInt("unreadMentions")).isEqualTo(1);
    }

    @Test
    void messageBodiesAreValidated() {
        assertProblem(client.post("/api/messages", alice, json("room", "general", "body", "   ")), 400,
                "message_empty");
        assertProblem(client.post("/api/messages", alice, json("room", "general", "body", "x".repeat(4001))), 400,
                "message_too_long");
        assertProblem(client.post("/api/messages", alice, json("room", "general", "body", "bell\u0007")), 400,
                "message_invalid");
        assertProblem(client.post("/api/messages", alice, json("room", "general", "body", "ok", "clientMsgId",
                "no spaces allowed")), 400, "invalid_client_msg_id");
        assertProblem(client.post("/api/messages", alice, json("room", "general")), 400, "missing_field");
    }

    @Test
    void historyPagesBackwardsAndForwards() {
        client.post("/api/rooms", alice, json("name", "paging"));
        for (int i = 1; i <= 7; i++) {
            client.post("/api/messages", alice, json("room", "paging", "body", "m" + i));
        }
        JsonObject latest = client.get("/api/messages?room=paging&limit=3", alice).json();
        assertThat(seqs(latest)).containsExactly(5L, 6L, 7L);
        assertThat(latest.getBoolean("hasMore")).isTrue();
        JsonObject older = client.get("/api/messages?room=paging&before=5&limit=3", alice).json();
        assertThat(seqs(older)).containsExactly(2L, 3L, 4L);
        JsonObject oldest = client.get("/api/messages?room=paging&before=2&limit=3", alice).json();
        assertThat(seqs(oldest)).containsExactly(1L);
        assertThat(oldest.getBoolean("hasMore")).isFalse();
        JsonObject newer = client.get("/api/messages?room=paging&after=4&limit=2", alice).json();
        assertThat(seqs(newer)).containsExactly(5L, 6L);
        assertThat(newer.getBoolean("hasMore")).isTrue();
        assertThat(client.get("/api/messages", alice).status()).isEqualTo(200); // room defaults to general

        assertProblem(client.get("/api/messages?room=paging&before=abc", alice), 400, "invalid_argument");
        assertProblem(client.get("/api/messages?room=paging&limit=0", alice), 400, "invalid_argument");
        assertProblem(client.get("/api/messages?room=paging&limit=100000", alice), 400, "invalid_argument");
        assertProblem(client.get("/api/messages?room=paging&before=3&after=1", alice), 400, "invalid_argument");
        assertProblem(client.get("/api/messages?room=nowhere", alice), 404, "room_not_found");
    }

    // ---- the change stream -------------------------------------------------------------------------------------

    private static JsonObject messageOf(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isBetween(200, 201);
        return reply.json().getJsonObject("message");
    }

    private static JsonObject messageChange(String type, JsonObject message) {
        return TestClient.JSON.createObjectBuilder().add("type", type).add("room", message.getString("room"))
                .add("change", message.getJsonNumber("change").longValue()).add("message", message).build();
    }

    /** What a room's change feed must return after {@code position}. */
    record Changes(long position, List<JsonObject> expected) {
    }

    /**
     * In a new public room of alice's with two of bob's messages: alice reads the position; then bob posts a third
     * message, edits the first, deletes the second, and {@code joiner} joins. The expected changes are built from
     * the REST responses and the joiner's account, so they are the exact objects the feed must return.
     */
    private static Changes fourChangesIn(String room, String joiner) {
        assertThat(client.post("/api/rooms", alice, json("name", room)).status()).isEqualTo(201);
        assertThat(client.post("/api/rooms/" + room + "/join", bob, null).status()).isEqualTo(200);
        JsonObject first = messageOf(client.post("/api/messages", bob, json("room", room, "body", "first")));
        JsonObject second = messageOf(client.post("/api/messages", bob, json("room", room, "body", "second")));
        String joinerToken = client.signUp(joiner);

        long position = client.changesPosition(alice, room);
        JsonObject third = messageOf(client.post("/api/messages", bob, json("room", room, "body", "third")));
        JsonObject edited = messageOf(client.patch("/api/messages/" + first.getJsonNumber("id"), bob,
                json("body", "first, edited")));
        JsonObject deleted = messageOf(client.delete("/api/messages/" + second.getJsonNumber("id"), bob));
        assertThat(client.post("/api/rooms/" + room + "/join", joinerToken, null).status()).isEqualTo(200);
        long joinerId = client.get("/api/rooms/" + room + "/members", alice).json().getJsonArray("members")
                .getValuesAs(JsonObject.class).stream().filter(m -> m.getString("username").equals(joiner))
                .findFirst().orElseThrow().getJsonNumber("id").longValue();
        JsonObject joined = TestClient.JSON.createObjectBuilder().add("type", "presence").add("room", room)
                .add("user", TestClient.JSON.createObjectBuilder().add("id", joinerId).add("username", joiner))
                .add("state", "join").add("change", position + 4).build();
        return new Changes(position, List.of(messageChange("message", third), messageChange("edited", edited),
                messageChange("deleted", deleted), joined));
    }

    private static List<Long> changeNumbers(List<JsonObject> changes) {
        return changes.stream().map(c -> c.getJsonNumber("change").longValue()).collect(Collectors.toList());
    }

    @Test
    void theChangesFeedReturnsEveryPostEditDeletionAndJoinAfterAPositionInChangeOrder() {
        Changes stream = fourChangesIn("stream", "cleo");
        long p = stream.position();
        Reply reply = client.get("/api/rooms/stream/changes?after=" + p, alice);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        List<JsonObject> changes = reply.json().getJsonArray("changes").getValuesAs(JsonObject.class);
        assertThat(changeNumbers(changes)).containsExactly(p + 1, p + 2, p + 3, p + 4);
        assertThat(changes).containsExactlyElementsOf(stream.expected());
        assertThat(reply.json().getJsonNumber("lastChange").longValue()).isEqualTo(p + 4);
        assertThat(reply.json().getBoolean("hasMore")).isFalse();

        // the message objects are the ones of the send, edit and delete responses, each with its own change
        JsonObject third = changes.get(0).getJsonObject("message");
        assertThat(third.getString("body")).isEqualTo("third");
        assertThat(third.getJsonNumber("seq").longValue()).isEqualTo(3);
        JsonObject edited = changes.get(1).getJsonObject("message");
        assertThat(edited.getString("body")).isEqualTo("first, edited");
        assertThat(edited.getJsonNumber("seq").longValue()).isEqualTo(1);
        assertThat(edited.getString("editedAt")).isNotBlank();
        JsonObject deleted = changes.get(2).getJsonObject("message");
        assertThat(deleted.getJsonNumber("seq").longValue()).isEqualTo(2);
        assertThat(deleted.getBoolean("deleted")).isTrue();
        assertThat(deleted.getString("body")).isEmpty();
        // history shows each message in its current state, with the change that produced it
        JsonObject history = client.get("/api/messages?room=stream", alice).json();
        assertThat(history.getJsonArray("messages").getValuesAs(JsonObject.class))
                .containsExactly(edited, deleted, third);
    }

    @Test
    void theChangesFeedPagesOneChangeAtATimeWithLimitOne() {
        Changes stream = fourChangesIn("stream-paged", "dora");
        long after = stream.position();
        for (int i = 0; i < 4; i++) {
            JsonObject page = client.get("/api/rooms/stream-paged/changes?after=" + after + "&limit=1", alice).json();
            assertThat(page.getJsonArray("changes").getValuesAs(JsonObject.class)).as("page " + i)
                    .containsExactly(stream.expected().get(i));
            assertThat(page.getJsonNumber("lastChange").longValue()).as("page " + i).isEqualTo(after + 1);
            assertThat(page.getBoolean("hasMore")).as("page " + i).isEqualTo(i < 3);
            after = page.getJsonNumber("lastChange").longValue();
        }
        JsonObject end = client.get("/api/rooms/stream-paged/changes?after=" + after + "&limit=1", alice).json();
        assertThat(end.getJsonArray("changes")).isEmpty();
        assertThat(end.getJsonNumber("lastChange").longValue()).isEqualTo(after);
        assertThat(end.getBoolean("hasMore")).isFalse();
    }

    @Test
    void aPositionBeyondTheRoomsNewestChangeIsAConflictThatAsksForAResync() {
        assertThat(client.post("/api/rooms", alice, json("name", "short-stream")).status()).isEqualTo(201);
        long newest = client.changesPosition(alice, "short-stream");
        assertThat(client.get("/api/rooms/short-stream/changes?after=" + newest, alice).status()).isEqualTo(200);
        assertProblem(client.get("/api/rooms/short-stream/changes?after=" + (newest + 1), alice), 409,
                "resync_required");
        assertProblem(client.get("/api/rooms/short-stream/changes?after=" + Long.MAX_VALUE, alice), 409,
                "resync_required");
    }

    @Test
    void changesParametersAreCheckedStrictlyAndOnlyVisibleRoomsAreRead() {
        assertThat(client.post("/api/rooms", alice, json("name", "strict-stream")).status()).isEqualTo(201);
        for (String query : List.of("", "?after=", "?after=abc", "?after=-1", "?after=1.5", "?after=1e3",
                "?after=99999999999999999999", "?after=0&limit=0", "?after=0&limit=-5", "?after=0&limit=x",
                "?after=0&limit=201", "?after=0&limit=99999999999")) {
            assertProblem(client.get("/api/rooms/strict-stream/changes" + query, alice), 400, "invalid_argument");
        }
        assertThat(client.get("/api/rooms/strict-stream/changes?after=0&limit=200", alice).status()).isEqualTo(200);
        // a public room is readable without being a member; a private one is invisible to others
        assertThat(client.get("/api/rooms/strict-stream/changes?after=0", bob).status()).isEqualTo(200);
        assertThat(client.post("/api/rooms", alice, json("name", "hidden-stream", "private", true)).status())
                .isEqualTo(201);
        assertThat(client.get("/api/rooms/hidden-stream/changes?after=0", alice).status()).isEqualTo(200);
        assertProblem(client.get("/api/rooms/hidden-stream/changes?after=0", bob), 404, "room_not_found");
        assertProblem(client.get("/api/rooms/no-such-stream/changes?after=0", alice), 404, "room_not_found");
        assertProblem(client.get("/api/rooms/strict-stream/changes?after=0", null), 401, "invalid_token");
    }

    private static List<Long> seqs(JsonObject page) {
        return page.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getJsonNumber("seq").longValue()).collect(Collectors.toList());
    }

    // ---- pages, operations, headers ----------------------------------------------------------------------------

    @Test
    void securityHeadersAreOnPagesApiResponsesAndErrors() {
        for (Reply r : List.of(client.get("/", null), client.get("/api/rooms", alice),
                client.get("/api/rooms", null), client.get("/nope", null), client.get("/health", null),
                client.get("/api/login", null))) {
            assertThat(r.header("Content-Security-Policy")).as(r.toString())
                    .hasValue("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                            + "form-action 'self'");
            assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.header("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.header("X-Frame-Options")).hasValue("DENY");
        }
    }

    @Test
    void theIndexPageIsServedAsUtf8Html() {
        Reply index = client.get("/", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).isEqualToIgnoringCase("text/html;charset=utf-8");
        // one external module script, no inline script or style (the CSP would block them)
        assertThat(index.body()).contains("<div id=\"app\">").contains("<script type=\"module\" src=\"/app.js\">")
                .doesNotContain("<script>").doesNotContain("style=").doesNotContain("<style");
        assertThat(client.get("/index.html", null).body()).isEqualTo(index.body());
        for (String asset : List.of("/app.js", "/state.js", "/connection.js", "/format.js", "/errors.js",
                "/components/Shell.js", "/components/MessageList.js", "/components/MessageItem.js")) {
            Reply js = client.get(asset, null);
            assertThat(js.status()).as(asset).isEqualTo(200);
            assertThat(js.contentType()).as(asset).isEqualToIgnoringCase("text/javascript;charset=utf-8");
            assertThat(js.body()).as(asset).doesNotContain("v-html").doesNotContain("innerHTML");
        }
        assertThat(client.get("/styles.css", null).contentType()).isEqualToIgnoringCase("text/css;charset=utf-8");
    }

    @Test
    void staticFilesCanBeRevalidatedWithTheirETag() {
        Reply first = client.get("/app.js", null);
        String etag = first.header("ETag").orElseThrow();
        assertThat(first.header("Cache-Control")).hasValue("no-cache");
        Reply again = client.raw(client.builder("/app.js", null).header("If-None-Match", etag).GET());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        Reply changed = client.raw(client.builder("/app.js", null).header("If-None-Match", "\"other\"").GET());
        assertThat(changed.status()).isEqualTo(200);
    }

    @Test
    void vueIsServedFromItsWebJarAtOneFixedPathOnly() throws Exception {
        Reply vue = client.get("/vendor/vue.runtime.esm-browser.prod.js", null);
        assertThat(vue.status()).isEqualTo(200);
        assertThat(vue.contentType()).isEqualToIgnoringCase("text/javascript;charset=utf-8");
        assertThat(vue.body()).contains("createApp");
        assertThat(vue.header("Content-Security-Policy")).isPresent();
        // nothing else of the WebJar, nor of the class path, is reachable
        for (String path : List.of("/vendor/vue.esm-browser.prod.js", "/vendor/vue.runtime.esm-browser.js",
                "/vendor/package.json", "/vendor/../vendor/vue.runtime.esm-browser.prod.js",
                "/vendor/%2e%2e/index.html", "/META-INF/resources/webjars/vue/3.5.26/dist/vue.runtime.esm-browser.prod.js",
                "/webjars/vue/dist/vue.runtime.esm-browser.prod.js", "/vendor/vue.runtime.esm-browser.prod.js/x.js",
                "/VENDOR/vue.runtime.esm-browser.prod.js", "/vendor//vue.runtime.esm-browser.prod.js",
                "/META-INF/maven/org.webjars.npm/vue/pom.properties")) {
            String response = TestClient.rawHttp(server.port(), "GET " + path + " HTTP/1.1");
            assertThat(response).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*").doesNotContain("createApp");
        }
        assertThat(StaticHandler.vueResource(getClass().getClassLoader()))
                .matches("META-INF/resources/webjars/vue/3\\.5\\.[0-9]+/dist/vue\\.runtime\\.esm-browser\\.prod\\.js");
    }

    @Test
    void pathTraversalNeverLeavesTheWebFolder() throws Exception {
        for (String path : List.of("/../pom.xml", "/..%2f..%2fpom.xml", "/%2e%2e/%2e%2e/etc/passwd",
                "/%2e%2e%2fServerConfig.class", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/..\\..\\etc\\passwd",
                "/%5c..%5cindex.html", "/index.html%00.js", "/.hidden.html", "/dev/parley/chat/server/ParleyServer.class",
                "/../dev/parley/chat/server/openapi.yaml", "/%2fetc%2fpasswd", "/index.html/..%2f..%2fopenapi.yaml")) {
            String response = TestClient.rawHttp(server.port(), "GET " + path + " HTTP/1.1");
            assertThat(response).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*");
            assertThat(response).as(path).doesNotContain("root:").doesNotContain("<project")
                    .doesNotContain("openapi:").doesNotContain("<div id=\"app\">");
        }
    }

    private static long sentTotal(String metrics) {
        return (long) MetricsEndpointTest.sample(metrics, "parley_messages_sent_total");
    }

    @Test
    void healthMetricsAndOpenApiRespond() {
        Reply health = client.get("/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().getString("status")).isEqualTo("ok");

        long before = sentTotal(client.get("/metrics", null).body());
        client.post("/api/messages", alice, json("room", "general", "body", "counted"));
        Reply metrics = client.get("/metrics", null);
        assertThat(sentTotal(metrics.body())).isEqualTo(before + 1);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body()).contains("parley_messages_sent_total ")
                .contains("parley_send_commit_seconds_count ")
                .contains("parley_http_server_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}")
                .contains("parley_ws_connections ");
        client.get("/api/rooms", null);
        assertThat(client.get("/metrics", null).body()).contains("parley_http_errors_total{code=\"invalid_token\"}");

        Reply openapi = client.get("/openapi.yaml", null);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.contentType()).startsWith("application/yaml");
        assertThat(openapi.body()).startsWith("openapi: 3.1");
    }
}
