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

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
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
