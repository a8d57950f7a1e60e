package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.ROOMS;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import org.jooq.DSLContext;

/**
 * Takes a room's next change number ({@code rooms.last_change}) for an edit, a deletion, a join or a departure;
 * appends take it in their own statement together with the sequence number (see {@link MessageStoreImpl}).
 *
 * <p>The increment is an {@code UPDATE ... RETURNING} in the caller's write transaction. On PostgreSQL it row-locks
 * the room until commit, so rooms' changes commit in change order and a reader that sees change {@code n} sees every
 * lower one; a rollback returns the number with the lock. On SQLite the single writer gives the same.
 *
 * <p>Callers first make their own change (update the message, insert or delete the membership) and take the number
 * only if that changed a row. A no-op therefore never takes, or even waits for, a number. And on PostgreSQL the lock
 * order cannot form a cycle: after the room's lock these callers only write rows no one else can hold (the message
 * row they already locked, a membership_changes row keyed by the new number), while an append takes the room's lock
 * first and then only inserts a new message.
 */
final class ChangeCounter {
    private ChangeCounter() {
    }

    /**
     * Increments the room's counter in the current transaction.
     *
     * @return the new change number
     * @throws ChatException with {@code ROOM_NOT_FOUND} if the room does not exist
     */
    static long next(DSLContext dsl, long roomId) {
        return dsl.update(ROOMS)
                .set(ROOMS.LAST_CHANGE, ROOMS.LAST_CHANGE.plus(1))
                .where(ROOMS.ID.eq(roomId))
                .returningResult(ROOMS.LAST_CHANGE)
                .fetchOptional()
                .orElseThrow(() -> ChatException.of(ErrorCode.ROOM_NOT_FOUND, "no such room"))
                .value1();
    }
}
