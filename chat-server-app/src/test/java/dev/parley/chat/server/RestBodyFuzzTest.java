package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.json.MalformedJsonException;
import dev.parley.chat.json.StrictJson;
import dev.parley.chat.server.TestClient.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the REST API's request bodies through a real server on SQLite, over loopback, starting from the corpus in
 * {@code src/test/resources/dev/parley/chat/server/RestBodyFuzzTestInputs/}. An input's first byte picks the route,
 * the rest is the body. Invariants: every answer is a success or a 4xx problem+json with a code, never a 5xx; a body
 * the strict reader refuses is always 400 {@code malformed_json}; and a message that is stored has exactly the body
 * the strict reader read. Hangs fail through Jazzer's per-input timeout.
 */
class RestBodyFuzzTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String token;
    static String[][] routes;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        token = client.signUp("fuzzer");
        Reply posted = client.post("/api/messages", token, TestClient.json("room", "general", "body", "first"));
        long id = posted.json().getJsonObject("message").getJsonNumber("id").longValue();
        routes = new String[][] {
            {"POST", "/api/messages"},
            {"PATCH", "/api/messages/" + id},
            {"POST", "/api/rooms/general/read"},
            {"POST", "/api/rooms"},
            {"POST", "/api/direct"},
            {"POST", "/api/rooms/general/members"},
        };
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "/dev/parley/chat/server/bodies.dict")
    void answersEveryBodyWithAResultOrAProblemNeverAServerError(byte[] input) {
        String[] route = routes[input.length == 0 ? 0 : (input[0] & 0xff) % routes.length];
        byte[] body = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Reply reply = client.raw(client.builder(route[1], token).header("Content-Type", "application/json")
                .method(route[0], HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(reply.status()).as(reply.toString()).isBetween(200, 499);
        boolean readable = true;
        try {
            StrictJson.readObject(body);
        } catch (MalformedJsonException e) {
            readable = false;
        }
        if (reply.status() >= 400) {
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().getString("code")).isNotBlank();
        }
        if (!readable) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.json().getString("code")).isEqualTo("malformed_json");
        } else if (reply.status() == 201 && route[1].equals("/api/messages")) {
            assertThat(reply.json().getJsonObject("message").getString("body"))
                    .isEqualTo(StrictJson.readObject(body).getString("body"));
        }
    }
}
