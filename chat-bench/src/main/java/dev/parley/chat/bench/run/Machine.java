package dev.parley.chat.bench.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the results were measured on. */
public final class Machine {
    private Machine() {
    }

    /** CPU model, cores, kernel, Java and Node versions, git commit, date. */
    public static Map<String, Object> describe(Path repo) {
        Map<String, Object> m = new LinkedHashMap<>();
        String model = "unknown";
        int cores = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                }
                if (line.startsWith("processor")) {
                    cores++;
                }
            }
        } catch (IOException e) {
            cores = Runtime.getRuntime().availableProcessors();
        }
        m.put("cpu", model);
        m.put("cores", cores);
        m.put("kernel", read("/proc/sys/kernel/osrelease"));
        m.put("memory", memTotal());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("node", Commands.runOr(List.of("node", "--version"), null, "not found"));
        String commit = Commands.runOr(List.of("git", "rev-parse", "--short=12", "HEAD"), repo, "unknown");
        String dirty = Commands.runOr(List.of("git", "status", "--porcelain", "--untracked-files=no"), repo, "");
        m.put("commit", commit + (dirty.isEmpty() ? "" : " (with uncommitted changes)"));
        m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("driver_jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return m;
    }

    /**
     * The kernel's listen-queue settings, which decide what happens to a burst of simultaneous connects: the accept
     * queue of each listener is min(its backlog, somaxconn); SYNs beyond tcp_max_syn_backlog half-open connections
     * get a SYN cookie (if tcp_syncookies) instead of being dropped; an ACK that finds the accept queue full is
     * dropped (unless tcp_abort_on_overflow) and the handshake completes only on a retransmit.
     */
    public static String listenSettings() {
        return "net.core.somaxconn=" + read("/proc/sys/net/core/somaxconn")
                + ", net.ipv4.tcp_max_syn_backlog=" + read("/proc/sys/net/ipv4/tcp_max_syn_backlog")
                + ", net.ipv4.tcp_syncookies=" + read("/proc/sys/net/ipv4/tcp_syncookies")
                + ", net.ipv4.tcp_abort_on_overflow=" + read("/proc/sys/net/ipv4/tcp_abort_on_overflow")
                + ", net.ipv4.tcp_synack_retries=" + read("/proc/sys/net/ipv4/tcp_synack_retries");
    }

    /**
     * The listen-queue counters of /proc/net/netstat (TcpExt ListenOverflows, ListenDrops, SyncookiesSent,
     * TCPReqQFullDrop, TCPReqQFullDoCookies), machine-wide: subtract two readings; empty if unreadable.
     */
    public static Map<String, Long> listenCounters() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                if (!names[0].equals("TcpExt:") || names.length != values.length) {
                    continue;
                }
                for (int j = 1; j < names.length; j++) {
                    if (List.of("ListenOverflows", "ListenDrops", "SyncookiesSent", "TCPReqQFullDrop",
                            "TCPReqQFullDoCookies").contains(names[j])) {
                        out.put(names[j], Long.parseLong(values[j]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        return out;
    }

    private static String read(String file) {
        try {
            // not Files.readString: on JDK 17 here it returned "4" for /proc/sys/net/core/somaxconn's "4096"
            return String.join("\n", Files.readAllLines(Path.of(file))).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }
}
