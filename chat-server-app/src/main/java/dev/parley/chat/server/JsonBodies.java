package dev.parley.chat.server;

import dev.parley.chat.core.ChangePage;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.HistoryPage;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Member;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.json.ChatJson;
import dev.parley.chat.json.MalformedJsonException;
import dev.parley.chat.json.StrictJson;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.Locale;

/** The REST API's JSON: parsing request bodies with precise errors, and the response shapes. */
final class JsonBodies {
    /** Looked up once: {@code JSON.createXxx} would search the service loader on every call. Stateless. */
    static final JsonProvider JSON = JsonProvider.provider();

    private JsonBodies() {
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /**
     * Parses a request body that must be one JSON object in UTF-8, with {@link StrictJson}: the reader the WebSocket
     * frames go through too.
     *
     * @throws HttpError {@code malformed_json} for anything {@link StrictJson} refuses
     */
    static JsonObject parseObject(byte[] body) {
        try {
            return StrictJson.readObject(body);
        } catch (MalformedJsonException e) {
            throw HttpError.malformed("The request body is not a valid JSON object: " + e.getMessage() + ".");
        }
    }

    static String requiredString(JsonObject body, String field) {
        String value = optionalString(body, field);
        if (value == null) {
            throw HttpError.missingField(field);
        }
        return value;
    }

    static String optionalString(JsonObject body, String field) {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw HttpError.invalidArgument("The member \"" + field + "\" must be a string.");
        }
        return ((JsonString) value).getString();
    }

    static boolean optionalBoolean(JsonObject body, String field, boolean defaultValue) {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return defaultValue;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        if (value == JsonValue.FALSE) {
            return false;
        }
        throw HttpError.invalidArgument("The member \"" + field + "\" must be true or false.");
    }

    /** An optional integer member: {@code defaultValue} if absent or {@code null}, else as {@link #requiredLong}. */
    static long optionalLong(JsonObject body, String field, long defaultValue) {
        JsonValue value = body.get(field);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? defaultValue
                : requiredLong(body, field);
    }

    static long requiredLong(JsonObject body, String field) {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw HttpError.missingField(field);
        }
        if (value.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) value).isIntegral()) {
            throw HttpError.invalidArgument("The member \"" + field + "\" must be an integer.");
        }
        try {
            return ((JsonNumber) value).longValueExact();
        } catch (ArithmeticException e) {
            throw HttpError.invalidArgument("The member \"" + field + "\" is out of range.");
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    static JsonObject login(LoginResult result) {
        return JSON.createObjectBuilder()
                .add("token", result.token())
                .add("expiresAt", result.expiresAt().toString())
                .add("user", ChatJson.user(result.user()))
                .build();
    }

    /** A message, the same object as in the WebSocket protocol ({@link ChatJson#message}). */
    static JsonObject messageEnvelope(Message m) {
        return JSON.createObjectBuilder().add("message", ChatJson.message(m)).build();
    }

    static JsonObject history(HistoryPage page) {
        JsonArrayBuilder messages = JSON.createArrayBuilder();
        for (Message m : page.messages()) {
            messages.add(ChatJson.message(m));
        }
        return JSON.createObjectBuilder().add("messages", messages).add("hasMore", page.hasMore()).build();
    }

    /** {@code {changes, lastChange, hasMore}}: the page's changes as the WebSocket's stream frames. */
    static JsonObject changes(ChangePage page) {
        JsonArrayBuilder changes = JSON.createArrayBuilder();
        for (ChatEvent.RoomChange c : page.changes()) {
            changes.add(ChatJson.change(c));
        }
        return JSON.createObjectBuilder()
                .add("changes", changes)
                .add("lastChange", page.lastChange())
                .add("hasMore", page.hasMore())
                .build();
    }

    static JsonObjectBuilder room(Room room) {
        return JSON.createObjectBuilder()
                .add("name", room.name())
                .add("type", room.type().name().toLowerCase(Locale.ROOT))
                .add("createdAt", room.createdAt().toString());
    }

    static JsonObjectBuilder summary(RoomSummary s) {
        return room(s.room())
                .add("member", s.member())
                .add("lastSeq", s.lastSeq())
                .add("lastReadSeq", s.lastReadSeq())
                .add("unread", s.unread())
                .add("unreadMentions", s.unreadMentions());
    }

    static JsonObject rooms(List<RoomSummary> summaries) {
        JsonArrayBuilder rooms = JSON.createArrayBuilder();
        for (RoomSummary s : summaries) {
            rooms.add(summary(s));
        }
        return JSON.createObjectBuilder().add("rooms", rooms).build();
    }

    static JsonObject members(List<Member> members) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (Member m : members) {
            array.add(JSON.createObjectBuilder(ChatJson.user(m.user())).add("joinedAt", m.joinedAt().toString())
                    .add("lastReadSeq", m.lastReadSeq()));
        }
        return JSON.createObjectBuilder().add("members", array).build();
    }
}
