package dev.parley.chat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.bench.run.Report;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwoNodeBenchTest {
    private static final String METRICS = String.join("\n",
            "# HELP parley_bus_connected 1 while the cluster bus is connected and answers probes.",
            "# TYPE parley_bus_connected gauge",
            "parley_bus_connected 1",
            "parley_bus_received_total 1200",
            "parley_bus_queued 3",
            "parley_bus_overflows_total 0",
            "parley_http_requests_total{status=\"200\"} 17",
            "parley_bus_broken_line",
            "parley_bus_not_a_number NaNx",
            "");

    @Test
    void readsTheBusMetersOfAPrometheusPage() {
        assertThat(TwoNodeBench.parseMetrics(METRICS, "parley_bus_")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "parley_bus_connected", 1.0, "parley_bus_received_total", 1200.0, "parley_bus_queued", 3.0,
                "parley_bus_overflows_total", 0.0));
        assertThat(TwoNodeBench.parseMetrics(METRICS, "parley_http_"))
                .containsExactly(Map.entry("parley_http_requests_total{status=\"200\"}", 17.0));
    }

    @Test
    void notesCountersAsTheirIncreaseAndGaugesAsTheirValue() {
        Map<String, Double> before = TwoNodeBench.parseMetrics(METRICS, "parley_bus_");
        Map<String, Double> after = TwoNodeBench.parseMetrics(METRICS.replace("received_total 1200",
                "received_total 4700").replace("queued 3", "queued 0"), "parley_bus_");
        assertThat(TwoNodeBench.meterChanges(before, after))
                .isEqualTo("connected 1, +0 overflows_total, queued 0, +3,500 received_total");
    }

    @Test
    void subjectsSplitBetweenTheSideBySideAndTheTwoNodeScenarios() {
        assertThat(Bench.pick(List.of("parley", "redis-bus"), Report.SUBJECTS)).containsExactly("parley");
        assertThat(Bench.pick(List.of("parley", "redis-bus"), Report.CLUSTER_SUBJECTS)).containsExactly("redis-bus");
        assertThat(Bench.pick(List.of("ws"), Report.CLUSTER_SUBJECTS)).isEqualTo(Report.CLUSTER_SUBJECTS);
    }
}
