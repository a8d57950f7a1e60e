package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the REST API's path decoder with raw request targets (bytes as the request line carries them, one char
 * per byte), starting from the corpus in {@code src/test/resources/dev/parley/chat/server/PathCodecFuzzTestInputs/}.
 * Invariants: the only exception is {@link IllegalArgumentException} (answered 400 {@code invalid_argument});
 * {@code null} (answered 404) only for a path not below the prefix; a decoded path is well-formed UTF-16; and it round-trips: its segments, percent-encoded again, decode to the same
 * segments. Hangs fail through Jazzer's per-input timeout.
 */
class PathCodecFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void decodesEveryPathOrRefusesItAsABadRequest(byte[] input) {
        String raw = "/api" + new String(input, StandardCharsets.ISO_8859_1);
        List<String> segments;
        try {
            segments = PathCodec.segments(raw, "/api");
        } catch (IllegalArgumentException e) {
            return;
        }
        if (segments == null) { // "/api" + "x": not below the prefix, answered 404
            assertThat(raw).doesNotStartWith("/api/").isNotEqualTo("/api");
            return;
        }
        for (String segment : segments) {
            assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(segment)).as(segment).isTrue();
        }
        assertThat(PathCodec.segments(encode(segments), "/api")).isEqualTo(segments);
    }

    /** Percent-encodes every byte but unreserved ones; a trailing empty segment needs the slash the codec drops. */
    private static String encode(List<String> segments) {
        StringBuilder path = new StringBuilder("/api");
        for (String segment : segments) {
            path.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                    path.append(c);
                } else {
                    path.append('%').append(String.format("%02X", (int) c));
                }
            }
        }
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            path.append('/');
        }
        return path.toString();
    }
}
