package dev.parley.chat.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's logging, all of it through {@code java.util.logging}: the server, Grizzly, Tyrus and Liquibase log
 * there directly, jOOQ and HikariCP through SLF4J's {@code slf4j-jdk14} binding. So one handler, the root logger's
 * console handler (standard error), writes every line: as text, or with {@code PARLEY_LOG_FORMAT=json} as one JSON
 * object per line ({@link JsonFormatter}).
 */
final class Logging {
    /**
     * Loggers quietened by default, with their levels; held here (strongly) because java.util.logging keeps loggers
     * weakly and would forget a level set on one nobody else holds yet.
     */
    private static final Map<Logger, Level> QUIET = Map.of(
            Logger.getLogger("liquibase"), Level.WARNING,
            Logger.getLogger("org.jooq"), Level.WARNING,
            // HikariCP logs each connection a database outage breaks, with a stack trace; the storage's own warning
            // ("Storage unavailable: the database is unreachable", at most every 30 s) says it once.
            Logger.getLogger("com.zaxxer.hikari.pool"), Level.SEVERE,
            // Grizzly announces every graceful stop as a WARNING (GRIZZLY0030); it is routine here.
            Logger.getLogger("org.glassfish.grizzly.nio.GracefulShutdownRunner"), Level.SEVERE);

    private Logging() {
    }

    /**
     * Quiet defaults for a console. Each can be overridden: the text format with
     * {@code -Djava.util.logging.SimpleFormatter.format}, the levels with {@code -Djava.util.logging.config.file}
     * (which then decides every level).
     */
    static void quietDefaults() {
        setDefault("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        setDefault("org.jooq.no-logo", "true");
        setDefault("org.jooq.no-tips", "true");
        if (System.getProperty("java.util.logging.config.file") == null) {
            QUIET.forEach(Logger::setLevel);
        }
    }

    /**
     * Applies {@code PARLEY_LOG_FORMAT}: for {@code json}, every console handler of {@code root} writes UTF-8 JSON
     * lines; {@code text} leaves the handlers as they are.
     *
     * @param format the format
     * @param root the logger whose handlers to change (the root logger, {@code Logger.getLogger("")})
     */
    static void apply(ServerConfig.LogFormat format, Logger root) {
        if (format != ServerConfig.LogFormat.JSON) {
            return;
        }
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler) {
                handler.setFormatter(new JsonFormatter());
                try {
                    handler.setEncoding(StandardCharsets.UTF_8.name());
                } catch (UnsupportedEncodingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Where the server's start and stop announcements go: standard output, as plain lines for {@code text} and as
     * JSON lines (level {@code INFO}) for {@code json}. They bypass the logging system because its console handler
     * is closed by the JVM's shutdown, while the announcements are written during it.
     *
     * @param format the format
     * @param logger the logger name to put in JSON lines
     * @return the announcer
     */
    static Consumer<String> announcer(ServerConfig.LogFormat format, String logger) {
        if (format != ServerConfig.LogFormat.JSON) {
            return System.out::println;
        }
        JsonFormatter json = new JsonFormatter();
        return message -> {
            LogRecord record = new LogRecord(Level.INFO, message);
            record.setLoggerName(logger);
            System.out.print(json.format(record));
            System.out.flush();
        };
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * One JSON object per record, on one line: {@code ts} (ISO-8601, UTC), {@code level} (java.util.logging's
     * name: {@code SEVERE}, {@code WARNING}, {@code INFO}, {@code FINE}, …), {@code logger}, {@code message} (with
     * its parameters filled in), {@code thread} and, only when the record carries one, {@code exception} (the stack
     * trace as one string). Line breaks and other control characters inside values are escaped, so a record is
     * always exactly one line.
     */
    static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder b = new StringBuilder(256);
            b.append("{\"ts\":");
            string(b, record.getInstant().toString());
            b.append(",\"level\":");
            string(b, record.getLevel().getName());
            b.append(",\"logger\":");
            string(b, record.getLoggerName() == null ? "" : record.getLoggerName());
            b.append(",\"message\":");
            string(b, formatMessage(record));
            b.append(",\"thread\":");
            string(b, threadName(record));
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                try (PrintWriter w = new PrintWriter(trace)) {
                    record.getThrown().printStackTrace(w);
                }
                b.append(",\"exception\":");
                string(b, trace.toString().stripTrailing());
            }
            return b.append("}\n").toString();
        }

        /** Console handlers format on the logging thread, so its name is at hand; else the record's thread id. */
        private static String threadName(LogRecord record) {
            Thread current = Thread.currentThread();
            return current.getId() == record.getLongThreadID() ? current.getName()
                    : "thread-" + record.getLongThreadID();
        }

        private static void string(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        boolean loneSurrogate = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
                                && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
                        if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
                            loneSurrogate = false;
                        }
                        if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || loneSurrogate) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
    }
}
