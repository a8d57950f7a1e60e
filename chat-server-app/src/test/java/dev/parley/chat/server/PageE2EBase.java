package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
