package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitByGroupTest {
    @Test
    void splitsTheRecordedLatenciesByTheGroupOfTheirConnectionAndSortsEachPart() {
        long[] values = {50, 10, 40, 20, 30, 99};
        byte[] groups = {1, 0, 1, 0, 1, 0};
        long[][] parts = Driver.splitByGroup(values, groups, 5, 2);
        assertThat(parts[0]).containsExactly(10, 20);
        assertThat(parts[1]).containsExactly(30, 40, 50);
    }

    @Test
    void quantilesOfOneGroupAreNearestRankAndNaNWhenTheGroupIsEmpty() {
        long[][] byGroup = {{1_000_000, 2_000_000, 3_000_000, 4_000_000}, {}};
        LoadStats st = new LoadStats(2, 6, 3, 2_000_000_000L, 0, 0, 0, 0, 0, new long[0], new long[] {4, 2},
                byGroup, new long[] {-1_000_000, 5_000_000, 7_000_000}, null);
        assertThat(st.latencyMillis(0, 0.5)).isEqualTo(2.0);
        assertThat(st.latencyMillis(0, 0.99)).isEqualTo(4.0);
        assertThat(st.latencyMillis(1, 0.5)).isNaN();
        assertThat(st.latencyMillis(2, 0.5)).isNaN();
        assertThat(st.deliveriesPerSecond(0)).isEqualTo(2.0);
        assertThat(st.deliveriesPerSecond(1)).isEqualTo(1.0);
        assertThat(st.hopMillis(0.5)).isEqualTo(5.0);
        assertThat(st.hopMillis(0.01)).isEqualTo(-1.0);
    }
}
