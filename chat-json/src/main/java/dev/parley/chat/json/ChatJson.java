package dev.parley.chat.json;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Reaction;
import dev.parley.chat.core.ReplyPreview;
import dev.parley.chat.core.SearchPage;
import dev.parley.chat.core.SearchResult;
import dev.parley.chat.core.User;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/**
 * The JSON of the shapes that Parley's WebSocket frames and REST responses share, written in one place so that a
 * message, a user or a room change reads the same wherever a client meets it (see {@code docs/protocol.md}).
 * Members appear in the documented order; absent optional members are omitted. Stateless and thread-safe.
 */
public final class ChatJson {
    /** Looked up once: {@code Json.createXxx} would search the service loader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ChatJson() {
    }

    /**
     * A user: {@code {id, username}}.
     *
     * @param user the user
     * @return the object
     */
    public static JsonObject user(User user) {
        return user(user.id(), user.username());
    }

    /**
     * A user: {@code {id, username}}.
     *
     * @param id the user's id
     * @param username the user's name
     * @return the object
     */
    public static JsonObject user(long id, String username) {
        return JSON.createObjectBuilder().add("id", id).add("username", username).build();
    }

    /**
     * A message: {@code {id, room, seq, change, sender, body, createdAt, clientMsgId?, editedAt?, deleted?,
     * replyTo?, reactions?, mentions?}}; {@code deleted} only when true, {@code replyTo} only for a reply,
     * {@code reactions} and {@code mentions} only when not empty. {@code change} is the room change that gave the
     * message this state (its posting, last edit, deletion or reaction). Instants are ISO-8601 in UTC.
     * {@code replyTo} is {@code {id, seq, sender, excerpt, deleted?}}; a reaction is {@code {emoji, count, users}}.
     *
     * @param m the message
     * @return the object
     */
    public static JsonObject message(Message m) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("id", m.id())
                .add("room", m.room())
                .add("seq", m.seq())
                .add("change", m.change())
                .add("sender", m.sender())
                .add("body", m.body())
                .add("createdAt", m.createdAt().toString());
        if (m.clientMsgId() != null) {
            b.add("clientMsgId", m.clientMsgId());
        }
        if (m.editedAt() != null) {
            b.add("editedAt", m.editedAt().toString());
        }
        if (m.deleted()) {
            b.add("deleted", true);
        }
        if (m.replyTo() != null) {
            b.add("replyTo", replyPreview(m.replyTo()));
        }
        if (!m.reactions().isEmpty()) {
            JsonArrayBuilder reactions = JSON.createArrayBuilder();
            for (Reaction r : m.reactions()) {
                reactions.add(JSON.createObjectBuilder()
                        .add("emoji", r.emoji())
                        .add("count", r.count())
                        .add("users", JSON.createArrayBuilder(r.users())));
            }
            b.add("reactions", reactions);
        }
        if (!m.mentions().isEmpty()) {
            b.add("mentions", JSON.createArrayBuilder(m.mentions()));
        }
        return b.build();
    }

    private static JsonObject replyPreview(ReplyPreview p) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("id", p.id())
                .add("seq", p.seq())
                .add("sender", p.sender())
                .add("excerpt", p.excerpt());
        if (p.deleted()) {
            b.add("deleted", true);
        }
        return b.build();
    }

    /**
     * A page of search results: {@code {results: [{message, highlights: [{start, end}]}], nextBefore?}}, results
     * newest first, each {@code message} as {@link #message}, each highlight a UTF-16 index range {@code [start,
     * end)} of {@code message.body} (JavaScript string indexes). {@code nextBefore} only when there may be more.
     *
     * @param page the page
     * @return the object
     */
    public static JsonObject searchPage(SearchPage page) {
        JsonArrayBuilder results = JSON.createArrayBuilder();
        for (SearchResult r : page.results()) {
            JsonArrayBuilder highlights = JSON.createArrayBuilder();
            for (SearchResult.Highlight h : r.highlights()) {
                highlights.add(JSON.createObjectBuilder().add("start", h.start()).add("end", h.end()));
            }
            results.add(JSON.createObjectBuilder().add("message", message(r.message())).add("highlights", highlights));
        }
        JsonObjectBuilder b = JSON.createObjectBuilder().add("results", results);
        if (page.nextBefore() != null) {
            b.add("nextBefore", page.nextBefore());
        }
        return b.build();
    }

    /**
     * A room change, exactly the WebSocket's stream frame for it: {@code {type: message | edited | deleted, room,
     * change, message}}, {@code {type: reaction, room, change, message, user?, emoji?, added?}} ({@code user},
     * {@code emoji} and {@code added} only when delivered live) or {@code {type: presence, room, user, state: join |
     * leave, change}}.
     *
     * @param change the change
     * @return the object
     */
    public static JsonObject change(ChatEvent.RoomChange change) {
        if (change instanceof ChatEvent.MessagePosted e) {
            return messageChange("message", e.message());
        } else if (change instanceof ChatEvent.MessageEdited e) {
            return messageChange("edited", e.message());
        } else if (change instanceof ChatEvent.MessageDeleted e) {
            return messageChange("deleted", e.message());
        } else if (change instanceof ChatEvent.MessageReacted e) {
            JsonObjectBuilder b = JSON.createObjectBuilder()
                    .add("type", "reaction")
                    .add("room", e.room())
                    .add("change", e.change())
                    .add("message", message(e.message()));
            if (e.user() != null) {
                b.add("user", user(e.user())).add("emoji", e.emoji()).add("added", e.added());
            }
            return b.build();
        } else if (change instanceof ChatEvent.MemberJoined e) {
            return memberChange(e.room(), e.user(), "join", e.change());
        } else if (change instanceof ChatEvent.MemberLeft e) {
            return memberChange(e.room(), e.user(), "leave", e.change());
        }
        throw new IllegalArgumentException("unknown change " + change.getClass().getName());
    }

    private static JsonObject messageChange(String type, Message m) {
        return JSON.createObjectBuilder()
                .add("type", type)
                .add("room", m.room())
                .add("change", m.change())
                .add("message", message(m))
                .build();
    }

    private static JsonObject memberChange(String room, User user, String state, long change) {
        return JSON.createObjectBuilder()
                .add("type", "presence")
                .add("room", room)
                .add("user", user(user))
                .add("state", state)
                .add("change", change)
                .build();
    }
}
