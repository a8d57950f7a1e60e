package dev.parley.chat.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback port, for tests that take a real server (a database, say) away from the code under
 * test and give it back. Point the code at {@link #port()} instead of the server, then:
 * <ul>
 *   <li>{@link #cut()}: every connection through the proxy is closed and new ones are refused, as when the server
 *       is down;</li>
 *   <li>{@link #stall()}: connections stay open but nothing passes any more, and new connections are accepted and
 *       never answered, as when the network drops packets silently;</li>
 *   <li>{@link #restore()}: new connections are forwarded again, on the same port.</li>
 * </ul>
 * Thread-safe. Uses two threads per connection, so it suits tests, not load.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final int port;
    private ServerSocket listener;
    private volatile boolean stalled;
    private boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        acceptFrom(listener);
    }

    /**
     * Starts forwarding a free loopback port to {@code host:port}.
     *
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy; close it after the test
     * @throws UncheckedIOException if no port can be opened
     */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(new InetSocketAddress(Objects.requireNonNull(host, "host == null"), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback port to connect to instead of the server. */
    public int port() {
        return port;
    }

    /** Closes every connection through the proxy and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        sockets.forEach(TcpProxy::closeQuietly);
    }

    /** Stops passing bytes in either direction, on open and new connections alike, until {@link #restore()}. */
    public void stall() {
        stalled = true;
    }

    /**
     * Forwards again: after {@link #cut()}, listens again on the same port; after {@link #stall()}, new connections
     * are forwarded (connections that were stalled are closed, as a peer would have given up on them).
     */
    public synchronized void restore() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (stalled) {
            stalled = false;
            sockets.forEach(TcpProxy::closeQuietly);
        }
        if (listener == null) {
            try {
                listener = listen(port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            acceptFrom(listener);
        }
    }

    /** Closes the listener and every connection. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptFrom(ServerSocket server) {
        daemon("tcp-proxy-accept-" + port, () -> {
            while (true) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return; // cut or closed
                }
                sockets.add(client);
                daemon("tcp-proxy-connect-" + port, () -> connect(client));
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            awaitNotStalled(client);
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            forget(client);
            forget(upstream);
            return;
        }
        daemon("tcp-proxy-up-" + port, () -> pump(client, upstream));
        daemon("tcp-proxy-down-" + port, () -> pump(upstream, client));
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                awaitNotStalled(from);
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                awaitNotStalled(from);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // cut, closed, or the peer went away
        } finally {
            forget(from);
            forget(to);
        }
    }

    /** While stalled, holds the connection open and silent; throws once it is closed. */
    private void awaitNotStalled(Socket socket) throws SocketException {
        while (stalled) {
            if (socket.isClosed()) {
                throw new SocketException("closed while stalled");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SocketException("interrupted");
            }
        }
    }

    private void forget(Socket socket) {
        closeQuietly(socket);
        sockets.remove(socket);
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed or broken: gone either way
        }
    }
}
