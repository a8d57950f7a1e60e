package dev.parley.chat.examples.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JDK WebSocket client speaking Parley's protocol for tests: every received frame is queued as JSON. */
public final class TestSocket implements AutoCloseable {
    private static final long WAIT_SECONDS = 15;

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private TestSocket(URI wsUri) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(wsUri, new Listener()).join();
    }

    /** Connects to {@code wsUri} without authenticating. */
    public static TestSocket connect(URI wsUri) {
        return new TestSocket(wsUri);
    }

    /** Connects, sends {@code auth} and waits for {@code ready}. */
    public static TestSocket authenticated(URI wsUri, String token) throws InterruptedException {
        TestSocket s = connect(wsUri);
        s.send(Json.createObjectBuilder().add("type", "auth").add("token", token).build());
        s.await("ready");
        return s;
    }

    public void send(JsonObject frame) {
        socket.sendText(frame.toString(), true).join();
    }

    /** Joins a room and waits for {@code subscribed}. */
    public JsonObject join(String room) throws InterruptedException {
        send(Json.createObjectBuilder().add("type", "join").add("room", room).build());
        return await("subscribed");
    }

    /** Resumes a room after a sequence number and waits for {@code subscribed}. */
    public JsonObject resume(String room, long afterSeq) throws InterruptedException {
        send(Json.createObjectBuilder().add("type", "resume").add("room", room).add("afterSeq", afterSeq).build());
        return await("subscribed");
    }

    /** Sends a message and waits for its {@code ack}; returns the stored message. */
    public JsonObject say(String room, String body) throws InterruptedException {
        send(Json.createObjectBuilder().add("type", "send").add("room", room).add("body", body).build());
        return await("ack").getJsonObject("message");
    }

    /** Waits for the next frame of this type, skipping others. */
    public JsonObject await(String type) throws InterruptedException {
        return awaitFrame(f -> type.equals(f.getString("type", null)), type);
    }

    /** Waits for a {@code message} event matching the predicate (on its {@code message} object), skipping others. */
    public JsonObject awaitMessage(Predicate<JsonObject> message, String what) throws InterruptedException {
        return awaitFrame(f -> "message".equals(f.getString("type", null)) && message.test(f.getJsonObject("message")),
                what).getJsonObject("message");
    }

    private JsonObject awaitFrame(Predicate<JsonObject> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            JsonObject f = frames.poll(50, TimeUnit.MILLISECONDS);
            if (f == null) {
                continue;
            }
            if (wanted.test(f)) {
                return f;
            }
            skipped.add(f.toString());
        }
        throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s; skipped " + skipped);
    }

    /** The close code the server sent, waiting a bounded time. */
    public int awaitClose() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try (JsonReader r = Json.createReader(new StringReader(partial.toString()))) {
                    frames.add(r.readObject());
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
