package dev.parley.chat.bench.driver;

/**
 * What one load phase measured over its window (after warm-up).
 *
 * @param subscribers connections subscribed to the room
 * @param deliveries broadcast messages received over the window, summed over connections
 * @param messages messages sent over the window
 * @param windowNanos the window's length
 * @param driverCpuNanos CPU time of the driver's whole JVM over the window
 * @param serverCpuNanos CPU time of the server process over the window (-1 if unknown)
 * @param reads socket reads the driver made over the window
 * @param selects selector wake-ups over the window
 * @param coalesceNanos the driver's read-coalescing wait at the end of the window (closed loop), 0 if none
 * @param latencies for open-loop phases, the sorted send-to-receive latencies (ns) of every delivery of the messages
 *     sent in the window; else empty
 * @param groupDeliveries the deliveries over the window by connection group (server of a cluster), index = group
 * @param groupLatencies {@code latencies} by connection group, each sorted
 * @param hops for open-loop phases over two groups, sorted: for every message sent in the window, the time from its
 *     first delivery to a connection of group 0 to its first delivery to one of group 1 (the hop between two nodes,
 *     without the time both share, e.g. the commit); else empty
 * @param problem why the phase is not valid (stalled, connections lost...), or {@code null}
 */
public record LoadStats(int subscribers, long deliveries, long messages, long windowNanos, long driverCpuNanos,
        long serverCpuNanos, long reads, long selects, long coalesceNanos, long[] latencies, long[] groupDeliveries,
        long[][] groupLatencies, long[] hops, String problem) {

    /** Deliveries per second over the window. */
    public double deliveriesPerSecond() {
        return deliveries * 1e9 / windowNanos;
    }

    /** Driver CPU, percent of one core. */
    public double driverCpuPercent() {
        return 100.0 * driverCpuNanos / windowNanos;
    }

    /** Deliveries per socket read: how well the driver batches. */
    public double deliveriesPerRead() {
        return reads == 0 ? 0 : (double) deliveries / reads;
    }

    /** Server CPU, percent of one core (NaN if unknown). */
    public double serverCpuPercent() {
        return serverCpuNanos < 0 ? Double.NaN : 100.0 * serverCpuNanos / windowNanos;
    }

    /** The {@code q}-quantile (0 &lt; q ≤ 1) of the latencies in milliseconds, nearest-rank; NaN if none. */
    public double latencyMillis(double q) {
        return quantileMillis(latencies, q);
    }

    /** As {@link #latencyMillis(double)} for the connections of one group; NaN if none. */
    public double latencyMillis(int group, double q) {
        return group < groupLatencies.length ? quantileMillis(groupLatencies[group], q) : Double.NaN;
    }

    /** The {@code q}-quantile of the {@code hops} in milliseconds (negative: group 1 got it first); NaN if none. */
    public double hopMillis(double q) {
        return quantileMillis(hops, q);
    }

    /** Deliveries per second over the window to the connections of one group. */
    public double deliveriesPerSecond(int group) {
        return group < groupDeliveries.length ? groupDeliveries[group] * 1e9 / windowNanos : 0;
    }

    /** The {@code q}-quantile of sorted nanoseconds, in milliseconds, nearest-rank; NaN if none. */
    static double quantileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
    }
}
