package dev.parley.chat.store.jooq;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;

/**
 * A unique constraint rejected a write. The stores that expect one turn it into the right
 * {@link dev.parley.chat.core.ConflictException} (or handle it, as an idempotent append does); should one escape
 * elsewhere, it is already a {@code STORAGE_UNAVAILABLE} failure with nothing committed.
 */
final class DuplicateKeyException extends UnavailableException {
    DuplicateKeyException(Throwable cause) {
        super(ErrorCode.STORAGE_UNAVAILABLE, "unique constraint violated; nothing was stored", cause);
    }
}
