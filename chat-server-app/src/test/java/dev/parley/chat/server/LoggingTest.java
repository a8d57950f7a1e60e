package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LoggingTest {
    private static JsonObject parse(String line) {
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r");
        try (JsonReader reader = TestClient.JSON.createReader(new StringReader(line))) {
            return reader.readObject();
        }
    }

    @Test
    void aRecordIsOneJsonObjectOnOneLine() {
        LogRecord record = new LogRecord(Level.WARNING, "Storage unavailable: {0}\nsecond \"line\"\u0001 \ud800 ok \ud83d\ude00");
        record.setParameters(new Object[] {"the database is unreachable"});
        record.setLoggerName("dev.parley.chat.store.jooq");
        record.setThrown(new IllegalStateException("boom"));
        JsonObject line = parse(new Logging.JsonFormatter().format(record));
        assertThat(line.keySet()).containsExactly("ts", "level", "logger", "message", "thread", "exception");
        assertThat(line.getString("ts")).isEqualTo(record.getInstant().toString());
        assertThat(line.getString("level")).isEqualTo("WARNING");
        assertThat(line.getString("logger")).isEqualTo("dev.parley.chat.store.jooq");
        assertThat(line.getString("message")).isEqualTo(
                "Storage unavailable: the database is unreachable\nsecond \"line\"\u0001 \ud800 ok \ud83d\ude00");
        assertThat(line.getString("thread")).isEqualTo(Thread.currentThread().getName());
        assertThat(line.getString("exception")).startsWith("java.lang.IllegalStateException: boom\n\tat ")
                .contains(LoggingTest.class.getName());
    }

    @Test
    void withoutAnExceptionThereIsNoExceptionMember() {
        JsonObject line = parse(new Logging.JsonFormatter().format(new LogRecord(Level.INFO, "hello")));
        assertThat(line.keySet()).containsExactly("ts", "level", "logger", "message", "thread");
    }

    /** The root logger's console handler, as main configures it, writing to a captured stream. */
    @Test
    void jsonFormatGoesToTheConsoleHandlersAndSlf4jLandsThereToo() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        Logger root = Logger.getLogger("test.root." + System.nanoTime());
        root.setUseParentHandlers(false);
        Handler console;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            console = new ConsoleHandler(); // takes System.err as it is now
        } finally {
            System.setErr(stderr);
        }
        root.addHandler(console);
        try {
            Logging.apply(ServerConfig.LogFormat.TEXT, root);
            assertThat(console.getFormatter()).isNotInstanceOf(Logging.JsonFormatter.class);
            Logging.apply(ServerConfig.LogFormat.JSON, root);
            root.warning("from java.util.logging");
            // jOOQ and HikariCP log through SLF4J: the slf4j-jdk14 binding hands their lines to java.util.logging
            org.slf4j.LoggerFactory.getLogger(root.getName() + ".hikari").warn("from {}", "SLF4J");
            console.flush();
            List<JsonObject> lines = new ArrayList<>();
            for (String line : captured.toString(StandardCharsets.UTF_8).split("(?<=\n)")) {
                lines.add(parse(line));
            }
            assertThat(lines).extracting(l -> l.getString("message"))
                    .containsExactly("from java.util.logging", "from SLF4J");
            assertThat(lines).extracting(l -> l.getString("logger"))
                    .containsExactly(root.getName(), root.getName() + ".hikari");
        } finally {
            root.removeHandler(console);
        }
    }
}
