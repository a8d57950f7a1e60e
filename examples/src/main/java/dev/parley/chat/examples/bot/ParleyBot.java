package dev.parley.chat.examples.bot;

import dev.parley.chat.client.ConnectionListener;
import dev.parley.chat.client.ConnectionState;
import dev.parley.chat.client.Message;
import dev.parley.chat.client.ParleyClient;
import dev.parley.chat.client.ParleyClientException;
import dev.parley.chat.client.RoomListener;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bot on the Java client ({@code chat-client}): it logs in, joins a room and answers {@code /echo <text>} and
 * {@code /time}. It survives server restarts: the client reconnects with backoff and resumes the room from the last
 * change it delivered, so messages sent while the bot was away are answered, each exactly once (answered message ids
 * are remembered, and each reply carries a client message id derived from the question's id, so a reply re-sent from
 * the client's outbox after a lost connection is stored only once).
 *
 * <p>Start the reference server first (see the README), then:
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.parley.chat.examples.bot.ParleyBot \
 *     [-Dexec.args="http://127.0.0.1:8080/ echobot 'echo bot password' general"]</pre>
 *
 * <p>Arguments, else environment variables, else defaults: server URL ({@code PARLEY_BOT_URL},
 * {@code http://127.0.0.1:8080/}), username ({@code PARLEY_BOT_USER}, {@code echobot}), password
 * ({@code PARLEY_BOT_PASSWORD}, {@code echo bot password}), room ({@code PARLEY_BOT_ROOM}, {@code general}). The
 * account is registered on first use.
 *
 * <p>Threads: the client calls the listener on its callback thread, one event at a time; logging in (again) runs on
 * the bot's own thread.
 */
public final class ParleyBot implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ParleyBot.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);

    /**
     * What the bot connects to.
     *
     * @param server the server's base URL, for example {@code http://127.0.0.1:8080/}
     * @param username the bot's account
     * @param password its password
     * @param room the room to answer in
     * @param maxBackoff the longest wait between reconnection attempts
     */
    public record Config(URI server, String username, String password, String room, Duration maxBackoff) {
        /** From {@code [url [user [password [room]]]]}, else the environment, else the defaults. */
        static Config from(String[] args, Map<String, String> env) {
            String[] keys = {"PARLEY_BOT_URL", "PARLEY_BOT_USER", "PARLEY_BOT_PASSWORD", "PARLEY_BOT_ROOM"};
            String[] values = {"http://127.0.0.1:8080/", "echobot", "echo bot password", "general"};
            for (int i = 0; i < values.length; i++) {
                values[i] = args.length > i ? args[i] : env.getOrDefault(keys[i], values[i]);
            }
            return new Config(URI.create(values[0]), values[1], values[2], values[3], Duration.ofSeconds(10));
        }
    }

    private final Config config;
    private final ParleyClient client;
    private final ScheduledExecutorService logins = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-bot");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger answers = new AtomicInteger();
    private volatile boolean connected;
    private volatile boolean joined;
    private volatile boolean closed;
    /** Ids of the messages already answered (the most recent 10,000); touched on the callback thread only. */
    private final Set<Long> answered = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    public ParleyBot(Config config) {
        this.config = config;
        this.client = ParleyClient.builder(config.server()).backoff(MIN_BACKOFF, config.maxBackoff())
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onStateChanged(ConnectionState state) {
                        connected = state == ConnectionState.CONNECTED;
                        if (state != ConnectionState.CONNECTED) {
                            LOG.log(System.Logger.Level.INFO, "Connection: " + state);
                        }
                    }

                    @Override
                    public void onSessionEnded(String reason) {
                        LOG.log(System.Logger.Level.INFO, "Session ended (" + reason + "): logging in again");
                        logins.execute(() -> start(0));
                    }
                })
                .build();
    }

    /** Connects in the background; the bot keeps reconnecting until {@link #close()}. */
    public ParleyBot start() {
        logins.execute(() -> start(0));
        return this;
    }

    /** Whether the bot is connected and subscribed to its room right now. */
    public boolean isSubscribed() {
        return connected && joined;
    }

    /** How many messages the bot has answered. */
    public int answerCount() {
        return answers.get();
    }

    /** What the bot answers to a message, or {@code null} for no answer. */
    static String answer(String body) {
        if (body.startsWith("/echo ") && !body.substring(6).isBlank()) {
            return body.substring(6);
        }
        if (body.strip().equals("/time")) {
            return "The time is " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " (UTC)";
        }
        return null;
    }

    /** Logs in (registering the account on first use), connects and joins; retries with backoff on failure. */
    private void start(int attempt) {
        if (closed) {
            return;
        }
        try {
            try {
                client.login(config.username(), config.password());
            } catch (ParleyClientException e) {
                if (!e.code().equals("invalid_credentials")) {
                    throw e;
                }
                client.register(config.username(), config.password());
                client.login(config.username(), config.password());
            }
            client.connect().join();
            client.join(config.room(), new Answerer()).join();
            joined = true;
            LOG.log(System.Logger.Level.INFO, "Answering in " + config.room());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "Cannot start on " + config.server() + " (" + e + ")");
            long delay = Math.min(config.maxBackoff().toMillis(), MIN_BACKOFF.toMillis() << Math.min(attempt, 10));
            logins.schedule(() -> start(attempt + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Answers commands; the client delivers each message once, live or replayed after a reconnect. */
    private final class Answerer implements RoomListener {
        @Override
        public void onMessage(Message m, boolean replayed) {
            String reply = answer(m.body());
            if (reply == null || m.sender().equalsIgnoreCase(config.username()) || !answered.add(m.id())) {
                return; // not a command, our own message, or answered already
            }
            answers.incrementAndGet();
            client.send(config.room(), reply, "bot-reply-" + m.id()).whenComplete((sent, error) -> {
                if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "Reply to " + m.id() + " refused: " + error);
                }
            });
        }

        @Override
        public void onResync(String room) {
            LOG.log(System.Logger.Level.INFO, "Room " + room + " was reset on the server; answering from now on");
        }
    }

    /** Closes the connection and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        joined = false;
        logins.shutdownNow();
        client.close();
    }

    /** Runs the bot until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        Config config = Config.from(args, System.getenv());
        System.out.println("Bot " + config.username() + " answers /echo and /time in " + config.room() + " on "
                + config.server() + " (Ctrl-C stops)");
        ParleyBot bot = new ParleyBot(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bot.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
