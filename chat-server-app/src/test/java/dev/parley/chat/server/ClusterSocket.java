package dev.parley.chat.server;

import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A socket of a cluster test: keeps every frame it receives, in order, and how it closed. */
final class ClusterSocket implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String name;
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private ClusterSocket(String name, URI httpBase) {
        this.name = name;
        URI ws = URI.create("ws://" + httpBase.getHost() + ":" + httpBase.getPort() + "/ws");
        socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(ws, new Listener())
                .join();
    }

    /** Connects, authenticates and waits for {@code ready}. */
    static ClusterSocket signedIn(String name, URI httpBase, String token) {
        ClusterSocket s = new ClusterSocket(name, httpBase);
        s.send(TestClient.json("type", "auth", "token", token));
        s.await("ready", f -> "ready".equals(f.getString("type")), Duration.ofSeconds(10));
        return s;
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** Joins a room and returns its {@code subscribed} frame. */
    JsonObject join(String room) {
        send(TestClient.json("type", "join", "room", room, "ref", "j-" + room));
        return await("subscribed to " + room, f -> "subscribed".equals(f.getString("type"))
                && room.equals(f.getString("room", null)), Duration.ofSeconds(10));
    }

    /** Resumes a room after a change. */
    JsonObject resume(String room, long afterChange) {
        send(TestClient.json("type", "resume", "room", room, "afterChange", afterChange, "ref", "r-" + room));
        return await("resumed " + room, f -> "subscribed".equals(f.getString("type"))
                && room.equals(f.getString("room", null)), Duration.ofSeconds(10));
    }

    JsonObject await(String what, Predicate<JsonObject> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        while (true) {
            List<JsonObject> now = new ArrayList<>(frames);
            for (int i = from; i < now.size(); i++) {
                if (wanted.test(now.get(i))) {
                    return now.get(i);
                }
            }
            from = 0; // frames only grow; rescanning is cheap at these sizes and keeps the method simple
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + "; last frames "
                        + now.subList(Math.max(0, now.size() - 5), now.size()) + (closed.isDone()
                                ? ", closed " + closed.join() : ""));
            }
            sleep(10);
        }
    }

    /** The stream frames (those carrying a room change) of one room, in arrival order. */
    List<JsonObject> stream(String room) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject f : frames) {
            if (f.containsKey("change") && room.equals(f.getString("room", null))) {
                out.add(f);
            }
        }
        return out;
    }

    /** The highest change of the room this socket has received, or -1. */
    long lastChange(String room) {
        long last = -1;
        for (JsonObject f : stream(room)) {
            last = Math.max(last, f.getJsonNumber("change").longValue());
        }
        return last;
    }

    boolean hasClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        socket.abort();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(jakarta.json.Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }
    }
}
