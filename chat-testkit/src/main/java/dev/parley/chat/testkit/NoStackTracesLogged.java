package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test if anything logged a stack trace while it ran: a client's bad input must be answered, not logged as a
 * failure (one stack trace per bad frame or request would let any client flood the log). Listens on the root
 * {@code java.util.logging} logger, where {@code System.Logger}, Grizzly and Tyrus log by default, on every thread.
 * Use with {@code @ExtendWith(NoStackTracesLogged.class)} on a test class whose tests only send bad input that the
 * server must shrug off.
 */
public final class NoStackTracesLogged implements BeforeEachCallback, AfterEachCallback {
    private final List<LogRecord> withStackTrace = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getThrown() != null) {
                withStackTrace.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeEach(ExtensionContext context) {
        withStackTrace.clear();
        Logger.getLogger("").addHandler(recorder);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Logger.getLogger("").removeHandler(recorder);
        assertThat(withStackTrace).as("log records with a stack trace")
                .extracting(r -> r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown())
                .isEmpty();
    }
}
