package dev.parley.chat.store.jooq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import liquibase.Scope;
import liquibase.UpdateSummaryEnum;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.analytics.configuration.AnalyticsArgs;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Brings a database to the current schema with Liquibase. Idempotent: applied change sets are skipped, and
 * Liquibase's lock table serialises concurrent start-ups on PostgreSQL.
 */
final class Migrations {
    static final String CHANGELOG = "dev/parley/chat/store/jooq/db/changelog.xml";

    private Migrations() {
    }

    /**
     * Runs the changelog on a connection dedicated to it. The caller closes the connection afterwards (Liquibase
     * leaves auto-commit off; it is switched back on here for pooled connections).
     */
    static void migrate(Connection connection) {
        migrate(connection, CHANGELOG);
    }

    /**
     * Runs a changelog from the class path, as {@link #migrate(Connection)} runs the current one. Tests use this to
     * build a database as an earlier release left it.
     */
    static void migrate(Connection connection, String changelog) {
        try {
            // Quiet for embedders: Liquibase logs INFO only where the application asked for it (QuietLiquibaseLog).
            Map<String, Object> scope = Map.of(
                    Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()),
                    Scope.Attr.ui.name(), new LoggerUIService(),
                    Scope.Attr.logService.name(), new QuietLiquibaseLog(),
                    AnalyticsArgs.ENABLED.getKey(), Boolean.FALSE);
            Scope.child(scope, () -> {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
                        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY, UpdateSummaryEnum.OFF)
                        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                        .execute();
            });
        } catch (Exception e) {
            throw Errors.unavailable("could not migrate the database schema", e);
        } finally {
            try {
                if (!connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                // The caller closes the connection next.
            }
        }
    }
}
