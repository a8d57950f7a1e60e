package dev.parley.chat.bus.postgres;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The notifier thread's loop: takes what is queued in the {@link Outbox}, packs it into NOTIFY payloads
 * ({@link Payloads#pack}) and sends those on the session's notifier connection, several per round-trip, in
 * auto-commit. Only this thread notifies, so payloads leave in the order they were queued. A failed send gives the
 * session up ({@link Session#fail}) and counts the batch as dropped.
 */
final class Notifier implements Runnable {
    /** The most payloads taken from the outbox at once. */
    static final int MAX_BATCH_PAYLOADS = 4_096;
    /** The most NOTIFY payloads per round-trip (one transaction, one take of the commit lock): about 250 KB. */
    static final int MAX_NOTIFIES_PER_ROUND_TRIP = 32;
    /** How often the loop wakes with nothing to send, to run the watchdog. */
    private static final long WAKE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Sends each text in array order; WITH ORDINALITY and ORDER BY keep that order explicit. */
    private static final String NOTIFY_SQL =
            "SELECT pg_notify(?, p) FROM unnest(?::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i";

    private final String channel;
    private final long lingerNanos;
    private final Outbox outbox;
    private final Supplier<Session> session;
    private final Runnable watchdog;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param session the current session, or {@code null} while disconnected
     * @param watchdog run at least once a second on this thread (it checks that the listener is not stuck)
     */
    Notifier(Settings settings, Outbox outbox, Supplier<Session> session, Runnable watchdog) {
        this.channel = settings.channel();
        this.lingerNanos = settings.batchDelay().toNanos();
        this.outbox = outbox;
        this.session = session;
        this.watchdog = watchdog;
    }

    @Override
    public void run() {
        while (!stopped) {
            List<String> batch;
            try {
                batch = outbox.take(WAKE_NANOS, lingerNanos, MAX_BATCH_PAYLOADS);
            } catch (InterruptedException e) {
                continue; // stop() interrupts; the loop condition decides
            }
            watchdog.run();
            if (batch.isEmpty()) {
                continue;
            }
            Session current = session.get();
            if (current == null || current.failed()) {
                outbox.drop(batch.size());
                continue;
            }
            send(current, Payloads.pack(batch));
        }
    }

    /** Ends the loop after the send in progress, if any; the caller interrupts the thread to end a wait. */
    void stop() {
        stopped = true;
    }

    /** How many round-trips sent notifications (each one statement, one transaction). */
    long roundTrips() {
        return roundTrips.get();
    }

    /** How many NOTIFY payloads were sent (each carrying one or more payloads). */
    long notifications() {
        return notifications.get();
    }

    private void send(Session current, List<String> texts) {
        int next = 0;
        try {
            while (next < texts.size()) {
                List<String> roundTrip = roundTrip(texts, next);
                execute(current, roundTrip);
                next += roundTrip.size();
                roundTrips.incrementAndGet();
                notifications.addAndGet(roundTrip.size());
            }
        } catch (SQLException | RuntimeException e) {
            int lost = 0;
            for (String text : texts.subList(next, texts.size())) {
                lost += Payloads.split(text).size();
            }
            outbox.drop(lost);
            current.fail("could not notify: " + Listener.describe(e));
        }
    }

    /**
     * The texts from {@code from} that can share one round-trip: at most {@link #MAX_NOTIFIES_PER_ROUND_TRIP}, and no
     * two alike, since PostgreSQL delivers identical notifications of one transaction only once.
     */
    private static List<String> roundTrip(List<String> texts, int from) {
        List<String> roundTrip = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = from; i < texts.size() && roundTrip.size() < MAX_NOTIFIES_PER_ROUND_TRIP; i++) {
            if (!seen.add(texts.get(i))) {
                break;
            }
            roundTrip.add(texts.get(i));
        }
        return roundTrip;
    }

    private void execute(Session current, List<String> roundTrip) throws SQLException {
        current.notifyBusy(true);
        try (PreparedStatement statement = current.notify.prepareStatement(NOTIFY_SQL)) {
            Array array = current.notify.createArrayOf("text", roundTrip.toArray());
            statement.setString(1, channel);
            statement.setArray(2, array);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    // one void row per notification
                }
            }
        } finally {
            current.notifyBusy(false);
        }
    }
}
