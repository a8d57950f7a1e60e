package dev.parley.chat.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Strict percent-decoding of raw request paths: malformed escapes and malformed UTF-8 (overlong forms) are errors. */
final class PathCodec {
    /**
     * The characters a path segment may hold unescaped: RFC 3986 {@code pchar} without {@code ;}, which Grizzly reads
     * as the start of path parameters when it maps a request, so that its mapping and our handlers would disagree.
     */
    private static final AsciiSet SEGMENT_CHARS = new AsciiSet("-._~!$&'()*+,=:@%" + AsciiSet.ALPHANUMERIC);

    /** RFC 3986 {@code query} characters, and {@code %} for escapes. */
    private static final AsciiSet QUERY_CHARS = new AsciiSet("-._~!$&'()*+,;=:@/?%" + AsciiSet.ALPHANUMERIC);

    private PathCodec() {
    }

    /**
     * Whether a raw query string (after the {@code ?}) is one Grizzly parses without dropping or logging anything: only
     * RFC 3986 query characters, escapes that decode to UTF-8, and no field ({@code &}-separated) without a name
     * except an empty last one ({@code a=1&}). Grizzly would silently drop a parameter it cannot decode, and log it
     * with its raw value at INFO on every request; a field without a name it logs as an invalid chunk.
     *
     * @param raw the query string, or {@code null} for none
     */
    static boolean isPlainQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return true;
        }
        if (!QUERY_CHARS.containsAll(raw)) {
            return false;
        }
        String[] fields = raw.split("&", -1);
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            if (field.isEmpty() && i == fields.length - 1 && i > 0) {
                continue;
            }
            if (field.isEmpty() || field.charAt(0) == '=') {
                return false;
            }
            try {
                decode(field);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a raw request path is a plain one, the only kind the server answers: it starts with {@code /}, holds
     * only RFC 3986 path characters (no {@code ;}), its escapes decode to UTF-8, and no segment decodes to something
     * that contains {@code /}, {@code \}, {@code ;} or a control character, or that is made only of dots
     * ({@code .}, {@code ..}, {@code ...}, also escaped). Empty segments ({@code //}) are plain.
     *
     * @param raw the path as received, without the query string
     */
    static boolean isPlainPath(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            return false;
        }
        for (String segment : raw.substring(1).split("/", -1)) {
            if (!isPlainSegment(segment)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlainSegment(String raw) {
        if (!SEGMENT_CHARS.containsAll(raw)) {
            return false;
        }
        String decoded;
        try {
            decoded = decode(raw);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean onlyDots = !decoded.isEmpty();
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c == '/' || c == '\\' || c == ';' || Character.isISOControl(c)) {
                return false;
            }
            onlyDots &= c == '.';
        }
        return !onlyDots;
    }

    /**
     * Decodes one path segment or path. {@code +} stays {@code +}.
     *
     * @throws IllegalArgumentException if an escape is malformed or the bytes are not valid UTF-8 (this rejects
     *     overlong encodings such as {@code %c0%ae})
     */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed UTF-8", e);
        }
    }

    /**
     * Splits the raw path below {@code prefix} into decoded segments: {@code /api/rooms/a%3Ab/join} with prefix
     * {@code /api} gives {@code [rooms, a:b, join]}. A trailing slash is ignored.
     *
     * @return the segments, or {@code null} if the path is not below the prefix
     * @throws IllegalArgumentException if a segment cannot be decoded
     */
    static List<String> segments(String rawPath, String prefix) {
        if (!rawPath.equals(prefix) && !rawPath.startsWith(prefix + "/")) {
            return null;
        }
        String rest = rawPath.substring(prefix.length());
        List<String> segments = new ArrayList<>();
        for (String part : rest.split("/", -1)) {
            segments.add(decode(part));
        }
        // "/api/rooms" splits as ["", "rooms"]; "/api/rooms/" as ["", "rooms", ""]
        if (!segments.isEmpty() && segments.get(0).isEmpty()) {
            segments.remove(0);
        }
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1);
        }
        return segments;
    }
}
