package dev.parley.chat.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimedLoadTest {
    @Test
    void givesOneRatePerRepeatFromEveryThreadAndClosesTheWorkers() {
        AtomicInteger closed = new AtomicInteger();
        AtomicLong commits = new AtomicLong();
        TimedLoad.Measurement m = TimedLoad.run(3, t -> new TimedLoad.Worker() {
            @Override
            public long step() throws InterruptedException {
                Thread.sleep(1);
                commits.incrementAndGet();
                return 2;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        }, 0.02, 0.1, 3, commits::get);

        assertThat(m.failure()).isNull();
        assertThat(m.rates()).hasSize(3).allSatisfy(r -> assertThat(r).isBetween(100.0, 6_000.0 * 1.5));
        assertThat(m.operations()).hasSize(3);
        assertThat(m.windows()).hasSize(3).allSatisfy(w -> assertThat(w[1] - w[0]).isGreaterThanOrEqualTo(100_000_000L));
        for (int i = 0; i < 3; i++) {
            // 2 operations per step, one commit per step
            assertThat((double) m.operations().get(i) / m.commits().get(i)).isBetween(1.8, 2.2);
        }
        assertThat(closed).hasValue(3);
    }

    @Test
    void aFailingWorkerStopsTheLoadAndKeepsTheRepeatsMeasuredBefore() {
        long start = System.nanoTime();
        AtomicInteger steps = new AtomicInteger();
        TimedLoad.Measurement m = TimedLoad.run(2, t -> () -> {
            Thread.sleep(1);
            if (t == 1 && steps.incrementAndGet() > 60) {
                throw new IllegalStateException("boom");
            }
            return 1;
        }, 0, 0.05, 100, null);

        assertThat(m.failure()).hasMessage("boom");
        assertThat(m.rates().size()).isLessThan(100);
        assertThat(m.commits()).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
