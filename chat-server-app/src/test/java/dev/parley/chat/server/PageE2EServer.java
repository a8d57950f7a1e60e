package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real server (SQLite in a temporary folder, ephemeral port) shared by the tests of a page e2e class, with REST
 * shortcuts to seed it. Skipped without Chromium and chromedriver, except under CI=true (see {@link Browsers}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PageE2EServer {
    @TempDir
    static Path dir;

    ParleyServer server;
    TestClient rest;

    @BeforeAll
    void startServer() throws IOException {
        try {
            Browsers.requireBrowser(); // under CI=true a missing browser fails the whole class here
        } catch (org.opentest4j.TestAbortedException e) {
            return; // every test is skipped with the reason in @BeforeEach
        }
        server = TestClient.startServer(dir);
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

    URI uri() {
        return server.uri();
    }

    /** Creates a public room over REST. */
    void createRoom(String token, String name) {
        assertThat(rest.post("/api/rooms", token, json("name", name)).status()).isEqualTo(201);
    }

    /** Joins a public room over REST. */
    void join(String token, String room) {
        assertThat(rest.post("/api/rooms/" + room + "/join", token, null).status()).isEqualTo(200);
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
}
