package dev.parley.chat.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void percentilesUseTheNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 1..100, unsorted
        }
        assertThat(Stats.percentile(values, 100, 0.5)).isEqualTo(50);
        assertThat(Stats.percentile(values, 100, 0.99)).isEqualTo(99);
        assertThat(Stats.percentile(values, 100, 1.0)).isEqualTo(100);
        assertThat(Stats.percentile(new long[] {7}, 1, 0.99)).isEqualTo(7);
        assertThat(Stats.percentile(new long[0], 0, 0.5)).isNaN();
    }
}
