package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liquibase and jOOQ stay quiet for an application that configured nothing for them: no INFO from a migration, no
 * jOOQ banner or tip. The test's JUL configuration keeps the root at WARNING, so the root is opened to INFO here
 * while a handler records what reaches it.
 */
class QuietLoggingTest {
    @TempDir
    Path dir;

    private final Logger root = Logger.getLogger("");
    private final Logger liquibase = Logger.getLogger("liquibase");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void listen() {
        rootLevel = root.getLevel();
        root.setLevel(Level.INFO);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        root.removeHandler(handler);
        root.setLevel(rootLevel);
        liquibase.setLevel(null);
    }

    @Test
    void aMigrationLogsNoInfoByDefault() throws Exception {
        migrate("quiet.db");
        assertThat(liquibaseRecords()).allSatisfy(r -> assertThat(r.getLevel().intValue())
                .isGreaterThanOrEqualTo(Level.WARNING.intValue()));
    }

    @Test
    void aMigrationLogsInfoWhenTheApplicationConfiguredLiquibasesLogger() throws Exception {
        liquibase.setLevel(Level.INFO);
        migrate("verbose.db");
        assertThat(liquibaseRecords()).anySatisfy(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void jooqsBannerAndTipsAreOffUnlessTheApplicationSaysOtherwise() {
        assertThat(JooqSettings.SETTINGS.isExecuteLogging()).isFalse();
        assertThat(System.getProperty("org.jooq.no-logo")).isEqualTo("true");
        assertThat(System.getProperty("org.jooq.no-tips")).isEqualTo("true");
    }

    private void migrate(String file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(file))) {
            Migrations.migrate(connection);
        }
    }

    private List<LogRecord> liquibaseRecords() {
        return records.stream().filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith("liquibase"))
                .toList();
    }
}
