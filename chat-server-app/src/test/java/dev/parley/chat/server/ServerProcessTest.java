package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as an operator runs it: {@link ParleyServer#main} in a JVM of its own, with its exit status, standard
 * output and standard error.
 */
class ServerProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A running or finished child JVM; its output is collected as it comes. */
    private static final class Child {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();
        private final List<Thread> pumps;

        Child(Process process) {
            this.process = process;
            pumps = List.of(pump(process.getInputStream(), out), pump(process.getErrorStream(), err));
        }

        private static Thread pump(InputStream in, StringBuffer into) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "child-output");
            t.setDaemon(true);
            t.start();
            return t;
        }

        int exit() throws InterruptedException {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running; out: " + out + "; err: " + err);
            }
            for (Thread pump : pumps) { // the last bytes, up to the end of the streams
                pump.join(TIMEOUT.toMillis());
            }
            return process.exitValue();
        }

        /**
         * SIGTERM, as systemd and {@code kill} send it. (Not {@link Process#destroy()}, which sends the same signal
         * but also closes the pipes, losing what the process writes while it shuts down.)
         */
        void terminate() {
            process.toHandle().destroy();
        }

        void awaitOut(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!out.toString().contains(text)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("no \"" + text + "\"; out: " + out + "; err: " + err);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Runs the server's main with only the given PARLEY_* settings, in {@link #dir} (no .env there). */
    private Child start(Map<String, String> settings, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ParleyServer.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PARLEY_"));
        builder.environment().putAll(settings);
        return new Child(builder.start());
    }

    private Map<String, String> sqlite(String port) {
        return Map.of("PARLEY_PORT", port, "PARLEY_DB_URL", "jdbc:sqlite:" + dir.resolve("data/parley.db"));
    }

    @Test
    void helpAndVersionExit0AndAnUnknownArgumentExits2() throws Exception {
        Child help = start(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out.toString()).contains("PARLEY_PORT=8080", "PARLEY_LOG_FORMAT=text");
        assertThat(help.err.toString()).isEmpty();

        Child version = start(Map.of(), "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out.toString()).isEqualTo(BuildInfo.current().describe() + "\n");

        Child bad = start(Map.of(), "--verbose");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out.toString()).isEmpty();
        assertThat(bad.err.toString()).contains("Unknown argument: --verbose", CommandLine.USAGE);
    }

    @Test
    void aPortInUseNamesThePortAndTheSettingsWithoutAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Child child = start(sqlite(Integer.toString(taken.getLocalPort())));
            assertThat(child.exit()).isEqualTo(1);
            String err = child.err.toString();
            assertThat(err).contains("Parley could not start: cannot listen on port " + taken.getLocalPort()
                    + " of 127.0.0.1", "set PARLEY_PORT to a free port, or PARLEY_BIND to another address");
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void aSecondServerOnTheSameSqliteFileFailsNamingTheFile() throws Exception {
        Child first = start(sqlite("0"));
        try {
            first.awaitOut("Parley is running at");
            Child second = start(sqlite("0"));
            assertThat(second.exit()).isEqualTo(1);
            Path db = dir.resolve("data/parley.db").toAbsolutePath();
            assertThat(second.err.toString())
                    .contains("Parley could not start: the SQLite database " + db + " is in use by another Parley "
                            + "process (pid " + first.process.pid() + "), which holds the lock " + db + ".lock")
                    .doesNotContain("\tat ");
        } finally {
            first.terminate();
            first.exit();
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "no SIGTERM")
    void sigtermShutsDownCleanlyWithExitStatus143() throws Exception {
        Child child = start(sqlite("0"));
        child.awaitOut("Parley is running at");
        child.terminate();
        assertThat(child.exit()).isEqualTo(143);
        assertThat(child.out.toString()).as(child.err.toString()).contains("Parley is shutting down", "Parley stopped");
        assertThat(child.err.toString()).doesNotContain("\tat ");
        // the lock went with it: another server starts on the same file
        Child next = start(sqlite("0"));
        next.awaitOut("Parley is running at");
        next.terminate();
        assertThat(next.exit()).isEqualTo(143);
    }

    @Test
    void jsonLogsOneObjectPerLine() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(sqlite("0"));
        settings.put("PARLEY_LOG_FORMAT", "json");
        settings.put("PARLEY_TYPO", "x"); // a WARNING line
        Child child = start(settings);
        child.awaitOut("Parley is running at");
        child.terminate();
        child.exit();
        List<JsonObject> lines = new ArrayList<>();
        for (String stream : List.of(child.err.toString(), child.out.toString())) {
            for (String line : stream.split("\n")) {
                try (JsonReader reader = TestClient.JSON.createReader(new StringReader(line))) {
                    lines.add(reader.readObject()); // fails the test for a line that is not one JSON object
                }
            }
        }
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.getString("level")).isEqualTo("WARNING");
            assertThat(line.getString("logger")).isEqualTo(ParleyServer.class.getName());
            assertThat(line.getString("message")).isEqualTo("Ignoring unknown settings: [PARLEY_TYPO]");
            assertThat(line.getString("thread")).isEqualTo("main");
            assertThat(line.getString("ts")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        assertThat(lines).anySatisfy(line ->
                assertThat(line.getString("message")).startsWith("Opening SQLite database "));
        assertThat(lines).anySatisfy(line ->
                assertThat(line.getString("message")).startsWith("Parley is running at http://"));
    }
}
