package dev.parley.chat.server;

import static dev.parley.chat.server.RestApiTest.assertProblem;
import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import dev.parley.chat.testkit.NoStackTracesLogged;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies are read by one strict RFC 8259 reader: whatever a proxy or WAF in front of the server could read
 * differently is refused with 400 {@code malformed_json}, without a stack trace in the log, and the server keeps
 * serving. Real server on SQLite, over loopback.
 */
@ExtendWith(NoStackTracesLogged.class)
class StrictJsonRestTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
        alice = client.signUp("alice");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void theServerStillServes() {
        assertThat(client.get("/api/rooms", alice).status()).isEqualTo(200);
    }

    private static Reply send(String body) {
        return client.post("/api/messages", alice, body);
    }

    @Test
    void rejectsTrailingContentAfterTheJsonBody() {
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\"}garbage"), 400, "malformed_json");
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\"}{}"), 400, "malformed_json");
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\"}\u0000"), 400, "malformed_json");
        // white space after the value is part of JSON
        assertThat(send("{\"room\":\"general\",\"body\":\"x\"} \r\n\t").status()).isEqualTo(201);
    }

    @Test
    void rejectsDuplicateMemberNamesAtAnyDepth() {
        assertProblem(send("{\"room\":\"nosuch\",\"room\":\"general\",\"body\":\"x\"}"), 400, "malformed_json");
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\",\"extra\":{\"a\":1,\"a\":1}}"), 400,
                "malformed_json");
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\",\"extra\":[{\"a\":1,\"a\":2}]}"), 400,
                "malformed_json");
        // "\u0061" is "a": names are compared after unescaping
        assertProblem(send("{\"room\":\"general\",\"body\":\"x\",\"a\":1,\"\\u0061\":2}"), 400, "malformed_json");
    }

    @Test
    void rejectsWhatAStrictReaderRefuses() {
        String[] bad = {
            "\uFEFF{\"room\":\"general\",\"body\":\"x\"}", // a byte order mark
            "{\"room\":\"general\",\"body\":\"x\",\"n\":NaN}",
            "{\"room\":\"general\",\"body\":\"x\",\"n\":Infinity}",
            "{\"room\":\"general\",\"body\":\"x\",\"n\":01}",
            "{\"room\":\"general\",\"body\":\"x\",\"n\":1e99999999999}", // an exponent beyond any number type
            "{\"room\":\"general\",\"body\":\"x\",\"n\":" + "9".repeat(2000) + "}",
            "{\"room\":\"general\",\"body\":\"a\u0001b\"}", // a raw control character in a string
            "{\"room\":\"general\",\"body\":\"x\",}",
            "{'room':'general','body':'x'}",
            "{\"room\":\"general\",\"body\":\"x\",\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            "{\"room\":\"general\",\"body\":\"x\",\"deep\":" + "[".repeat(40) + "]".repeat(40) + "}",
            "",
            " ",
            "null",
            "\"a string\"",
        };
        for (String body : bad) {
            assertProblem(send(body), 400, "malformed_json");
        }
    }

    @Test
    void rejectsBodiesThatAreNotUtf8() {
        byte[] utf16 = "{\"room\":\"general\",\"body\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        byte[] encodedSurrogate = {'{', '"', 'r', 'o', 'o', 'm', '"', ':', '"', 'g', 'e', 'n', 'e', 'r', 'a', 'l',
            '"', ',', '"', 'b', 'o', 'd', 'y', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        for (byte[] body : List.of(utf16, encodedSurrogate)) {
            Reply reply = client.raw(client.builder("/api/messages", alice)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertProblem(reply, 400, "malformed_json");
        }
    }

    @Test
    void aLoneSurrogateInAPasswordIsRejectedNotReplaced() {
        String withLoneSurrogate = "{\"username\":\"surro\",\"password\":\"correct horse \\ud800\"}";
        assertProblem(client.post("/api/register", null, withLoneSurrogate), 400, "malformed_json");
        // Nothing was registered: the name is still free, and no replacement character logs in.
        assertThat(client.post("/api/register", null, json("username", "surro", "password", "correct horse ?"))
                .status()).isEqualTo(201);
        assertProblem(client.post("/api/login", null,
                "{\"username\":\"surro\",\"password\":\"correct horse \\udbff\"}"), 400, "malformed_json");
        assertThat(client.post("/api/login", null, json("username", "surro", "password", "correct horse ?"))
                .status()).isEqualTo(200);
    }

    @Test
    void aLoneSurrogateAnywhereInABodyIsRejected() {
        for (String body : new String[] {
            "{\"room\":\"general\",\"body\":\"x \\udc00\"}",
            "{\"room\":\"general\",\"body\":\"\\ud83d x\"}",
            "{\"room\":\"gen\\ud800eral\",\"body\":\"x\"}",
            "{\"room\":\"general\",\"body\":\"x\",\"\\ud800\":1}",
        }) {
            assertProblem(send(body), 400, "malformed_json");
        }
        // a pair is one character, escaped or not
        Reply pair = send("{\"room\":\"general\",\"body\":\"\\ud83d\\ude00 \uD83D\uDE00\"}");
        assertThat(pair.status()).isEqualTo(201);
        assertThat(pair.json().getJsonObject("message").getString("body")).isEqualTo("\uD83D\uDE00 \uD83D\uDE00");
    }

    @Test
    void bodiesOfInvisibleCharactersOnlyAreEmpty() {
        for (String invisible : new String[] {"\u00a0", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3000 \u2800",
            "\u3164", "\u00ad"}) {
            assertProblem(client.post("/api/messages", alice, json("room", "general", "body", invisible)), 400,
                    "message_empty");
        }
        assertThat(client.post("/api/messages", alice, json("room", "general", "body", "\u00a0x\u200b")).status())
                .isEqualTo(201);
    }
}
