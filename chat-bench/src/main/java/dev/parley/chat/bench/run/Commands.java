package dev.parley.chat.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short helper command (jcmd, git, node --version) and returns its output. */
public final class Commands {
    private Commands() {
    }

    /** The command's combined output, or throws if it fails or times out. */
    public static String run(List<String> command, Path dir, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " timed out");
            }
            String s = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(command + " exited with " + p.exitValue() + ": " + s.strip());
            }
            return s;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Like {@link #run} but returns {@code fallback} on any failure. */
    public static String runOr(List<String> command, Path dir, String fallback) {
        try {
            return run(command, dir, 20).strip();
        } catch (IOException e) {
            return fallback;
        }
    }
}
