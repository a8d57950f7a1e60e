package dev.parley.chat.core.spi;

import dev.parley.chat.core.Message;
import java.util.Objects;

/**
 * What {@link MessageStore#append} did.
 *
 * @param message the stored message: the new one, or the original one for an idempotent retry
 * @param created {@code true} if this call stored the message, {@code false} if it was a retry of one already
 *     stored
 */
public record AppendResult(Message message, boolean created) {
    /** Validates the components. */
    public AppendResult {
        Objects.requireNonNull(message, "message == null");
    }
}
