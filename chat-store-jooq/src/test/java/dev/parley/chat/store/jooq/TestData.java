package dev.parley.chat.store.jooq;

import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the store-specific tests. */
final class TestData {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    private TestData() {
    }

    static User user(ChatStorage storage, String name) {
        return storage.users().create(new NewUser(name, name.toLowerCase(Locale.ROOT), "hash", T0));
    }

    static Room room(ChatStorage storage, String name) {
        return storage.rooms().create(new NewRoom(name, RoomType.PUBLIC, 0, T0));
    }

    static NewMessage message(Room room, User sender, String body, String clientMsgId) {
        return new NewMessage(room.id(), room.name(), sender.id(), sender.username(), body, clientMsgId, T0);
    }

    /** Runs {@code threads} tasks that start together; returns their results, or rethrows the first failure. */
    static <T> List<T> inParallel(int threads, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                Callable<T> call = () -> {
                    start.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }
}
