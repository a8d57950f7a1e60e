package dev.parley.chat.bench.store;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of latency series, and number formatting for notes. */
final class Stats {
    private Stats() {
    }

    /**
     * The {@code q} quantile (0 &lt; q &le; 1) by the nearest-rank method: the smallest value with at least
     * {@code q * n} values at or below it. NaN for an empty series.
     */
    static double percentile(long[] values, int count, double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted[rank(count, q)];
    }

    /** As {@link #percentile(long[], int, double)} on an already sorted series. */
    static double percentileSorted(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[rank(sorted.length, q)];
    }

    private static int rank(int n, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in (0, 1]: " + q);
        }
        return Math.max(0, (int) Math.ceil(q * n) - 1);
    }

    static double nanosToMillis(double nanos) {
        return nanos / 1e6;
    }

    /** A number for a note: three significant decimals for small values, none for large ones. */
    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
