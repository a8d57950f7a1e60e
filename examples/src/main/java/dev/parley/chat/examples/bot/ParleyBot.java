package dev.parley.chat.examples.bot;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bot that talks to a Parley server the way any client does: it logs in over REST, opens the WebSocket, joins a
 * room and answers {@code /echo <text>} and {@code /time}. It survives server restarts: it reconnects with
 * exponential backoff and {@code resume}s from the last sequence number it saw, so messages sent while it was away
 * are answered, each exactly once (answered message ids are remembered, and each reply carries a client message id
 * derived from the question's id, so a reply re-sent after a lost connection is stored only once).
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
 * <p>Threads: all state lives on one thread, the bot's event loop; socket callbacks only hand frames to it.
 */
public final class ParleyBot implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ParleyBot.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-bot");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger answers = new AtomicInteger();

    // ---- state, confined to the loop thread ----
    private String token;
    private WebSocket socket;
    private boolean closed;
    private Duration backoff = MIN_BACKOFF;
    /** The highest sequence seen in the room; -1 before the first join. */
    private long lastSeq = -1;
    /** Ids of the messages already answered (the most recent 10,000). */
    private final Set<Long> answered = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    /** Replies sent but not yet acknowledged, by client message id: re-sent after a reconnect. */
    private final Map<String, JsonObject> outbox = new LinkedHashMap<>();
    private volatile boolean subscribed;

    public ParleyBot(Config config) {
        this.config = config;
    }

    /** Connects in the background; the bot keeps reconnecting until {@link #close()}. */
    public ParleyBot start() {
        loop.execute(this::connect);
        return this;
    }

    /** Whether the bot is connected and subscribed to its room right now. */
    public boolean isSubscribed() {
        return subscribed;
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

    // ---- connecting ------------------------------------------------------------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        try {
            if (token == null) {
                token = login();
            }
            URI ws = URI.create(config.server().toString().replaceFirst("^http", "ws")).resolve("/ws");
            socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(ws, new Listener())
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            send(Json.createObjectBuilder().add("type", "auth").add("token", token).build());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.INFO, "Cannot connect to " + config.server() + " (" + e + ")");
            reconnectLater();
        }
    }

    /** Logs in over REST, registering the account on first use; returns the session token. */
    private String login() throws IOException, InterruptedException {
        JsonObject credentials = Json.createObjectBuilder()
                .add("username", config.username()).add("password", config.password()).build();
        HttpResponse<String> r = post("/api/login", credentials);
        if (r.statusCode() == 401) {
            HttpResponse<String> registered = post("/api/register", credentials);
            if (registered.statusCode() != 201) {
                throw new IOException("cannot register " + config.username() + ": " + registered.body());
            }
            r = post("/api/login", credentials);
        }
        if (r.statusCode() != 200) {
            throw new IOException("login failed: " + r.statusCode() + " " + r.body());
        }
        return parse(r.body()).getString("token");
    }

    private HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(config.server().resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void reconnectLater() {
        socket = null;
        subscribed = false;
        if (closed) {
            return;
        }
        long millis = backoff.toMillis();
        long delay = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1); // jitter: 50-100 %
        backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff()
                : backoff.multipliedBy(2);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    // ---- frames ----------------------------------------------------------------------------------------------

    private void onFrame(WebSocket from, JsonObject frame) {
        if (from != socket) {
            return; // from a socket given up on
        }
        String room = config.room();
        switch (frame.getString("type", "")) {
            case "ready" -> {
                backoff = MIN_BACKOFF;
                if (lastSeq < 0) { // first time: live from now on
                    send(Json.createObjectBuilder().add("type", "join").add("room", room).build());
                } else { // again: everything after the last message seen, then live
                    send(Json.createObjectBuilder().add("type", "resume").add("room", room)
                            .add("afterSeq", lastSeq).build());
                }
            }
            case "subscribed" -> {
                if (lastSeq < 0) {
                    lastSeq = frame.getJsonNumber("lastSeq").longValue();
                }
                subscribed = true;
                LOG.log(System.Logger.Level.INFO, "Answering in " + room + " from seq " + (lastSeq + 1));
                outbox.values().forEach(this::send); // replies whose ack was lost: stored once, thanks to clientMsgId
            }
            case "message" -> onMessage(frame.getJsonObject("message"));
            case "ack" -> outbox.remove(frame.getString("clientMsgId", ""));
            case "error" -> LOG.log(System.Logger.Level.WARNING, "Server says: " + frame);
            default -> { } // presence, typing, ...: not for bots
        }
    }

    private void onMessage(JsonObject m) {
        long seq = m.getJsonNumber("seq").longValue();
        if (!m.getString("room").equals(config.room()) || seq <= lastSeq) {
            return;
        }
        lastSeq = seq;
        String reply = answer(m.getString("body"));
        long id = m.getJsonNumber("id").longValue();
        if (reply == null || m.getString("sender").equalsIgnoreCase(config.username()) || !answered.add(id)) {
            return; // not a command, our own message, or answered already
        }
        String clientMsgId = "bot-reply-" + id;
        JsonObject frame = Json.createObjectBuilder().add("type", "send").add("room", config.room())
                .add("body", reply).add("clientMsgId", clientMsgId).build();
        outbox.put(clientMsgId, frame);
        answers.incrementAndGet();
        send(frame);
    }

    private void onClosed(WebSocket from, int code, String reason) {
        if (from != socket) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "Disconnected: " + code + " " + reason);
        if (code == 1008 && Set.of("invalid_token", "token_expired", "logged_out").contains(reason)) {
            token = null; // log in again
        }
        reconnectLater();
    }

    private void send(JsonObject frame) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        try { // one send at a time: the JDK WebSocket allows no overlapping sends
            ws.sendText(frame.toString(), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
            onClosed(ws, 1006, "send failed: " + e);
        }
    }

    private static JsonObject parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }

    /** Receives frames on the HTTP client's threads and hands them to the loop. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject frame = parse(text.toString());
                text.setLength(0);
                loop.execute(() -> onFrame(ws, frame));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            loop.execute(() -> onClosed(ws, code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            loop.execute(() -> onClosed(ws, 1006, String.valueOf(error)));
        }
    }

    /** Closes the connection and stops reconnecting. */
    @Override
    public void close() {
        CountDownLatch done = new CountDownLatch(1);
        try {
            loop.execute(() -> {
                closed = true;
                subscribed = false;
                if (socket != null) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
                    socket.abort();
                    socket = null;
                }
                done.countDown();
            });
            done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // already closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
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
