package dev.parley.chat.bench.driver;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal blocking WebSocket room server for the driver's loopback tests, with the {@code ws} peer's semantics:
 * every text message is broadcast to every client, sender included. To exercise the driver it greets each client
 * with a ping in the same write as the 101, writes every frame in two parts, and can fragment broadcasts.
 */
final class MiniWsServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    final AtomicInteger pongs = new AtomicInteger();
    volatile boolean fragment;
    volatile boolean duplicate;
    /** Refuses this many upcoming upgrades with a 403 (a storm's failed attempts). */
    final AtomicInteger refuseNext = new AtomicInteger();

    static final class Client {
        final Socket socket;
        final OutputStream out;

        Client(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        synchronized void send(byte[] frame) throws IOException {
            int half = frame.length / 2;
            out.write(frame, 0, half);
            out.flush();
            out.write(frame, half, frame.length - half);
            out.flush();
        }
    }

    MiniWsServer() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    Thread t = new Thread(() -> serve(s), "mini-ws-client");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "mini-ws-accept");
        accept.setDaemon(true);
        accept.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    List<Client> clients() {
        return clients;
    }

    private void serve(Socket s) {
        Client me = null;
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            String key = null;
            String requestLine = readLine(in);
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).strip();
                }
            }
            OutputStream out = s.getOutputStream();
            if (requestLine.contains("/refuse") || refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.close();
                return;
            }
            byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            me = new Client(s, out);
            // Listed before the 101 goes out, under the client's lock: the driver may publish the moment it reads
            // the 101, and a broadcast must neither miss this client nor overtake its 101.
            synchronized (me) {
                clients.add(me);
                me.send(TestFrames.concat(head, TestFrames.server(WsFrames.OP_PING, true,
                        "hi".getBytes(StandardCharsets.US_ASCII))));
            }
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) == 0) {
                    throw new IOException("client frame not masked");
                }
                in.readFully(mask);
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                int opcode = b0 & 0x0F;
                if (opcode == WsFrames.OP_TEXT) {
                    broadcast(payload);
                } else if (opcode == WsFrames.OP_PONG) {
                    pongs.incrementAndGet();
                } else if (opcode == WsFrames.OP_CLOSE) {
                    break;
                }
            }
        } catch (EOFException e) {
            // client went away
        } catch (IOException e) {
            // reset by the driver's SO_LINGER 0 close
        } finally {
            if (me != null) {
                clients.remove(me);
            }
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void broadcast(byte[] payload) {
        byte[] frame;
        if (fragment) {
            int half = payload.length / 2;
            byte[] a = new byte[half];
            byte[] b = new byte[payload.length - half];
            System.arraycopy(payload, 0, a, 0, half);
            System.arraycopy(payload, half, b, 0, b.length);
            frame = TestFrames.concat(TestFrames.server(WsFrames.OP_TEXT, false, a),
                    TestFrames.server(WsFrames.OP_PING, true, new byte[0]),
                    TestFrames.server(WsFrames.OP_CONT, true, b));
        } else {
            frame = TestFrames.server(WsFrames.OP_TEXT, true, payload);
        }
        if (duplicate) {
            frame = TestFrames.concat(frame, frame);
        }
        for (Client c : clients) {
            try {
                c.send(frame);
            } catch (IOException e) {
                clients.remove(c);
            }
        }
    }

    /** Sends a close frame to one client and closes its socket. */
    void closeOne(int code, String reason) throws IOException {
        Client c = clients.get(0);
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        c.send(TestFrames.server(WsFrames.OP_CLOSE, true, payload));
        clients.remove(c);
        c.socket.close();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Client c : clients) {
            c.socket.close();
        }
    }
}
