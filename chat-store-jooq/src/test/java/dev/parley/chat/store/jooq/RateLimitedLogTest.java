package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final RateLimitedLog log = new RateLimitedLog(new Capture(), Duration.ofSeconds(30), now::get);

    @Test
    void anOutageThatFailsEveryRequestIsLoggedOncePerIntervalWithACountOfWhatWasLeftOut() {
        for (int i = 0; i < 1000; i++) {
            log.log(System.Logger.Level.WARNING, "the database is unreachable", null);
            now.addAndGet(Duration.ofMillis(50).toNanos());
        }
        // 50 s of failures at 20 per second: the first line, and one more 30 s later
        assertThat(lines).containsExactly("WARNING the database is unreachable",
                "WARNING the database is unreachable (599 similar messages left out since the last one)");
    }

    @Test
    void aLineAfterAQuietIntervalIsLoggedAsIs() {
        log.log(System.Logger.Level.WARNING, "first", null);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        log.log(System.Logger.Level.WARNING, "second", null);
        assertThat(lines).containsExactly("WARNING first", "WARNING second");
    }

    private final class Capture implements System.Logger {
        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    }
}
