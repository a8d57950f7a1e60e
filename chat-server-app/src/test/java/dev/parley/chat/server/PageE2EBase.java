package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the page's end-to-end test classes share: one real server per class (SQLite in a temporary folder, an
 * ephemeral port), a REST client to seed it, and the browser check of {@link Browsers} (skipped without Chromium,
 * failed under CI=true).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PageE2EBase {
    @TempDir
    static Path dir;

    ParleyServer server;
    TestClient rest;

    @BeforeAll
    void startServer() throws IOException {
        try {
            Browsers.requireBrowser();
        } catch (org.opentest4j.TestAbortedException e) {
            return; // every test is skipped with the reason in @BeforeEach
        }
        server = startServer(dir.resolve(getClass().getSimpleName()), 0);
        rest = new TestClient(server.uri());
    }

    @BeforeEach
    void requireBrowser() {
        Browsers.requireBrowser();
    }

    @AfterAll
    void stopServer() {
        Browsers.closeIdle();
        if (server != null) {
            server.close();
        }
    }

    static ParleyServer startServer(Path dir, int port, String... extra) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_PORT", Integer.toString(port));
        env.put("PARLEY_DB_URL", "jdbc:sqlite:" + dir.resolve("parley.db"));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return new ParleyServer(ServerConfig.fromEnvironment(env)).start();
    }

    URI uri() {
        return server.uri();
    }

    /** Creates a public room over REST as the token's user. */
    void createRoom(String token, String room) {
        assertThat(rest.post("/api/rooms", token, json("name", room)).status()).isEqualTo(201);
    }

    void joinRoom(String token, String room) {
        assertThat(rest.post("/api/rooms/" + room + "/join", token, null).status()).isEqualTo(200);
    }

    /** Posts {@code count} messages over REST: "{prefix} 1" to "{prefix} count". */
    void seed(String token, String room, String prefix, int count) {
        for (int i = 1; i <= count; i++) {
            assertThat(rest.post("/api/messages", token, json("room", room, "body", prefix + " " + i)).status())
                    .isEqualTo(201);
        }
    }

    /** Posts a message over REST; returns the stored Message (the answer's {@code message}). */
    JsonObject post(String token, String room, String body) {
        return post(token, json("room", room, "body", body));
    }

    /** Posts a reply over REST; returns the stored Message. */
    JsonObject reply(String token, String room, String body, long replyTo) {
        return post(token, json("room", room, "body", body, "replyTo", replyTo));
    }

    private JsonObject post(String token, String json) {
        TestClient.Reply reply = rest.post("/api/messages", token, json);
        assertThat(reply.status()).as("post %s: %s", json, reply).isEqualTo(201);
        return reply.json().getJsonObject("message");
    }

    /** Confirmed rows are in strictly increasing seq order, so no message is shown twice. */
    static void assertOrderedWithoutDuplicates(ChatPage page) {
        List<Long> seqs = page.messages().stream().filter(m -> m.state().equals("confirmed"))
                .map(ChatPage.Shown::seq).collect(Collectors.toList());
        assertThat(seqs).as(page.label + " seqs").isSorted().doesNotHaveDuplicates();
    }

    static void assertNoCspViolations(ChatPage page) {
        assertThat(page.consoleProblems()).as(page.label + " console")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused to"));
    }

    /** A page of the default size signed in as a user made over REST, live, with the room open. */
    ChatPage signedIn(String label, String username, String room) throws IOException {
        return signedIn(label, username, room, Browsers.WIDTH, Browsers.HEIGHT);
    }

    ChatPage signedIn(String label, String username, String room, int width, int height) throws IOException {
        ChatPage page = ChatPage.open(label, uri(), width, height);
        try {
            page.signIn(username, ChatPage.PASSWORD);
            page.awaitLive();
            if (room != null) {
                page.openRoom(room);
            }
            return page;
        } catch (RuntimeException | AssertionError e) {
            page.close();
            throw e;
        }
    }
}
