package dev.parley.chat.server;

import java.time.Clock;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, rendered in the Prometheus text exposition format. Label values are bounded: HTTP status
 * codes, and error codes from a fixed set.
 */
final class Metrics {
    private static final int RATE_SECONDS = 60;

    private final Clock clock;
    private final long startMillis;
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final ConcurrentMap<Integer, LongAdder> requestsByStatus = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
    private final long[] bucketSecond = new long[RATE_SECONDS];
    private final long[] bucketCount = new long[RATE_SECONDS];

    Metrics(Clock clock) {
        this.clock = clock;
        this.startMillis = clock.millis();
    }

    void messageSent() {
        messagesSent.increment();
        long second = clock.millis() / 1000;
        int i = (int) (second % RATE_SECONDS);
        synchronized (bucketCount) {
            if (bucketSecond[i] != second) {
                bucketSecond[i] = second;
                bucketCount[i] = 0;
            }
            bucketCount[i]++;
        }
    }

    /** A fan-out publish threw (the change it carried was committed all the same). */
    void publishFailed() {
        publishFailures.increment();
    }

    void request(int status) {
        requestsByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void error(String code) {
        errorsByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    long messagesSent() {
        return messagesSent.sum();
    }

    /** Messages per second, averaged over the last minute (or over the uptime, if shorter). */
    double messagesPerSecond() {
        long nowMillis = clock.millis();
        long now = nowMillis / 1000;
        long total = 0;
        synchronized (bucketCount) {
            for (int i = 0; i < RATE_SECONDS; i++) {
                // the current, incomplete second is excluded
                if (bucketSecond[i] < now && bucketSecond[i] >= now - RATE_SECONDS) {
                    total += bucketCount[i];
                }
            }
        }
        long span = Math.max(1, Math.min(RATE_SECONDS, (nowMillis - startMillis) / 1000));
        return (double) total / span;
    }

    /**
     * Renders every metric.
     *
     * @param transport the WebSocket transport's metrics, already in the text format (connections among them)
     */
    String render(String transport) {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "parley_messages_sent_total", "Messages sent through this server (REST and WebSocket), idempotent retries included.",
                messagesSent());
        header(out, "parley_messages_sent_per_second", "gauge",
                "Messages sent per second, averaged over the last minute.");
        out.append("parley_messages_sent_per_second ").append(format(messagesPerSecond())).append('\n');
        counter(out, "parley_fanout_publish_failures_total", "Live events the fan-out failed to publish; the changes"
                + " were stored, and subscribers catch up from the store.", publishFailures.sum());
        header(out, "parley_http_requests_total", "counter", "HTTP requests answered, by status code.");
        new TreeMap<>(requestsByStatus).forEach((status, n) -> out.append("parley_http_requests_total{status=\"")
                .append(status).append("\"} ").append(n.sum()).append('\n'));
        header(out, "parley_http_errors_total", "counter", "HTTP error responses, by problem code.");
        new TreeMap<>(errorsByCode).forEach((code, n) -> out.append("parley_http_errors_total{code=\"")
                .append(code).append("\"} ").append(n.sum()).append('\n'));
        gauge(out, "parley_uptime_seconds", "Seconds since the server started.",
                (clock.millis() - startMillis) / 1000);
        out.append(transport);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.3f", value);
    }
}
