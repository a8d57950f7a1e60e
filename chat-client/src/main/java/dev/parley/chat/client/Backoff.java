package dev.parley.chat.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: a random wait between 0 and the capped exponential, so that many clients
 * that lost the server at the same moment do not come back at the same moment. Pure; the random source can be
 * given for tests.
 */
final class Backoff {
    /** Past this many doublings the exponential is over any cap (and a shift would overflow). */
    private static final int MAX_DOUBLINGS = 30;

    private final long firstMillis;
    private final long maxMillis;

    Backoff(Duration first, Duration max) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = max.toMillis();
    }

    /** The wait before attempt number {@code attempt} (0 for the first retry), in milliseconds. */
    long delayMillis(int attempt) {
        return delayMillis(attempt, ThreadLocalRandom.current());
    }

    long delayMillis(int attempt, RandomGenerator random) {
        return random.nextLong(ceilingMillis(attempt) + 1);
    }

    /** The largest wait for that attempt: the first wait doubled {@code attempt} times, capped; at least 1. */
    long ceilingMillis(int attempt) {
        long ceiling = attempt >= MAX_DOUBLINGS ? maxMillis : Math.min(maxMillis, firstMillis << attempt);
        return Math.max(1, ceiling);
    }
}
