package dev.parley.chat.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP forwarder for the client's tests that can do what {@code TcpProxy} cannot: hold back the server's bytes
 * while the client's still pass (so that a frame reaches the server and its answer does not), and refuse
 * connections for a while, and lose one WebSocket frame from the server in transit (the stream's frames are read
 * one by one: server frames are unmasked, so the proxy can see their text).
 */
final class GateProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean holdDownstream;
    private volatile boolean refusing;
    private volatile boolean closed;
    /** The strings a server text frame must all contain to be dropped; null when none is to be. */
    private final AtomicReference<List<String>> drop = new AtomicReference<>();
    private final AtomicInteger dropped = new AtomicInteger();

    GateProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "gate-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The server's base URI, through this proxy. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    /** The server's bytes stop here (kept, not forwarded) until {@link #release()} or a cut. */
    void holdDownstream() {
        holdDownstream = true;
    }

    void release() {
        synchronized (gate) {
            holdDownstream = false;
            gate.notifyAll();
        }
    }

    /** The next WebSocket text frame from the server that contains all of {@code needles} is not forwarded. */
    void dropOnce(String... needles) {
        drop.set(List.of(needles));
    }

    /** How many frames {@link #dropOnce} has dropped. */
    int dropped() {
        return dropped.get();
    }

    /** Closes every open connection; with {@code refuse}, new ones are closed at once until {@link #accept(boolean)}. */
    void cut(boolean refuse) {
        refusing = refuse;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        release();
    }

    void accept(boolean accepting) {
        refusing = !accepting;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean downstream) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                if (downstream) {
                    forwardResponse(from, new DataInputStream(in), out);
                } else {
                    in.transferTo(out); // the client's bytes pass as they come
                }
            } catch (IOException | InterruptedException e) {
                // cut or closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "gate-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /**
     * HTTP responses one after another (a kept-alive connection carries several, and may end with the WebSocket
     * upgrade); after a {@code 101}, the WebSocket frames one by one.
     */
    private void forwardResponse(Socket from, DataInputStream in, OutputStream out)
            throws IOException, InterruptedException {
        while (true) {
            String head = readLine(in, out, from);
            if (head == null) {
                return;
            }
            long length = 0;
            boolean chunked = false;
            for (String line = head; !line.isEmpty(); line = readLine(in, out, from)) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (head.startsWith("HTTP/1.1 101")) {
                forwardFrames(from, in, out);
                return;
            }
            if (chunked) {
                long size;
                do {
                    size = Long.parseLong(readLine(in, out, from).split(";")[0].trim(), 16);
                    forwardBytes(in, out, size);
                    readLine(in, out, from); // the CRLF after the chunk, or the end of the trailer
                } while (size > 0);
            } else {
                forwardBytes(in, out, length);
            }
        }
    }

    /** Reads one CRLF-ended line and forwards it; returns it without the CRLF, or null at the end. */
    private String readLine(DataInputStream in, OutputStream out, Socket from)
            throws IOException, InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        if (line.size() == 0) {
            return null;
        }
        waitWhileHeld(from);
        line.writeTo(out);
        out.flush();
        return line.toString(StandardCharsets.ISO_8859_1).strip();
    }

    private static void forwardBytes(DataInputStream in, OutputStream out, long count) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(count)];
        in.readFully(bytes);
        out.write(bytes);
        out.flush();
    }

    private void forwardFrames(Socket from, DataInputStream in, OutputStream out)
            throws IOException, InterruptedException {
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return;
            }
            int b1 = in.readUnsignedByte();
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write(b0);
            header.write(b1);
            long length = b1 & 0x7f;
            int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
            if (extra > 0) {
                length = 0;
                for (int i = 0; i < extra; i++) {
                    int b = in.readUnsignedByte();
                    header.write(b);
                    length = (length << 8) | b;
                }
            }
            if ((b1 & 0x80) != 0) { // masked: not from a server, but keep the key with the frame
                byte[] key = new byte[4];
                in.readFully(key);
                header.write(key);
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if ((b0 & 0x0f) == 1 && dropThis(new String(payload, StandardCharsets.UTF_8))) {
                continue;
            }
            waitWhileHeld(from);
            header.writeTo(out);
            out.write(payload);
            out.flush();
        }
    }

    private boolean dropThis(String text) {
        List<String> needles = drop.get();
        if (needles != null && needles.stream().allMatch(text::contains) && drop.compareAndSet(needles, null)) {
            dropped.incrementAndGet();
            return true;
        }
        return false;
    }

    private void waitWhileHeld(Socket from) throws InterruptedException {
        synchronized (gate) {
            while (holdDownstream && !from.isClosed()) {
                gate.wait(50);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing
        }
        cut(true);
    }
}
