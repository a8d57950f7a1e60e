package dev.parley.chat.transport.websocket;

import dev.parley.chat.json.MalformedJsonException;
import dev.parley.chat.json.StrictJson;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * One parsed client frame with typed, validated field access. The frame is read by {@link StrictJson}, the reader the
 * REST API uses too, into JSON-P values (not data binding) so that each problem maps to exactly one error code:
 * {@code malformed_json}, {@code missing_field} or {@code invalid_field}.
 */
final class Inbound {
    static final int MAX_REF_LENGTH = 128;

    private final JsonObject json;
    private final String type;
    private final String ref;

    private Inbound(JsonObject json, String type, String ref) {
        this.json = json;
        this.type = type;
        this.ref = ref;
    }

    /**
     * Parses a frame. The {@code ref} is read first so that every later error can echo it.
     *
     * @throws WireError {@code malformed_json} (anything {@link StrictJson} refuses: not JSON, not one object,
     *     trailing content, a duplicate member name, an unpaired surrogate...), {@code invalid_field} for a bad
     *     {@code ref}
     */
    static Inbound parse(String text) {
        JsonObject obj;
        try {
            obj = StrictJson.readObject(text);
        } catch (MalformedJsonException e) {
            throw new WireError(WireError.MALFORMED_JSON, e.getMessage());
        }
        String ref = null;
        JsonValue r = obj.get("ref");
        boolean badRef = false;
        if (r != null && r.getValueType() != JsonValue.ValueType.NULL) {
            if (r instanceof JsonString && ((JsonString) r).getString().length() <= MAX_REF_LENGTH) {
                ref = ((JsonString) r).getString();
            } else {
                badRef = true;
            }
        }
        JsonValue t = obj.get("type");
        String type = t instanceof JsonString ? ((JsonString) t).getString() : null;
        Inbound in = new Inbound(obj, type, ref);
        if (badRef) {
            throw new WireError(WireError.INVALID_FIELD,
                    "ref must be a string of at most " + MAX_REF_LENGTH + " characters");
        }
        return in;
    }

    /** The frame's type, or {@code null} if missing or not a string. */
    String type() {
        return type;
    }

    /** The client's correlation id, or {@code null}. */
    String ref() {
        return ref;
    }

    /** A required string field. */
    String string(String name) {
        JsonValue v = json.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            throw new WireError(WireError.MISSING_FIELD, "missing field: " + name);
        }
        if (!(v instanceof JsonString)) {
            throw new WireError(WireError.INVALID_FIELD, name + " must be a string");
        }
        return ((JsonString) v).getString();
    }

    /** An optional string field: {@code null} if absent or JSON {@code null}. */
    String optionalString(String name) {
        JsonValue v = json.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonString)) {
            throw new WireError(WireError.INVALID_FIELD, name + " must be a string");
        }
        return ((JsonString) v).getString();
    }

    /** A required integer field, at least {@code min}. */
    long integer(String name, long min) {
        Long value = optionalInteger(name, min);
        if (value == null) {
            throw new WireError(WireError.MISSING_FIELD, "missing field: " + name);
        }
        return value;
    }

    /** An optional integer field, at least {@code min} if present: {@code null} if absent or JSON {@code null}. */
    Long optionalInteger(String name, long min) {
        JsonValue v = json.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber) || !((JsonNumber) v).isIntegral()) {
            throw new WireError(WireError.INVALID_FIELD, name + " must be an integer");
        }
        long value;
        try {
            value = ((JsonNumber) v).longValueExact();
        } catch (ArithmeticException e) {
            throw new WireError(WireError.INVALID_FIELD, name + " is out of range");
        }
        if (value < min) {
            throw new WireError(WireError.INVALID_FIELD, name + " must be at least " + min);
        }
        return value;
    }

    /**
     * Whether a text is at most {@code max} bytes in UTF-8, without allocating. Unpaired surrogates count as the
     * three bytes of the replacement character, as an encoder would write them.
     */
    static boolean fits(String text, int max) {
        int n = text.length();
        if ((long) n * 3 <= max) {
            return true;
        }
        if (n > max) {
            return false;
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > max) {
                return false;
            }
        }
        return true;
    }
}
