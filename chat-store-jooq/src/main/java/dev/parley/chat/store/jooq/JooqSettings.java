package dev.parley.chat.store.jooq;

import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;

/** The jOOQ settings every query runs with. */
final class JooqSettings {
    static {
        // Quiet for embedders: jOOQ logs its banner and a "tip" at INFO the first time it renders SQL, unless these
        // system properties say no; they are read once, so they are set (where the application has not set them
        // either way) before this class's SETTINGS can reach jOOQ. Executed queries are not logged (below).
        quietByDefault("org.jooq.no-logo");
        quietByDefault("org.jooq.no-tips");
    }

    /**
     * Names are quoted (they are lowercase, as created by the changelog) and never qualified with a schema, so on
     * PostgreSQL the connection's {@code search_path} (for example {@code ?currentSchema=} in the URL) picks it.
     */
    static final Settings SETTINGS = new Settings()
            .withRenderSchema(false)
            .withRenderCatalog(false)
            .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
            .withExecuteLogging(false);

    private JooqSettings() {
    }

    private static void quietByDefault(String property) {
        try {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        } catch (SecurityException e) {
            // A security manager said no: jOOQ prints its banner then, nothing else changes.
        }
    }
}
