package dev.parley.chat.bus.postgres;

import dev.parley.chat.core.spi.Bus;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The listener thread's loop: connects (the listener connection, LISTEN, then the notifier connection), tells the
 * receiver, polls for notifications and checks that the server still answers, and on any failure gives the session
 * up, tells the receiver once, backs off and connects again. Every receiver call comes from this thread.
 *
 * <p>Failure detection: a poll waits at most the poll interval; after {@link #LIVENESS_IDLE_NANOS} without hearing
 * from the server, a validity check with a {@link #LIVENESS_TIMEOUT_SECONDS} timeout proves the connection alive (a
 * stalled socket, open but silent, fails it), so a stall is noticed within about the idle time plus the poll interval
 * plus the check's timeout. A call blocked for longer than {@link #STUCK_NANOS} on either connection (a read the
 * driver does without a timeout) is broken off by the other thread's watchdog.
 */
final class Listener implements Runnable {
    private static final System.Logger LOG = System.getLogger(PostgresBus.class.getName());

    static final long LIVENESS_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int LIVENESS_TIMEOUT_SECONDS = 2;
    /** Longer than any legitimate call: the socket timeout of a statement, plus a margin. */
    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(Settings.SOCKET_TIMEOUT_SECONDS + 2);
    static final String RECONNECT_REQUESTED = "reconnect requested";

    private final Settings settings;
    /** Starts every log line. */
    private final String logPrefix;
    private final Bus.Receiver receiver;
    private final Outbox outbox;
    private final Object pause = new Object();
    private volatile Session current;
    private volatile boolean stopped;

    Listener(Settings settings, Bus.Receiver receiver, Outbox outbox) {
        this.settings = settings;
        this.logPrefix = "PostgreSQL bus on channel " + settings.channel();
        this.receiver = receiver;
        this.outbox = outbox;
    }

