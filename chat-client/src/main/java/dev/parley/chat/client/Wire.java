package dev.parley.chat.client;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** The protocol's JSON shapes (docs/protocol.md, docs/openapi.yaml) read into the client's records. Stateless. */
final class Wire {
    /** What the server accepts as a client message id. */
    static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Wire() {
    }

    /** One JSON object; a {@link ParleyClientException} {@code connection_failed} if it is not one. */
    static JsonObject parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new ParleyClientException(ParleyClientException.CONNECTION_FAILED, 0,
                    "the server sent something that is not a JSON object", e);
        }
    }

    static long number(JsonObject o, String name) {
        return o.getJsonNumber(name).longValueExact();
    }

    static String stringOrNull(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v instanceof JsonString s ? s.getString() : null;
    }

    static Instant instantOrNull(JsonObject o, String name) {
        String s = stringOrNull(o, name);
        return s == null ? null : Instant.parse(s);
    }

    static User user(JsonObject o) {
        return new User(number(o, "id"), o.getString("username"));
    }

    static Message message(JsonObject o) {
        JsonObject r = o.get("replyTo") instanceof JsonObject p ? p : null;
        ReplyPreview replyTo = r == null ? null : new ReplyPreview(number(r, "id"), number(r, "seq"),
                r.getString("sender"), r.getString("excerpt"), r.getBoolean("deleted", false));
        List<Reaction> reactions = o.containsKey("reactions")
                ? o.getJsonArray("reactions").getValuesAs(JsonObject.class).stream()
                        .map(x -> new Reaction(x.getString("emoji"), strings(x, "users"))).toList()
                : List.of();
        return new Message(number(o, "id"), o.getString("room"), number(o, "seq"), number(o, "change"),
                o.getString("sender"), o.getString("body"), Instant.parse(o.getString("createdAt")),
                stringOrNull(o, "clientMsgId"), instantOrNull(o, "editedAt"), o.getBoolean("deleted", false),
                replyTo, reactions, strings(o, "mentions"));
    }

    /** An array of strings; empty when absent. */
    static List<String> strings(JsonObject o, String name) {
        return o.containsKey(name)
                ? o.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList()
                : List.of();
    }

    static Room room(JsonObject o) {
        return new Room(o.getString("name"), o.getString("type"), Instant.parse(o.getString("createdAt")));
    }

    static RoomSummary roomSummary(JsonObject o) {
        return new RoomSummary(o.getString("name"), o.getString("type"), Instant.parse(o.getString("createdAt")),
                o.getBoolean("member", false), number(o, "lastSeq"), number(o, "lastReadSeq"), number(o, "unread"),
                o.containsKey("unreadMentions") ? number(o, "unreadMentions") : 0);
    }

    static Session session(JsonObject o) {
        return new Session(o.getString("token"), Instant.parse(o.getString("expiresAt")),
                user(o.getJsonObject("user")));
    }

    static Subscribed subscribed(JsonObject o) {
        List<String> online = strings(o, "online");
        return new Subscribed(o.getString("room"), number(o, "lastSeq"), number(o, "lastChange"), online);
    }

    static HistoryPage historyPage(JsonObject o) {
        return new HistoryPage(o.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(Wire::message).toList(), o.getBoolean("hasMore", false));
    }

    static SearchPage searchPage(JsonObject o) {
        List<SearchPage.Result> results = o.getJsonArray("results").getValuesAs(JsonObject.class).stream()
                .map(r -> new SearchPage.Result(message(r.getJsonObject("message")),
                        r.getJsonArray("highlights").getValuesAs(JsonObject.class).stream()
                                .map(h -> new SearchPage.Highlight(h.getInt("start"), h.getInt("end"))).toList()))
                .toList();
        return new SearchPage(results, o.containsKey("nextBefore") ? number(o, "nextBefore") : null);
    }
}
