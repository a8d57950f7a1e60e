package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --help}, {@code --version} and bad arguments, in process; {@link ServerProcessTest} runs the real JVM. */
class CommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OptionalInt run(String... args) {
        return CommandLine.handle(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentRunsTheServer() {
        assertThat(run()).isEmpty();
        assertThat(out.size() + err.size()).isZero();
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndMeaning() {
        assertThat(run("--help")).hasValue(0);
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help).startsWith(CommandLine.USAGE).contains("--version");
        for (ServerConfig.Setting setting : ServerConfig.SETTINGS) {
            assertThat(help).containsPattern("(?m)^  " + setting.key() + "=" + java.util.regex.Pattern.quote(
                    setting.defaultValue()) + "\\n      " + java.util.regex.Pattern.quote(setting.meaning()) + "$");
        }
        assertThat(err.size()).isZero();
        out.reset();
        assertThat(run("-h")).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(help);
    }

    @Test
    void versionPrintsTheVersionAndTheCommit() {
        assertThat(run("--version")).hasValue(0);
        BuildInfo build = BuildInfo.current();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("Parley server " + build.version() + " (commit " + build.commit() + ")\n");
        // built from this repository: the version from the POM, the commit from git (or "unknown" outside git)
        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(build.commit()).matches("[0-9a-f]{40}|unknown");
        if (Files.exists(Path.of("..", ".git"))) { // a clone or a worktree: the plugin must have found the commit
            assertThat(build.commit()).matches("[0-9a-f]{40}");
        }
    }

    @Test
    void anUnknownArgumentPrintsUsageToStandardErrorAndExits2() {
        assertThat(run("--port=80")).hasValue(2);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown argument: --port=80")
                .contains(CommandLine.USAGE).contains("--help");
        err.reset();
        assertThat(run("--help", "--version")).hasValue(2);
    }

    @Test
    void aBuildThatCouldNotTellSaysUnknown(@TempDir Path dir) throws Exception {
        Path properties = dir.resolve(BuildInfo.RESOURCE);
        Files.createDirectories(properties.getParent());
        Files.writeString(properties, "version=1.2.3\ncommit=${git.commit.id}\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(BuildInfo.read(loader)).isEqualTo(new BuildInfo("1.2.3", "unknown"));
        }
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThat(BuildInfo.read(empty)).isEqualTo(new BuildInfo("unknown", "unknown"));
        }
    }
}