    @Override
    public void run() {
        int failures = 0;
        boolean outage = false; // the WARNING for the current outage has been logged
        long outageSince = 0;
        while (!stopped) {
            Session session;
            try {
                session = connect();
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                failures++;
                if (!outage) {
                    outage = true;
                    outageSince = System.nanoTime();
                    LOG.log(Level.WARNING, logPrefix + ": cannot connect (" + describe(e) + "); retrying");
                }
                LOG.log(Level.DEBUG, logPrefix + ": connection attempt "
                        + failures + " failed", e);
                pause(backoffNanos(failures));
                continue;
            }
            if (outage) {
                LOG.log(Level.INFO, logPrefix + ": connected again after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSince) + " ms");
            }
            outage = false;
            failures = 0;
            current = session;
            outbox.open();
            safely("onConnected", receiver::onConnected);

            String reason = poll(session);

            outbox.shut();
            current = null;
            if (reason == null) { // stopped: a clean goodbye
                unlistenAndClose(session);
                break;
            }
            session.abort();
            if (RECONNECT_REQUESTED.equals(reason)) {
                LOG.log(Level.INFO, logPrefix + ": reconnecting as requested");
            } else {
                outage = true;
                outageSince = System.nanoTime();
                failures++;
                LOG.log(Level.WARNING, logPrefix + ": connection lost ("
                        + reason + "); reconnecting");
            }
            safely("onDisconnected", () -> receiver.onDisconnected(reason));
            if (failures > 0) {
                pause(backoffNanos(failures));
            }
        }
        outbox.shut();
    }

    /** The current session, or {@code null} while disconnected. */
    Session current() {
        return current;
    }

    /** Drops the current session, if any, as after a failure; the loop then connects again at once. */
    void reconnect() {
        Session session = current;
        if (session != null) {
            session.fail(RECONNECT_REQUESTED);
        }
    }

    /** Ends the loop: at its next poll (after at most the poll interval), or at once while it backs off. */
    void stop() {
        stopped = true;
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    /** Closes the current session's connections at once, for a loop that did not end in time after {@link #stop}. */
    void abort() {
        Session session = current;
        if (session != null) {
            session.abort();
        }
    }

    /** The watchdog, run by the notifier thread: breaks off a listener call blocked for too long. */
    void checkStuck() {
        Session session = current;
        if (session != null && session.listenBusyNanos() > STUCK_NANOS) {
            session.fail("no answer on the listener connection for "
                    + TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS) + " s");
        }
    }

    private Session connect() throws SQLException {
        Connection listen = null;
        try {
            listen = open();
            try (Statement statement = listen.createStatement()) {
                statement.execute("LISTEN " + settings.quotedChannel());
            }
            return new Session(listen, open());
        } catch (SQLException | RuntimeException e) {
            Session.abort(listen);
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.connectionProperties());
        try {
            connection.setAutoCommit(true); // never holds a transaction open (that would block the notify queue)
            return connection;
        } catch (SQLException | RuntimeException e) {
            Session.abort(connection);
            throw e;
        }
    }

    /**
     * Delivers notifications until the session fails.
     *
     * @return why it failed, or {@code null} if the listener was stopped
     */
    private String poll(Session session) {
        int pollMillis = (int) settings.pollInterval().toMillis();
        long lastContact = System.nanoTime();
        try {
            PGConnection pg = session.listen.unwrap(PGConnection.class);
            while (true) {
                if (stopped) {
                    return null;
                }
                if (session.failed()) {
                    return session.failure();
                }
                if (session.notifyBusyNanos() > STUCK_NANOS) {
                    return "no answer on the notifier connection for "
                            + TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS) + " s";
                }
                PGNotification[] notifications;
                session.listenBusy(true);
                try {
                    notifications = pg.getNotifications(pollMillis);
                } finally {
                    session.listenBusy(false);
                }
                if (notifications != null && notifications.length > 0) {
                    lastContact = System.nanoTime();
                    deliver(notifications);
                } else if (System.nanoTime() - lastContact >= LIVENESS_IDLE_NANOS) {
                    if (!valid(session)) {
                        return session.failed() ? session.failure()
                                : "no answer from the server within " + LIVENESS_TIMEOUT_SECONDS + " s";
                    }
                    lastContact = System.nanoTime();
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (stopped) {
                return null;
            }
            return session.failed() ? session.failure() : describe(e);
        }
    }

    private static boolean valid(Session session) throws SQLException {
        session.listenBusy(true);
        try {
            return session.listen.isValid(LIVENESS_TIMEOUT_SECONDS);
        } finally {
            session.listenBusy(false);
        }
    }

    private void deliver(PGNotification[] notifications) {
        for (PGNotification notification : notifications) {
            if (!settings.channel().equals(notification.getName())) {
                continue;
            }
            for (String payload : Payloads.split(notification.getParameter())) {
                safely("onMessage", () -> receiver.onMessage(payload));
            }
        }
    }

    private void unlistenAndClose(Session session) {
        try (Statement statement = session.listen.createStatement()) {
            statement.execute("UNLISTEN " + settings.quotedChannel());
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, logPrefix + ": UNLISTEN failed", e);
        }
        close(session.listen);
        close(session.notify);
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            Session.abort(connection);
        }
    }

    private void safely(String method, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, logPrefix + ": the receiver's " + method
                    + " failed", e);
        }
    }

    /** Waits, unless stopped first. */
    private void pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (pause) {
            long left;
            while (!stopped && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(pause, left);
                } catch (InterruptedException e) {
                    return; // only close() interrupts, after stop()
                }
            }
        }
    }

    /** The delay before attempt {@code failures + 1}: the minimum doubled per failure, capped, jittered down by up to half. */
    long backoffNanos(int failures) {
        long min = settings.minBackoff().toNanos();
        long max = settings.maxBackoff().toNanos();
        int doublings = Math.min(failures - 1, 32);
        long delay = min > (max >> doublings) ? max : Math.min(max, min << doublings);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /** A one-line description of a failure, for the logs and the receiver. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
