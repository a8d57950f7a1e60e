package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

    /** A random source that always gives {@code fraction} of the bound, and records the bound asked for. */
    private static final class Fixed implements RandomGenerator {
        private final double fraction;
        long lastBound = -1;

        Fixed(double fraction) {
            this.fraction = fraction;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("the backoff asks for a bounded value");
        }

        @Override
        public long nextLong(long bound) {
            lastBound = bound;
            return Math.min(bound - 1, (long) (bound * fraction));
        }
    }

    @Test
    void ceilingDoublesFromTheFirstWaitUpToTheCap() {
        assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(400);
        assertThat(backoff.ceilingMillis(3)).isEqualTo(800);
        assertThat(backoff.ceilingMillis(4)).isEqualTo(1000);
        assertThat(backoff.ceilingMillis(29)).isEqualTo(1000);
        assertThat(backoff.ceilingMillis(30)).isEqualTo(1000);
        assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).as("no shift overflow").isEqualTo(1000);
    }

    @Test
    void aZeroFirstWaitStillGrowsAndNeverAsksForAnEmptyRange() {
        Backoff zero = new Backoff(Duration.ZERO, Duration.ofMillis(50));
        assertThat(zero.ceilingMillis(0)).isEqualTo(1);
        assertThat(zero.ceilingMillis(3)).isEqualTo(8);
        assertThat(zero.ceilingMillis(10)).isEqualTo(50);
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).ceilingMillis(5)).isEqualTo(1);
    }

    @Test
    void fullJitterSpansZeroToTheCeilingInclusive() {
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = backoff.ceilingMillis(attempt);
            Fixed low = new Fixed(0);
            assertThat(backoff.delayMillis(attempt, low)).isZero();
            assertThat(low.lastBound).as("bound for attempt %d", attempt).isEqualTo(ceiling + 1);
            assertThat(backoff.delayMillis(attempt, new Fixed(1))).isEqualTo(ceiling);
            assertThat(backoff.delayMillis(attempt, new Fixed(0.5))).isEqualTo((ceiling + 1) / 2);
        }
    }

    @Test
    void randomDelaysStayInRangeAndAreSpreadOut() {
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt : new int[] {0, 2, 5, 31}) {
            long ceiling = backoff.ceilingMillis(attempt);
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long d = backoff.delayMillis(attempt, random);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(min).isBetween(0L, ceiling / 10);
            assertThat(max).isBetween(ceiling - ceiling / 10, ceiling);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayMillis(3)).isBetween(0L, 800L); // the default source
        }
    }
}
