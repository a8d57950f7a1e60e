package dev.parley.chat.bench.run;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test, started as a child process with its output in a log file. It is stopped with SIGTERM (then
 * killed if it does not exit in time), and every live one is stopped by a shutdown hook if the bench exits early.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final long TICK_NANOS = 1_000_000_000L / clockTicks();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ServerProcess p : LIVE) {
                p.close();
            }
        }, "bench-servers-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private int port;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code dir} with {@code env} added to (and {@code PARLEY_*} variables removed from)
     * this process's environment, and waits for a line matching {@code ready} whose group 1 is the port.
     */
    public static ServerProcess start(String name, List<String> command, Map<String, String> env, Path dir, Path log,
            Pattern ready, long timeoutMillis) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        pb.environment().putAll(env);
        ServerProcess s = new ServerProcess(name, pb.start(), log);
        LIVE.add(s);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = ready.matcher(out);
            if (m.find()) {
                s.port = Integer.parseInt(m.group(1));
                return s;
            }
            if (!s.process.isAlive()) {
                s.close();
                throw new IOException(name + " exited with " + s.process.exitValue() + " before it was ready: "
                        + tail(out));
            }
            Thread.sleep(50);
        }
        s.close();
        throw new IOException(name + " not ready after " + timeoutMillis + " ms: " + tail(Files.readString(log)));
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 600 ? "..." + t.substring(t.length() - 600) : t;
    }

    /** The process id (taskset execs the server, so this is the server's own). */
    public long pid() {
        return process.pid();
    }

    /** The port it listens on, from its ready line. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** CPU time (user + system) the process used so far, in ns, from /proc; -1 if unreadable. */
    public long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime is field 14 overall, i.e. index 11 here; stime 12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in bytes, from /proc/&lt;pid&gt;/status; -1 if unreadable. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Whether it is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** The log file. */
    public Path log() {
        return log;
    }

    /** Lines of the log that look like problems (warnings, errors, exceptions). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains("WARN") || line.contains("SEVERE") || line.contains("ERROR")
                        || line.contains("Exception") || line.contains("rror:")) {
                    out.add(line.strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            out.add("(log unreadable: " + e + ")");
        }
        return out;
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", port " + port + ")";
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 100;
        }
    }
}
