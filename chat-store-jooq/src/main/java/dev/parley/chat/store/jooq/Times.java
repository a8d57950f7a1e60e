package dev.parley.chat.store.jooq;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import java.time.Instant;

/**
 * Instants as stored: BIGINT nanoseconds since the epoch. Exact for every {@link Instant} from 1677-09-21 to
 * 2262-04-11 on both databases (see the comment in the changelog for why not a native timestamp type).
 */
final class Times {
    private Times() {
    }

    static long toNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            throw ChatException.of(ErrorCode.INVALID_ARGUMENT, "timestamp outside the storable range 1677..2262");
        }
    }

    static Long toNanosOrNull(Instant instant) {
        return instant == null ? null : toNanos(instant);
    }

    static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    static Instant fromNanosOrNull(Long nanos) {
        return nanos == null ? null : fromNanos(nanos);
    }
}
