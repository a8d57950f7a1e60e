package dev.parley.chat.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder for the client's tests that can do what {@code TcpProxy} cannot: hold back the server's bytes
 * while the client's still pass (so that a frame reaches the server and its answer does not), and refuse
 * connections for a while.
 */
final class GateProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean holdDownstream;
    private volatile boolean refusing;
    private volatile boolean closed;

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
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (downstream) {
                        synchronized (gate) {
                            while (holdDownstream && !from.isClosed()) {
                                gate.wait(50);
                            }
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
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
