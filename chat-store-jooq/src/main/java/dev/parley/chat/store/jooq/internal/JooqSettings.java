package dev.parley.chat.store.jooq.internal;

import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;

/** The jOOQ settings every query runs with. */
final class JooqSettings {
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
}
