package dev.parley.chat.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the socket's frame handling up to the service: the strict reader, then every typed field access a frame
 * handler makes, starting from the corpus in {@code src/test/resources/.../InboundFuzzTestInputs/}.
 * Invariants: a frame either parses or fails with a {@link WireError} of a documented code (never another
 * exception, which would leave the client without an answer), every field read does the same, and an accepted
 * {@code ref} is at most 128 characters. Hangs fail through Jazzer's per-input timeout.
 */
class InboundFuzzTest {
    private static final Set<String> PARSE_CODES = Set.of(WireError.MALFORMED_JSON, WireError.INVALID_FIELD);
    private static final Set<String> FIELD_CODES = Set.of(WireError.MISSING_FIELD, WireError.INVALID_FIELD);
    /** Every field a client frame has (docs/protocol.md), and one it never has. */
    private static final List<String> FIELDS = List.of("type", "ref", "token", "room", "body", "clientMsgId", "seq",
            "id", "afterSeq", "afterChange", "nonesuch");

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "/dev/parley/chat/transport/websocket/frames.dict")
    void answersEveryFrameWithAFrameOrADocumentedError(byte[] frame) {
        // as the container hands a text frame over: decoded from UTF-8
        String text = new String(frame, StandardCharsets.UTF_8);
        Inbound in;
        try {
            in = Inbound.parse(text);
        } catch (WireError e) {
            assertThat(e.code()).isIn(PARSE_CODES);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(in.ref() == null || in.ref().length() <= Inbound.MAX_REF_LENGTH).isTrue();
        in.type();
        for (String field : FIELDS) {
            readAs(() -> in.string(field));
            readAs(() -> in.optionalString(field));
            readAs(() -> in.integer(field, 0));
            readAs(() -> in.optionalInteger(field, 0));
        }
    }

    private static void readAs(Runnable read) {
        try {
            read.run();
        } catch (WireError e) {
            assertThat(e.code()).isIn(FIELD_CODES);
        }
    }
}
