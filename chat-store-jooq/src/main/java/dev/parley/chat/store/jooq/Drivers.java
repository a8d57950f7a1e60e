package dev.parley.chat.store.jooq;

/**
 * The JDBC drivers are optional dependencies of chat-store-jooq: an application adds the one for its database. A
 * storage checks for its driver before it opens, so that a missing one is named instead of surfacing as a
 * {@link NoClassDefFoundError} from deep inside the storage.
 */
final class Drivers {
    private Drivers() {
    }

    /** Fails unless sqlite-jdbc is on the class path. */
    static void requireSqlite() {
        require("org.sqlite.JDBC", "SQLite", "org.xerial:sqlite-jdbc");
    }

    /** Fails unless the PostgreSQL JDBC driver (pgjdbc) is on the class path. */
    static void requirePostgres() {
        require("org.postgresql.Driver", "PostgreSQL", "org.postgresql:postgresql");
    }

    /**
     * Fails with a message naming the missing driver's artifact unless its class can be loaded.
     *
     * @throws IllegalStateException if the class cannot be loaded
     */
    static void require(String driverClass, String database, String artifact) {
        try {
            Class.forName(driverClass, false, Drivers.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("The " + database + " storage needs the JDBC driver " + artifact
                    + " (class " + driverClass + "), which is not on the class path: chat-store-jooq declares the"
                    + " drivers optional, so add that dependency to the application's build", e);
        }
    }
}
