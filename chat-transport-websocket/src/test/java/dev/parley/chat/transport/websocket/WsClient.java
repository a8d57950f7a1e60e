package dev.parley.chat.transport.websocket;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A test client on the JDK's WebSocket: frames land in a queue; every await is bounded. */
final class WsClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Close(int code, String reason) {
    }

    final WebSocket ws;
    private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    /** Every frame taken from the inbox so far, in order. */
    final List<JsonObject> seen = new ArrayList<>();
    private final List<JsonObject> unconsumed = new ArrayList<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();

    private WsClient(WebSocket.Builder builder, URI uri) {
        StringBuilder partial = new StringBuilder();
        this.ws = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    inbox.add(parse(partial.toString()));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                pings.incrementAndGet();
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(new Close(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(new Close(1006, String.valueOf(error)));
            }
        }).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    static WsClient connect(URI uri) {
        return new WsClient(HTTP.newWebSocketBuilder(), uri);
    }

    static WsClient connect(URI uri, String origin) {
        return new WsClient(HTTP.newWebSocketBuilder().header("Origin", origin), uri);
    }

    /** Connects and authenticates; returns once {@code ready} arrived. */
    static WsClient authenticated(URI uri, String token) {
        WsClient c = connect(uri);
        c.send(obj("type", "auth", "token", token));
        c.await("ready");
        return c;
    }

    static JsonObject parse(String text) {
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    /** A JSON object from alternating names and values (String, Long/Integer, Boolean). */
    static String obj(Object... kv) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            String k = (String) kv[i];
            Object v = kv[i + 1];
            if (v instanceof String) {
                b.add(k, (String) v);
            } else if (v instanceof Integer) {
                b.add(k, (Integer) v);
            } else if (v instanceof Long) {
                b.add(k, (Long) v);
            } else if (v instanceof Boolean) {
                b.add(k, (Boolean) v);
            } else {
                throw new IllegalArgumentException(k);
            }
        }
        return b.build().toString();
    }

    void send(String text) {
        try {
            ws.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (RuntimeException e) {
            throw new AssertionError("send failed; socket closed with " + closed.getNow(null) + "; seen " + seen, e);
        }
    }

    /** The next frame of this type, skipping (but recording) others. */
    JsonObject await(String type) {
        return await(f -> type.equals(f.getString("type", null)), TIMEOUT);
    }

    JsonObject await(Predicate<JsonObject> match) {
        return await(match, TIMEOUT);
    }

    /**
     * The first not yet consumed frame that matches, waiting up to the timeout. Frames that do not match stay
     * available to later awaits; {@link #seen} records every frame received so far.
     */
    JsonObject await(Predicate<JsonObject> match, Duration timeout) {
        for (java.util.Iterator<JsonObject> it = unconsumed.iterator(); it.hasNext();) {
            JsonObject f = it.next();
            if (match.test(f)) {
                it.remove();
                return f;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            JsonObject f;
            try {
                f = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout + "; seen " + seen);
            }
            seen.add(f);
            if (match.test(f)) {
                return f;
            }
            unconsumed.add(f);
        }
    }

    /** The next frame, whatever it is, in arrival order. */
    JsonObject next() {
        return await(f -> true);
    }

    /** Sends, ignoring a failure because the socket is already closing. */
    void trySend(String text) {
        try {
            send(text);
        } catch (AssertionError e) {
            // closed under us
        }
    }

    Close awaitClose() {
        return closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(t -> null).join();
            closed.completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
        }
        ws.abort();
    }
}
