package dev.parley.chat.core.cluster;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.Notice;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The one wire shape of {@link ClusterFanout}'s bus payloads: {@code 1|kind|node|field|…} on one line, names
 * percent-encoded so that they hold neither {@code |} nor a line feed. Only ids, positions and names travel, never
 * message text: a PostgreSQL notification is visible to every database user.
 *
 * <ul>
 *   <li>{@code H|node|roomId|change}: a room reached a change (the event itself is read from the store).
 *   <li>{@code T|node|roomId|room|userId|username|createdAt}: someone is typing.
 *   <li>{@code L|node|tokenHash}, {@code A|node|userId|roomId}, {@code P|node|roomId|room|userId|username|0or1},
 *       {@code M|node|userId|roomId|messageId}: the {@link Notice notices}.
 *   <li>{@code Q|node|n}: a probe the node sends to itself to prove the bus still delivers.
 *   <li>{@code R|node}: the node was disconnected and may have lost payloads both ways: everyone re-checks.
 * </ul>
 *
 * A payload of another version or kind is ignored, so that a rolling upgrade can add kinds.
 */
final class Envelope {
    static final String VERSION = "1";

    /** A decoded payload. */
    sealed interface Decoded permits Hint, Event, NoticeOf, Probe, Rejoined {
        String node();
    }

    record Hint(String node, long roomId, long change) implements Decoded {
    }

    record Event(String node, ChatEvent event) implements Decoded {
    }

    record NoticeOf(String node, Notice notice) implements Decoded {
    }

    record Probe(String node, long n) implements Decoded {
    }

    record Rejoined(String node) implements Decoded {
    }

    private Envelope() {
    }

    static String hint(String node, long roomId, long change) {
        return join("H", node, Long.toString(roomId), Long.toString(change));
    }

    static String typing(String node, ChatEvent.Typing t) {
        return join("T", node, Long.toString(t.roomId()), enc(t.room()), Long.toString(t.user().id()),
                enc(t.user().username()), t.user().createdAt().toString());
    }

    static String notice(String node, Notice notice) {
        if (notice instanceof Notice.SessionEnded s) {
            return join("L", node, enc(s.tokenHash()));
        }
        if (notice instanceof Notice.RoomAdded a) {
            return join("A", node, Long.toString(a.userId()), Long.toString(a.roomId()));
        }
        if (notice instanceof Notice.Mentioned m) {
            return join("M", node, Long.toString(m.userId()), Long.toString(m.roomId()), Long.toString(m.messageId()));
        }
        Notice.PresenceChanged p = (Notice.PresenceChanged) notice;
        return join("P", node, Long.toString(p.roomId()), enc(p.room()), Long.toString(p.userId()),
                enc(p.username()), p.online() ? "1" : "0");
    }

    static String probe(String node, long n) {
        return join("Q", node, Long.toString(n));
    }

    static String rejoined(String node) {
        return join("R", node);
    }

    /**
     * Decodes a payload.
     *
     * @return the payload, or {@code null} if it is of another version or kind
     * @throws IllegalArgumentException if it is malformed
     */
    static Decoded decode(String payload) {
        String[] f = payload.split("\\|", -1);
        if (f.length < 3 || !VERSION.equals(f[0])) {
            return null;
        }
        String node = f[2];
        return switch (f[1]) {
            case "H" -> new Hint(node, num(f, 3, 5), num(f, 4, 5));
            case "T" -> new Event(node, new ChatEvent.Typing(num(f, 3, 8), dec(f[4]),
                    new User(num(f, 5, 8), dec(f[6]), Instant.parse(f[7]))));
            case "L" -> new NoticeOf(node, new Notice.SessionEnded(dec(field(f, 3, 4))));
            case "A" -> new NoticeOf(node, new Notice.RoomAdded(num(f, 3, 5), num(f, 4, 5)));
            case "P" -> new NoticeOf(node, new Notice.PresenceChanged(node, num(f, 3, 8), dec(f[4]), num(f, 5, 8),
                    dec(f[6]), "1".equals(field(f, 7, 8))));
            case "M" -> new NoticeOf(node, new Notice.Mentioned(num(f, 3, 6), num(f, 4, 6), num(f, 5, 6)));
            case "Q" -> new Probe(node, num(f, 3, 4));
            case "R" -> new Rejoined(node);
            default -> null;
        };
    }

    private static String join(String kind, String node, String... fields) {
        StringBuilder b = new StringBuilder(64).append(VERSION).append('|').append(kind).append('|').append(node);
        for (String f : fields) {
            b.append('|').append(f);
        }
        return b.toString();
    }

    private static String field(String[] f, int i, int length) {
        if (f.length != length) {
            throw new IllegalArgumentException("expected " + length + " fields, got " + f.length);
        }
        return f[i];
    }

    private static long num(String[] f, int i, int length) {
        return Long.parseLong(field(f, i, length));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
