package dev.parley.chat.core;

import java.util.Objects;

/**
 * What a reply shows of the message it answers: read from the original when the reply is read, never a snapshot
 * taken when the reply was sent, so an edit of the original shows in its replies and a deletion hides its text.
 * Immutable and thread-safe.
 *
 * @param id the original message's id
 * @param seq the original's sequence number in the room (replies are always in the original's room)
 * @param sender the original's sender
 * @param excerpt the original's first line, at most {@link #MAX_EXCERPT} code points; empty once it is deleted
 * @param deleted whether the original has been deleted
 */
public record ReplyPreview(long id, long seq, String sender, String excerpt, boolean deleted) {
    /** The longest excerpt, in code points. */
    public static final int MAX_EXCERPT = 100;

    /** Validates the components. */
    public ReplyPreview {
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(excerpt, "excerpt == null");
    }

    /**
     * The preview of a message as it is now.
     *
     * @param original the message replied to
     * @return its preview: the first line of its body cut to {@link #MAX_EXCERPT} code points (never splitting a
     *     surrogate pair), or an empty excerpt if it is deleted
     */
    public static ReplyPreview of(Message original) {
        Objects.requireNonNull(original, "original == null");
        return of(original.id(), original.seq(), original.sender(), original.body(), original.deleted());
    }

    /**
     * The preview of a message from its parts, as a store reads them.
     *
     * @param id the original's id
     * @param seq the original's sequence number
     * @param sender the original's sender
     * @param body the original's body as it is now
     * @param deleted whether the original is deleted
     * @return the preview, as {@link #of(Message)}
     */
    public static ReplyPreview of(long id, long seq, String sender, String body, boolean deleted) {
        Objects.requireNonNull(body, "body == null");
        return new ReplyPreview(id, seq, sender, deleted ? "" : excerpt(body), deleted);
    }

    private static String excerpt(String body) {
        int end = body.length();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                end = i;
                break;
            }
        }
        int cut = end;
        if (body.codePointCount(0, end) > MAX_EXCERPT) {
            cut = body.offsetByCodePoints(0, MAX_EXCERPT);
        }
        return body.substring(0, cut);
    }
}
