package dev.parley.chat.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The server's version and the git commit it was built from, written into {@code build.properties} by the build
 * (Maven resource filtering; the commit from {@code git rev-parse HEAD}). Either is {@code "unknown"} when the build
 * could not tell, for example when built outside a git working copy.
 *
 * @param version the project version, such as {@code 0.1.0-SNAPSHOT}
 * @param commit the full commit id, or {@code "unknown"}
 */
record BuildInfo(String version, String commit) {
    static final String UNKNOWN = "unknown";
    static final String RESOURCE = "dev/parley/chat/server/build.properties";

    /** This server's build, read once. */
    static BuildInfo current() {
        return Holder.CURRENT;
    }

    /** For {@code --version}: {@code Parley server 0.1.0 (commit 0123abc…)}. */
    String describe() {
        return "Parley server " + version + " (commit " + commit + ")";
    }

    static BuildInfo read(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** A value the build did not fill in stays {@code ${...}}: that, and nothing, is unknown. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
    }

    private static final class Holder {
        static final BuildInfo CURRENT = read(BuildInfo.class.getClassLoader());
    }
}
