package dev.parley.chat.store.jooq;

import java.util.logging.Level;
import liquibase.logging.LogService;
import liquibase.logging.Logger;
import liquibase.logging.core.AbstractLogService;
import liquibase.logging.core.AbstractLogger;
import liquibase.logging.core.JavaLogService;

/**
 * Liquibase's log while the storage migrates its schema: warnings and errors go to {@code java.util.logging} as
 * Liquibase sends them, its INFO chatter (every change set, every lock, every summary) does not, unless the
 * application asked for it by setting a level on the {@code liquibase} logger in its logging configuration or
 * Liquibase's own {@code liquibase.logLevel}. Used only inside the migration's Liquibase scope: the application's
 * logging configuration and any Liquibase use of its own are left alone.
 */
final class QuietLiquibaseLog extends AbstractLogService {
    private final LogService delegate = new JavaLogService();
    private final boolean verbose = java.util.logging.Logger.getLogger("liquibase").getLevel() != null
            || System.getProperty("liquibase.logLevel") != null
            || System.getenv("LIQUIBASE_LOG_LEVEL") != null;

    @Override
    public int getPriority() {
        return PRIORITY_SPECIALIZED;
    }

    @Override
    public Logger getLog(@SuppressWarnings("rawtypes") Class clazz) {
        Logger target = delegate.getLog(clazz);
        if (verbose) {
            return target;
        }
        return new AbstractLogger() {
            @Override
            public void log(Level level, String message, Throwable e) {
                if (level.intValue() >= Level.WARNING.intValue()) {
                    target.log(level, message, e);
                }
            }
        };
    }
}
