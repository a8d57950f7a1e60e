package dev.parley.chat.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.bench.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static Report report() {
        Collector c = new Collector();
        for (double v : new double[] {300_000, 310_000, 290_000}) {
            c.sample("fanout-1k", "parley", "deliveries_per_s", "deliveries/s", v);
        }
        for (double v : new double[] {100_000, 90_000, 110_000}) {
            c.sample("fanout-1k", "socketio", "deliveries_per_s", "deliveries/s", v);
        }
        c.sample("fanout-1k", "ws", "deliveries_per_s", "deliveries/s", 95_000);
        c.invalid("fanout-1k", "ws", "deliveries_per_s", "deliveries/s", "r2", "driver busy 85% > 80%");
        c.sample("idle-10k", "parley", "heap_bytes_per_conn", "B/conn", 7000);
        c.add(List.of(new Result("login", "-", "failed", "", List.of(), 1, Map.of("error", "not implemented"))));
        return new Report(Map.of("cpu", "test", "date", "now"), Map.of("command", "bench/run", "mode", "full"),
                c.results());
    }

    @Test
    void comparesMediansMeasuredInTheSameRunWithTheTargets() {
        String md = report().markdown();
        assertThat(md).contains("| fanout-1k | deliveries_per_s | deliveries/s | 300,000 (290,000–310,000) | "
                + "95,000 [1 invalid] | 100,000 (90,000–110,000) |");
        assertThat(md).contains("| fanout-1k: Parley ≥ 5× Socket.IO deliveries/s | 3.00× | **no** |");
        assertThat(md).contains("| fanout-1k: Parley ≥ 1.1× ws deliveries/s | 3.16× | yes |");
        assertThat(md).contains("| idle-10k: Parley live heap ≤ 6 KB per connection | 7,000 B | **no** |");
        assertThat(md).contains("| login | - | failed |  | – |  | 0 | 1 |");
        assertThat(md).contains("invalid: r2: driver busy 85% > 80%");
    }

    @Test
    void checksTheConnectAndStoreTargetsOfIssue15() {
        Collector c = new Collector();
        c.sample("idle-10k", "parley", "connects_per_s", "conn/s", 1_000);
        c.sample("idle-10k", "socketio", "connects_per_s", "conn/s", 2_000);
        c.sample("persist-sqlite", "store-64-senders-64-rooms", "sends_per_s", "msg/s", 120_000);
        c.sample("persist-sqlite", "raw-batch-256", "rows_per_s", "rows/s", 230_000);
        c.sample("persist-postgres", "store-8-senders-8-rooms", "sends_per_s", "msg/s", 8_000);
        String md = new Report(Map.of("cpu", "test", "date", "now"), Map.of("command", "bench/run", "mode", "full"),
                c.results()).markdown();
        assertThat(md).contains(
                "| idle-10k: Parley auth + join rate ≥ Socket.IO's connect + join rate | 0.50× | **no** |",
                "| persist-sqlite: store ≥ 100k msg/s, 64 senders over 64 rooms | 120,000 msg/s | yes |",
                "| persist-sqlite: store (64 senders, 64 rooms) ≥ 0.5× a raw JDBC batch | 0.52× | yes |",
                "| persist-postgres: store ≥ 10k msg/s, 8 senders over 8 rooms | 8,000 msg/s | **no** |");
    }

    @Test
    void showsTheStormSideBySide() {
        Collector c = new Collector();
        c.sample("idle-10k", "parley", "connects_per_s", "conn/s", 1_000);
        c.sample("idle-10k", "socketio", "connects_per_s", "conn/s", 2_000);
        c.sample("storm-5k", "parley", "all_live_s", "s", 6);
        c.sample("storm-5k", "socketio", "all_live_s", "s", 3);
        c.sample("storm-5k", "ws", "all_live_s", "s", 2);
        c.sample("storm-5k", "parley", "failed_attempts", "attempts", 0);
        c.sample("storm-5k", "socketio", "failed_attempts", "attempts", 1914);
        String md = new Report(Map.of("cpu", "test", "date", "now"), Map.of("command", "bench/run", "mode", "full"),
                c.results()).markdown();
        assertThat(md).contains(
                "| storm-5k | all_live_s | s | 6.00 s | 2.00 s | 3.00 s |",
                "| storm-5k | failed_attempts | attempts | 0 |  | 1,914 |",
                "| storm-5k: Parley's time until all live / Socket.IO's (no target) | 2.00× |",
                "| storm-5k: Parley's time until all live / ws's (no target) | 3.00× |");
    }

    @Test
    void comparesEachClusterWithOneNodeMeasuredInTheSameRun() {
        Collector c = new Collector();
        for (double v : new double[] {40_000, 50_000, 60_000}) {
            c.sample("twonode-fanout-1k", "one-node", "deliveries_per_s", "deliveries/s", v);
        }
        c.sample("twonode-fanout-1k", "postgres-bus", "deliveries_per_s", "deliveries/s", 25_000);
        c.sample("twonode-fanout-1k", "redis-bus", "deliveries_per_s", "deliveries/s", 40_000);
        c.sample("twonode-latency-5k", "one-node", "p99_ms", "ms", 20);
        c.sample("twonode-latency-5k", "one-node", "p99_ms_node_a", "ms", 20);
        c.sample("twonode-latency-5k", "postgres-bus", "p99_ms_node_a", "ms", 30);
        c.sample("twonode-latency-5k", "postgres-bus", "p99_ms_node_b", "ms", 80);
        c.sample("twonode-latency-5k", "postgres-bus", "hop_p50_ms", "ms", 12);
        c.sample("twonode-latency-5k", "redis-bus", "hop_p50_ms", "ms", 4);
        c.invalid("twonode-latency-5k", "redis-bus", "p99_ms", "ms", "r1", "stalled");
        Report r = new Report(Map.of("cpu", "test", "date", "now"), Map.of("command", "bench/run", "mode", "full"),
                c.results());
        String md = r.markdown();
        assertThat(md).contains("| scenario | metric | unit | one node | 2 nodes, PostgreSQL bus | 2 nodes, Redis bus |",
                "| twonode-fanout-1k | deliveries_per_s | deliveries/s | 50,000 (40,000–60,000) | 25,000 | 40,000 |",
                "| twonode-latency-5k | p99_ms_node_b | ms |  | 80.0 |  |",
                "| twonode-latency-5k | p99_ms | ms | 20.0 |  | invalid ×1 |",
                "| twonode-fanout-1k: deliveries/s, 2 nodes, PostgreSQL bus / one node | 0.50× |",
                "| twonode-fanout-1k: deliveries/s, 2 nodes, Redis bus / one node | 0.80× |",
                "| twonode-fanout-1k: deliveries/s, PostgreSQL bus / Redis bus | 0.63× |",
                "| twonode-latency-5k: p99 on node a, 2 nodes, PostgreSQL bus / one node | 1.50× |",
                "| twonode-latency-5k: p99 on node b, 2 nodes, PostgreSQL bus / one node | 4.00× |",
                "| twonode-latency-5k: hop A→B p50, PostgreSQL bus / Redis bus | 3.00× |");
        assertThat(md).doesNotContain("Scenarios 1–3", "Scenarios 4–6", "Targets");
        assertThat(r.json()).contains("\"ratio\": \"twonode-fanout-1k: deliveries/s, 2 nodes, Redis bus / one node\"",
                "\"value\": 0.8");
    }

    @Test
    void writesEverySampleAndAFailedRowAsJson() {
        String json = report().json();
        assertThat(json).contains("\"samples\": [300000, 310000, 290000]", "\"median\": 300000", "\"invalid\": 1",
                "\"metric\": \"failed\"", "\"median\": null", "\"error\": \"not implemented\"");
        assertThat(json.chars().filter(ch -> ch == '{').count()).isEqualTo(json.chars().filter(ch -> ch == '}').count());
    }
}
