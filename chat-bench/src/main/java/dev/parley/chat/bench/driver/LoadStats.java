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
 * @param problem why the phase is not valid (stalled, connections lost...), or {@code null}
 */
public record LoadStats(int subscribers, long deliveries, long messages, long windowNanos, long driverCpuNanos,
        long serverCpuNanos, long reads, long selects, long coalesceNanos, long[] latencies, String problem) {

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
        if (latencies.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * latencies.length);
        return latencies[Math.max(0, Math.min(latencies.length, rank) - 1)] / 1e6;
    }
}
