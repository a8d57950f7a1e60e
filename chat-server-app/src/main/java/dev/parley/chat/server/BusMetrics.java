package dev.parley.chat.server;

import dev.parley.chat.core.cluster.ClusterFanout;

/** The cluster bus's meters in the Prometheus text format; nothing on a single node. */
final class BusMetrics {
    private BusMetrics() {
    }

    static String render(ClusterFanout cluster) {
        if (cluster == null) {
            return "";
        }
        ClusterFanout.Stats s = cluster.stats();
        StringBuilder out = new StringBuilder(1024);
        metric(out, "parley_bus_connected", "gauge", "1 while the cluster bus is connected and answers probes.",
                cluster.state() == ClusterFanout.State.CONNECTED ? 1 : 0);
        metric(out, "parley_bus_received_total", "counter", "Payloads received from the bus.", s.received());
        metric(out, "parley_bus_queued", "gauge", "Payloads waiting in the receive queue.", s.queued());
        metric(out, "parley_bus_overflows_total", "counter",
                "Payloads dropped because the receive queue was full (each overflow re-checks every room).",
                s.overflows());
        metric(out, "parley_bus_resyncs_total", "counter",
                "Times every room re-checked its position against the database (reconnects, overflows, nodes back).",
                s.resyncs());
        metric(out, "parley_bus_disconnects_total", "counter", "Bus connections lost or found deaf.",
                s.disconnects());
        metric(out, "parley_bus_deaf_probes_total", "counter",
                "Times the self-probe found the bus connected but silent.", s.deafProbes());
        metric(out, "parley_bus_publish_failures_total", "counter",
                "Payloads the bus refused or dropped (other nodes repair by their position checks).",
                s.publishFailures());
        return out.toString();
    }

    private static void metric(StringBuilder out, String name, String type, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }
}
