package dev.parley.chat.transport.websocket;

import static dev.parley.chat.transport.websocket.WsClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.testkit.NoStackTracesLogged;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client frames are read by the same strict RFC 8259 reader as REST bodies: whatever another reader could take
 * differently is answered with {@code error malformed_json}, the socket stays usable and nothing is logged with a
 * stack trace. Real service, real Tyrus server on loopback, real client.
 */
@ExtendWith(NoStackTracesLogged.class)
class StrictFramesTest {
    private static Fixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new Fixture(ChatSettings.defaults(), b -> b);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** Sends each frame and expects {@code error malformed_json} for it, then a working socket. */
    private static void assertMalformed(String... frames) {
        try (WsClient a = fx.joined(fx.token("strict"), "general")) {
            for (String frame : frames) {
                a.send(frame);
                JsonObject reply = a.await(f -> !"message".equals(f.getString("type", null)));
                assertThat(reply.getString("type")).as(frame).isEqualTo("error");
                assertThat(reply.getString("code")).as(frame).isEqualTo("malformed_json");
                assertThat(reply.getString("message")).isNotBlank();
                a.send(obj("type", "ping", "ref", "alive"));
                assertThat(a.await("pong").getString("ref")).isEqualTo("alive");
            }
            a.send(obj("type", "send", "room", "general", "body", "still fine", "ref", "ok"));
            assertThat(a.await("ack").getString("ref")).isEqualTo("ok");
        }
    }

    @Test
    void rejectsTrailingContentAfterTheFrame() {
        assertMalformed(
                "{\"type\":\"send\",\"room\":\"general\",\"body\":\"x\"}garbage",
                "{\"type\":\"send\",\"room\":\"general\",\"body\":\"x\"}{}",
                "{\"type\":\"ping\"}]");
    }

    @Test
    void rejectsDuplicateMemberNamesAtAnyDepth() {
        assertMalformed(
                "{\"type\":\"send\",\"room\":\"nosuch\",\"room\":\"general\",\"body\":\"x\"}",
                "{\"type\":\"ping\",\"type\":\"ping\"}",
                "{\"type\":\"ping\",\"x\":{\"y\":[{\"z\":1,\"\\u007a\":2}]}}");
    }

    @Test
    void rejectsWhatAStrictReaderRefuses() {
        assertMalformed(
                "\uFEFF{\"type\":\"ping\"}",
                "{\"type\":\"ping\",\"n\":NaN}",
                "{\"type\":\"ping\",\"n\":-01}",
                "{\"type\":\"read\",\"room\":\"general\",\"seq\":1e99999999999}",
                "{\"type\":\"read\",\"room\":\"general\",\"seq\":" + "1".repeat(2000) + "}",
                "{\"type\":\"ping\",\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                "{\"type\":\"ping\",\"deep\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
                "{\"type\":\"ping\",\"s\":\"tab\there\"}");
    }

    @Test
    void aLoneSurrogateInAnyStringIsRejectedNotReplaced() {
        assertMalformed(
                "{\"type\":\"send\",\"room\":\"general\",\"body\":\"x \\ud800\"}",
                "{\"type\":\"join\",\"room\":\"gen\\udc00eral\"}",
                "{\"type\":\"ping\",\"ref\":\"\\udbff\"}",
                "{\"type\":\"ping\",\"\\ud800\":1}");
    }

    @Test
    void bodiesOfInvisibleCharactersOnlyAreEmpty() {
        try (WsClient a = fx.joined(fx.token("invisible"), "general")) {
            a.send(obj("type", "send", "room", "general", "body", "\u200b\u00a0\u2060", "ref", "e"));
            JsonObject error = a.await("error");
            assertThat(error.getString("code")).isEqualTo("message_empty");
            assertThat(error.getString("ref")).isEqualTo("e");
        }
    }
}
