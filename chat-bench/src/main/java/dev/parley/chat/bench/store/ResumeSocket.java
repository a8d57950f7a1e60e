package dev.parley.chat.bench.store;

import dev.parley.chat.bench.Rest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One authenticated Parley WebSocket (docs/protocol.md) on the JDK client, able to time a {@code resume}: from just
 * before the frame is handed to the client until the listener has received the last expected replayed
 * {@code message} frame. The frames are checked as they arrive: {@code subscribed} first, then {@code message}
 * frames with consecutive {@code seq} from {@code afterSeq + 1}; an {@code error} frame fails the resume.
 *
 * <p>Not thread-safe: one resume at a time.
 */
final class ResumeSocket implements AutoCloseable {
    private final WebSocket socket;
    private final Listener listener;
    private int refs;

    private ResumeSocket(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    /** Connects and authenticates (waits for {@code ready}). */
    static ResumeSocket open(HttpClient client, URI uri, String token) throws IOException, InterruptedException {
        Listener listener = new Listener();
        WebSocket socket;
        try {
            socket = client.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(5))
                    .buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not open " + uri + ": " + e, e);
        }
        ResumeSocket rs = new ResumeSocket(socket, listener);
        Pending ready = new Pending("ready", 0, 0);
        listener.pending = ready;
        socket.sendText("{\"type\":\"auth\",\"token\":" + Rest.quote(token) + ",\"ref\":\"auth\"}", true);
        rs.await(ready, "auth");
        return rs;
    }

    /**
     * Sends {@code resume} and waits for {@code subscribed} and {@code count} replayed messages after {@code
     * afterSeq}.
     *
     * @return the nanoseconds from sending to the last message's arrival
     */
    long resume(String room, long afterSeq, int count) throws IOException, InterruptedException {
        String ref = Integer.toString(++refs);
        Pending p = new Pending("resume", afterSeq, count);
        listener.pending = p;
        String frame = "{\"type\":\"resume\",\"room\":" + Rest.quote(room) + ",\"afterSeq\":" + afterSeq
                + ",\"ref\":\"" + ref + "\"}";
        long start = System.nanoTime();
        CompletableFuture<WebSocket> sent = socket.sendText(frame, true);
        await(p, "resume");
        sent.join();
        return p.doneAt - start;
    }

    private void await(Pending p, String what) throws IOException, InterruptedException {
        try {
            p.done.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException(what + ": no complete answer within 30 s (" + p.progress() + ")");
        } catch (ExecutionException e) {
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            listener.pending = null;
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing anyway
        }
        socket.abort();
    }

    /** What the listener is waiting for. */
    private static final class Pending {
        final String kind;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long afterSeq;
        final int count;
        boolean subscribed;
        int got;
        volatile long doneAt;

        Pending(String kind, long afterSeq, int count) {
            this.kind = kind;
            this.afterSeq = afterSeq;
            this.count = count;
        }

        String progress() {
            return "subscribed=" + subscribed + ", messages=" + got + "/" + count;
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile Pending pending;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last || partial.length() > 0) {
                partial.append(data);
            }
            if (last) {
                String frame = partial.length() > 0 ? partial.toString() : data.toString();
                partial.setLength(0);
                handle(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(String frame) {
            long now = System.nanoTime();
            Pending p = pending;
            if (p == null || p.done.isDone()) {
                return;
            }
            String type = Rest.frameType(frame);
            if ("error".equals(type)) {
                p.done.completeExceptionally(new IOException("server answered " + Rest.abbreviate(frame)));
                return;
            }
            if (p.kind.equals("ready")) {
                if ("ready".equals(type)) {
                    p.doneAt = now;
                    p.done.complete(null);
                }
                return;
            }
            if ("subscribed".equals(type)) {
                p.subscribed = true;
            } else if ("message".equals(type)) {
                long seq = Rest.firstSeq(frame);
                if (!p.subscribed) {
                    p.done.completeExceptionally(new IOException("message before subscribed: seq " + seq));
                } else if (seq != p.afterSeq + p.got + 1) {
                    p.done.completeExceptionally(new IOException("expected seq " + (p.afterSeq + p.got + 1)
                            + ", got " + seq));
                } else if (++p.got == p.count) {
                    p.doneAt = now;
                    p.done.complete(null);
                }
            }
            // other frames (presence...) are not part of the answer
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            Pending p = pending;
            if (p != null) {
                p.done.completeExceptionally(new IOException("socket closed: " + statusCode + " " + reason));
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            Pending p = pending;
            if (p != null) {
                p.done.completeExceptionally(error);
            }
        }
    }
}
