package dev.parley.chat.server;

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

/** A JDK WebSocket client that queues received frames as JSON objects. */
final class TestSocket implements AutoCloseable {
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private final WebSocket socket;

    private TestSocket(URI uri, String origin) {
        HttpClient client = HttpClient.newHttpClient();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Connects to {@code ws://host:port/ws}; throws the handshake failure (as a CompletionException). */
    static TestSocket connect(URI httpBase, String origin) {
        return new TestSocket(wsUri(httpBase), origin);
    }

    static URI wsUri(URI httpBase) {
        return URI.create("ws://" + httpBase.getHost() + ":" + httpBase.getPort() + "/ws");
    }

    /** Connects and authenticates. */
    static TestSocket authenticated(URI httpBase, String token) throws InterruptedException {
        TestSocket s = connect(httpBase, null);
        s.send(TestClient.json("type", "auth", "token", token));
        s.await("ready");
        return s;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Waits for the next frame of this type, skipping others (presence, typing, unread...). */
    JsonObject await(String type) throws InterruptedException {
        return await(type + " frame", f -> type.equals(f.getString("type", null)), !type.equals("error"));
    }

    /** Waits for the next frame {@code wanted} accepts, skipping others, error frames included. */
    JsonObject awaitMatching(String what, Predicate<JsonObject> wanted) throws InterruptedException {
        return await(what, wanted, false);
    }

    /** Waits for the next stream frame (a room change: a frame with a top-level {@code change}), skipping others. */
    JsonObject awaitStreamFrame() throws InterruptedException {
        return await("stream frame", f -> f.containsKey("change"), true);
    }

    private JsonObject await(String what, Predicate<JsonObject> wanted, boolean failOnError)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            JsonObject f = frames.poll(100, TimeUnit.MILLISECONDS);
            if (f == null) {
                continue;
            }
            if (wanted.test(f)) {
                return f;
            }
            if (failOnError && "error".equals(f.getString("type", null))) {
                throw new AssertionError("error frame while waiting for " + what + ": " + f);
            }
            skipped.add(f.toString());
        }
        throw new AssertionError("no " + what + " within 10 s; skipped " + skipped);
    }

    /** The close code the server sent, waiting up to 10 s. */
    int awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    /** The close code and reason the server sent, as {@code "1008 invalid_token"}, waiting up to 10 s. */
    String awaitCloseWithReason() throws Exception {
        int code = awaitClose();
        return code + " " + closeReason;
    }

    boolean isClosed() {
        return closed.isDone();
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
                try (JsonReader r = TestClient.JSON.createReader(new StringReader(partial.toString()))) {
                    frames.add(r.readObject());
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
