package dev.parley.chat.bench.driver;

import java.util.Map;

/**
 * What one reconnect storm ({@link Driver#storm}) measured.
 *
 * @param clients the clients that were cut and reconnected
 * @param live how many were subscribed again when the storm ended (all of them unless it timed out)
 * @param allLiveNanos from the cut until the last client was subscribed again (until the timeout if not all were)
 * @param reconnectNanos sorted: for each client that made it, from the cut until it was subscribed again, its
 *     failed attempts and backoff waits included
 * @param attempts connection attempts (TCP connect to subscribed), first attempts included
 * @param failures failed attempts by kind (refused, reset, EOF, an error frame, a setup timeout...)
 * @param serverCpuNanos CPU time of the server process from the cut until the end (-1 if unknown)
 * @param driverCpuNanos CPU time of the driver's JVM over the same time
 */
public record StormStats(int clients, int live, long allLiveNanos, long[] reconnectNanos, int attempts,
        Map<String, Integer> failures, long serverCpuNanos, long driverCpuNanos) {

    /** Failed attempts, all kinds. */
    public int failed() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Attempts after a failure: every failed attempt is retried, so this is {@code attempts - clients}. */
    public int retries() {
        return attempts - clients;
    }

    /** The {@code q} quantile (0..1) of the per-client reconnect times, in milliseconds; NaN if none. */
    public double reconnectMillis(double q) {
        return LoadStats.quantileMillis(reconnectNanos, q);
    }
}
