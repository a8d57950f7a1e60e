package dev.parley.chat.core.spi;

import dev.parley.chat.core.Message;
import java.util.Objects;

/**
 * What {@link MessageStore#react} did.
 *
 * @param message the message as it is now, its reactions included
 * @param changed whether this call added or removed a reaction; if so, the message's change is the new change
 *     number the reaction took
 */
public record ReactionResult(Message message, boolean changed) {
    /** Validates the component. */
    public ReactionResult {
        Objects.requireNonNull(message, "message == null");
    }
}
