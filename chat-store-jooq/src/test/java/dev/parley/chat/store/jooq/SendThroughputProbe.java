package dev.parley.chat.store.jooq;

import dev.parley.chat.core.Room;
import dev.parley.chat.core.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures SQLite {@code append} throughput with 1 and with 8 concurrent senders (100-byte bodies, each
 * with a unique client message id, one room). Prints the median of 3 runs and their range. Run with
 * {@code java -cp <test class path> dev.parley.chat.store.jooq.SendThroughputProbe [secondsPerRun]}.
 */
public final class SendThroughputProbe {
    private static final String BODY = "x".repeat(100);

    private SendThroughputProbe() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = Files.createTempDirectory("parley-probe");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("probe.db"))) {
            Room room = TestData.room(storage, "probe");
            List<User> senders = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                senders.add(TestData.user(storage, "sender" + i));
            }
            AtomicLong ids = new AtomicLong();
            run(storage, room, senders, 8, 2, ids); // warm-up: JIT, page cache, WAL
            for (int threads : new int[] {1, 8}) {
                double[] rates = new double[3];
                long commitsBefore = storage.commitCount();
                long appends = 0;
                for (int r = 0; r < rates.length; r++) {
                    long[] counted = run(storage, room, senders, threads, seconds, ids);
                    appends += counted[0];
                    rates[r] = counted[0] / (counted[1] / 1e9);
                }
                double perCommit = (double) appends / (storage.commitCount() - commitsBefore);
                Arrays.sort(rates);
                System.out.printf("%d sender(s): median %.0f msg/s (range %.0f..%.0f), %.1f appends per commit%n",
                        threads, rates[1], rates[0], rates[2], perCommit);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Appends for about {@code seconds} from {@code threads} threads; returns {count, elapsed nanos}. */
    private static long[] run(JooqChatStorage storage, Room room, List<User> senders, int threads, double seconds,
            AtomicLong ids) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            User sender = senders.get(t);
            workers.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        storage.messages().append(TestData.message(room, sender, BODY, "c" + ids.incrementAndGet()));
                        count.incrementAndGet();
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        done.await();
        return new long[] {count.get(), System.nanoTime() - start};
    }
}
