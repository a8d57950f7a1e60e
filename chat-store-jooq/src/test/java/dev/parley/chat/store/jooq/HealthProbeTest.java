package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.UnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/** The rate limit alone, on a clock the test moves; {@code SqliteStorageTest} checks it on a real database. */
class HealthProbeTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger probes = new AtomicInteger();
    private volatile boolean down;
    private final HealthProbe probe = new HealthProbe(new CountingDb(), Duration.ofSeconds(1), now::get);

    @Test
    void aFailureIsRepeatedToCheckersWithoutProbingAgainWithinTheInterval() {
        down = true;
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(probe::check).isInstanceOf(UnavailableException.class)
                    .hasMessage("the database is unreachable");
        }
        assertThat(probes).hasValue(1);

        down = false;
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThatThrownBy(probe::check).as("still the last outcome").isInstanceOf(UnavailableException.class);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThatCode(probe::check).doesNotThrowAnyException();
        assertThat(probes).hasValue(2);
    }

    private final class CountingDb implements Db {
        @Override
        public <T> T read(String operation, Function<DSLContext, T> work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T write(String operation, Function<DSLContext, T> work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkHealth() {
            probes.incrementAndGet();
            if (down) {
                throw Errors.unavailable("the database is unreachable", null);
            }
        }

        @Override
        public void close() {
        }
    }
}
