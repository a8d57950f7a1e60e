package dev.parley.chat.bench.run;

import dev.parley.chat.bench.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accumulates samples per (scenario, subject, metric) across repeats, in first-seen order, into {@link Result}s. */
public final class Collector {
    private static final class Series {
        final String scenario;
        final String subject;
        final String metric;
        final String unit;
        final List<Double> samples = new ArrayList<>();
        int invalid;
        final Map<String, String> notes = new LinkedHashMap<>();

        Series(String scenario, String subject, String metric, String unit) {
            this.scenario = scenario;
            this.subject = subject;
            this.metric = metric;
            this.unit = unit;
        }
    }

    private final Map<String, Series> series = new LinkedHashMap<>();
    private final List<Result> extra = new ArrayList<>();

    private Series get(String scenario, String subject, String metric, String unit) {
        return series.computeIfAbsent(scenario + "\u0000" + subject + "\u0000" + metric,
                k -> new Series(scenario, subject, metric, unit));
    }

    /** A valid sample. */
    public void sample(String scenario, String subject, String metric, String unit, double value) {
        get(scenario, subject, metric, unit).samples.add(value);
    }

    /** A repeat that could not be measured validly, with the reason as a note. */
    public void invalid(String scenario, String subject, String metric, String unit, String repeat, String why) {
        Series s = get(scenario, subject, metric, unit);
        s.invalid++;
        note(s, "invalid", repeat + ": " + why);
    }

    /** Appends {@code repeat: text} to a note of every metric of this scenario and subject seen so far. */
    public void noteAll(String scenario, String subject, String key, String repeat, String text) {
        for (Series s : series.values()) {
            if (s.scenario.equals(scenario) && s.subject.equals(subject)) {
                note(s, key, repeat + ": " + text);
            }
        }
    }

    /** Appends a note to one metric. */
    public void note(String scenario, String subject, String metric, String unit, String key, String text) {
        note(get(scenario, subject, metric, unit), key, text);
    }

    private static void note(Series s, String key, String text) {
        s.notes.merge(key, text, (a, b) -> a.equals(b) ? a : a + "; " + b);
    }

    /** Results computed elsewhere (the store scenarios). */
    public void add(List<Result> results) {
        extra.addAll(results);
    }

    /** Everything, the accumulated series first. */
    public List<Result> results() {
        List<Result> out = new ArrayList<>();
        for (Series s : series.values()) {
            out.add(new Result(s.scenario, s.subject, s.metric, s.unit, s.samples, s.invalid, s.notes));
        }
        out.addAll(extra);
        return out;
    }
}
