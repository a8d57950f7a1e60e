package dev.parley.chat.json;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import org.eclipse.parsson.JsonProviderImpl;

/**
 * One read of one text: Parsson's streaming parser supplies the tokens (and refuses what RFC 8259's grammar does),
 * this class builds the values and adds the rules {@link StrictJson} lists. Values are built on an explicit stack,
 * not by recursion, and the stack never grows past {@link StrictJson#MAX_DEPTH}. Not thread-safe: one instance per
 * read.
 */
final class StrictReader {
    /** Stateless and thread-safe; Parsson's by name (see {@link StrictJson}). */
    private static final JsonProvider PARSSON = new JsonProviderImpl();

    private static final String OUT_OF_RANGE = "a number is out of range (beyond 1E+" + StrictJson.MAX_EXPONENT
            + " or 1E-" + StrictJson.MAX_EXPONENT + ")";

    private final String text;
    /** Reports (rather than replaces) an unpaired surrogate: {@link CharsetEncoder#canEncode} is false for one. */
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
    private JsonParser parser;

    StrictReader(String text) {
        this.text = text;
    }

    JsonObject readObject() {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            throw new MalformedJsonException("the JSON text must not start with a byte order mark");
        }
        if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            throw new MalformedJsonException("the JSON text is empty");
        }
        try (JsonParser p = PARSSON.createParser(new StringReader(text))) {
            parser = p;
            if (p.next() != JsonParser.Event.START_OBJECT) {
                throw fail("the JSON text must be an object");
            }
            JsonObject object = readRest();
            requireEnd();
            return object;
        } catch (JsonParsingException e) {
            throw new MalformedJsonException("not valid JSON" + at(e.getLocation()));
        } catch (JsonException | NoSuchElementException e) {
            throw new MalformedJsonException("not valid JSON: it ends early or cannot be read");
        }
    }

    /** Reads everything after the top-level object's opening brace, up to and including its closing brace. */
    private JsonObject readRest() {
        Deque<Container> open = new ArrayDeque<>();
        open.push(new Container(true));
        for (;;) {
            JsonParser.Event event = parser.next();
            switch (event) {
                case START_OBJECT:
                case START_ARRAY:
                    if (open.size() >= StrictJson.MAX_DEPTH) {
                        throw fail("arrays and objects are nested deeper than " + StrictJson.MAX_DEPTH);
                    }
                    open.push(new Container(event == JsonParser.Event.START_OBJECT));
                    break;
                case KEY_NAME:
                    if (!open.peek().name(string())) {
                        throw fail("a member name occurs twice in one object");
                    }
                    break;
                case VALUE_STRING:
                    open.peek().add(PARSSON.createValue(string()));
                    break;
                case VALUE_NUMBER:
                    open.peek().add(PARSSON.createValue(number()));
                    break;
                case VALUE_TRUE:
                    open.peek().add(JsonValue.TRUE);
                    break;
                case VALUE_FALSE:
                    open.peek().add(JsonValue.FALSE);
                    break;
                case VALUE_NULL:
                    open.peek().add(JsonValue.NULL);
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    JsonValue done = open.pop().build();
                    if (open.isEmpty()) {
                        return done.asJsonObject();
                    }
                    open.peek().add(done);
                    break;
                default:
                    throw new IllegalStateException("unexpected parser event " + event);
            }
        }
    }

    /** Only white space may follow the value. */
    private void requireEnd() {
        boolean more;
        try {
            more = parser.hasNext(); // Parsson throws here on a token after the value
        } catch (JsonParsingException e) {
            throw new MalformedJsonException("content follows the JSON value" + at(e.getLocation()));
        }
        if (more) {
            throw fail("content follows the JSON value");
        }
    }

    /** The current string or member name, if it has a UTF-8 form. */
    private String string() {
        String s = parser.getString();
        if (!utf8.canEncode(s)) {
            throw fail("a string holds an unpaired surrogate (half of a UTF-16 pair)");
        }
        return s;
    }

    /**
     * The current number, within the bounds: its text is short enough to parse cheaply, and its value has few enough
     * digits and a small enough magnitude. The bounds are on the value, not its spelling, so that what is accepted
     * is accepted again in the form JSON-P writes it ({@code 121e9999} is written {@code 1.21E+10001}).
     */
    private BigDecimal number() {
        String token = parser.getString(); // the number as written; the grammar has been checked
        if (token.length() > StrictJson.MAX_NUMBER_LENGTH) {
            throw fail("a number is longer than " + StrictJson.MAX_NUMBER_LENGTH + " characters");
        }
        BigDecimal n;
        try {
            n = new BigDecimal(token);
        } catch (NumberFormatException e) { // an exponent beyond an int
            throw fail(OUT_OF_RANGE);
        }
        if (n.precision() > StrictJson.MAX_SIGNIFICANT_DIGITS) {
            throw fail("a number has more than " + StrictJson.MAX_SIGNIFICANT_DIGITS + " significant digits");
        }
        long exponent = (long) n.precision() - n.scale() - 1; // as in scientific notation: 1.21E+10001
        if (Math.abs(exponent) > StrictJson.MAX_EXPONENT) {
            throw fail(OUT_OF_RANGE);
        }
        return n;
    }

    private MalformedJsonException fail(String what) {
        return new MalformedJsonException(what + at(parser.getLocation()));
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNumber() < 0) {
            return "";
        }
        return " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
    }

    /** An array or object being read: its builder and, for an object, the names seen and the pending one. */
    private static final class Container {
        private final JsonObjectBuilder object;
        private final JsonArrayBuilder array;
        private final Set<String> names;
        private String name;

        Container(boolean isObject) {
            object = isObject ? PARSSON.createObjectBuilder() : null;
            array = isObject ? null : PARSSON.createArrayBuilder();
            names = isObject ? new HashSet<>() : null;
        }

        /** Sets the name of the next member; {@code false} if the object already has one of that name. */
        boolean name(String memberName) {
            name = memberName;
            return names.add(memberName);
        }

        void add(JsonValue value) {
            if (object != null) {
                object.add(name, value);
            } else {
                array.add(value);
            }
        }

        JsonValue build() {
            return object != null ? object.build() : array.build();
        }
    }
}
