package dev.parley.chat.json;

import jakarta.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The strict JSON reader behind every Parley wire format: WebSocket client frames and REST request bodies are read
 * here and nowhere else, so that both accept exactly the same texts. It accepts an input only if every reader that
 * follows RFC 8259 would read it the same way, so that a proxy, WAF or log pipeline in front of Parley never sees a
 * different request than Parley does. Beyond the RFC 8259 grammar (which excludes {@code NaN}, {@code Infinity},
 * leading zeros, comments, single quotes, trailing commas and raw control characters in strings), it refuses:
 *
 * <ul>
 *   <li>anything but white space after the value ({@code {"a":1}garbage}, {@code {}{}});
 *   <li>a member name that occurs twice in one object, at any depth, compared after unescaping (RFC 8259 §4 leaves
 *       the meaning of duplicates to each reader: first wins, last wins or error);
 *   <li>a string, member names included, holding an unpaired surrogate, escaped ({@code "\ud800"}) or raw: such a
 *       string has no UTF-8 form, and readers variously keep, replace or drop it (RFC 8259 §8.2);
 *   <li>input bytes that are not UTF-8 (RFC 8259 §8.1): no UTF-16 or UTF-32 detection, no replacement of malformed
 *       sequences, and no leading byte order mark, which the RFC lets readers either skip or refuse;
 *   <li>arrays and objects nested deeper than {@link #MAX_DEPTH};
 *   <li>a number written with more than {@link #MAX_NUMBER_LENGTH} characters, with more than
 *       {@link #MAX_SIGNIFICANT_DIGITS} significant digits, or whose exponent in scientific notation lies beyond
 *       &plusmn;{@link #MAX_EXPONENT} (RFC 8259 §9 lets a reader limit range and precision; these bounds keep every
 *       number exactly representable as a {@link java.math.BigDecimal} at a small, fixed cost, and they bound the
 *       value, not its spelling, so an accepted number is accepted again however it is re-written).
 * </ul>
 *
 * <p>Whatever the input, the only exception is {@link MalformedJsonException}; its message says what is wrong and
 * where, without quoting the input. Stateless and thread-safe. The tokenizer is Parsson's, chosen by name rather
 * than through the JSON-P service loader, because the lexical half of these guarantees is its behaviour and is tested
 * as such; the values returned are ordinary immutable JSON-P values.
 */
public final class StrictJson {
    /** The deepest nesting of arrays and objects accepted; the top-level object is depth 1. */
    public static final int MAX_DEPTH = 32;
    /** The longest number accepted, in characters (sign, digits, point and exponent included). */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /** The most significant digits a number may have: those from its first non-zero digit to its last digit. */
    public static final int MAX_SIGNIFICANT_DIGITS = 64;
    /** The largest exponent, positive or negative, of a number in scientific notation ({@code 1.5E+9999}). */
    public static final int MAX_EXPONENT = 9999;

    private StrictJson() {
    }

    /**
     * Reads a text that must be exactly one JSON object, with optional white space around it.
     *
     * @param text the JSON text (for example a WebSocket text frame, already decoded by the container)
     * @return the object, immutable
     * @throws MalformedJsonException if the text is not such an object under the rules above
     */
    public static JsonObject readObject(String text) {
        return new StrictReader(text).readObject();
    }

    /**
     * Reads UTF-8 bytes that must be exactly one JSON object, with optional white space around it.
     *
     * @param utf8 the bytes (for example an HTTP request body)
     * @return the object, immutable
     * @throws MalformedJsonException if the bytes are not UTF-8, start with a byte order mark, or are not such an
     *     object under the rules above
     */
    public static JsonObject readObject(byte[] utf8) {
        return readObject(decode(utf8));
    }

    private static String decode(byte[] utf8) {
        // REPORT, not the default REPLACE of new String(bytes, UTF_8): a malformed sequence (an encoded surrogate,
        // an overlong form, a stray continuation byte) must fail, not turn into U+FFFD.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("the JSON text is not valid UTF-8");
        }
    }
}
