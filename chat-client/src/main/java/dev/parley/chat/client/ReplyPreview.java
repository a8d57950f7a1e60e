package dev.parley.chat.client;

import java.util.Objects;

/**
 * What a reply shows of the message it answers, as the server read it when it sent the reply (docs/protocol.md,
 * ReplyPreview). Immutable and thread-safe.
 *
 * @param id the original message's id
 * @param seq its position in the room
 * @param sender its sender's username
 * @param excerpt its first line, at most 100 code points; empty once it is deleted
 * @param deleted whether it has been deleted
 */
public record ReplyPreview(long id, long seq, String sender, String excerpt, boolean deleted) {
    /**
     * Checks the members.
     *
     * @throws NullPointerException if {@code sender} or {@code excerpt} is null
     */
    public ReplyPreview {
        Objects.requireNonNull(sender, "sender == null");
        Objects.requireNonNull(excerpt, "excerpt == null");
    }
}
