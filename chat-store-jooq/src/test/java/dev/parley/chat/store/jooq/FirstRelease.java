package dev.parley.chat.store.jooq;

import java.sql.Connection;

/**
 * Builds a database as the first release's schema left it, for upgrade tests in other packages. Public only because
 * those tests cannot reach {@link Migrations}.
 */
public final class FirstRelease {
    /** Change sets 1 to 5, copied from the changelog as released. */
    static final String CHANGELOG = "dev/parley/chat/store/jooq/db/first-release-changelog.xml";

    private FirstRelease() {
    }

    /**
     * Applies the first release's changelog to an empty database.
     *
     * @param connection a connection to it, closed by the caller
     */
    public static void createSchema(Connection connection) {
        Migrations.migrate(connection, CHANGELOG);
    }
}
