package dev.parley.chat.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One measured figure: the samples of every repeat of one metric for one subject in one scenario, with the median
 * and range derived from them. A sample that could not be measured validly (a driver that was over-busy, a run
 * that failed) is left out of {@code samples} and counted in {@code invalid}, with the reason in {@code notes}.
 *
 * @param scenario the scenario, e.g. {@code fanout-1k}, {@code latency-20k}, {@code idle-10k},
 *     {@code persist-sqlite}, {@code history-1m}, {@code login}
 * @param subject what was measured, e.g. {@code parley}, {@code ws}, {@code socketio}, {@code raw-jdbc}
 * @param metric what the number is, e.g. {@code deliveries_per_s}, {@code p99_ms}, {@code heap_bytes_per_conn}
 * @param unit the unit, for the table
 * @param samples one value per valid repeat, in run order
 * @param invalid repeats left out
 * @param notes free-form context (driver CPU, GC, errors)
 */
public record Result(String scenario, String subject, String metric, String unit, List<Double> samples,
        int invalid, Map<String, String> notes) {

    public Result {
        Objects.requireNonNull(scenario, "scenario == null");
        Objects.requireNonNull(subject, "subject == null");
        Objects.requireNonNull(metric, "metric == null");
        Objects.requireNonNull(unit, "unit == null");
        samples = List.copyOf(samples);
        notes = Map.copyOf(notes);
    }

    /** The median of the samples, or NaN if there are none. */
    public double median() {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] s = sorted();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The smallest sample, or NaN if there are none. */
    public double min() {
        return samples.isEmpty() ? Double.NaN : sorted()[0];
    }

    /** The largest sample, or NaN if there are none. */
    public double max() {
        return samples.isEmpty() ? Double.NaN : sorted()[samples.size() - 1];
    }

    private double[] sorted() {
        double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        return s;
    }
}
