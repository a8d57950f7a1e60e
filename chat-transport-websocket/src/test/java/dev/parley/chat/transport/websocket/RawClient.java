package dev.parley.chat.transport.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare-bones WebSocket client on a plain socket, for peers that misbehave: one that stops reading (a slow
 * consumer) or never answers pings. It speaks just enough RFC 6455: the handshake, masked text frames out, and
 * unfragmented frames in.
 */
final class RawClient implements AutoCloseable {
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    final int status;
    String responseHead;

    private RawClient(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /** Connects with a small receive buffer (so that a client that stops reading backs up quickly). */
    static RawClient connect(int port, String path, int receiveBuffer) throws IOException {
        return connect(port, path, receiveBuffer, null);
    }

    /** As {@link #connect(int, String, int)}, with an {@code Origin} header unless {@code null}. */
    static RawClient connect(int port, String path, int receiveBuffer, String origin) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String req = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream is = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (;;) {
            int b = is.read();
            if (b < 0) {
                throw new IOException("EOF in handshake: " + head);
            }
            head.write(b);
            String h = head.toString(StandardCharsets.US_ASCII);
            if (h.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        String statusLine = response.split("\r\n", 2)[0];
        RawClient c = new RawClient(s, Integer.parseInt(statusLine.split(" ")[1]));
        c.responseHead = response;
        return c;
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** Reads one (unfragmented, unmasked) frame. */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Reads frames until a close frame (opcode 8) and returns it. */
    Frame readUntilClose(int maxFrames) throws IOException {
        for (int i = 0; i < maxFrames; i++) {
            Frame f = readFrame();
            if (f.opcode() == 8) {
                return f;
            }
        }
        throw new IOException("no close frame within " + maxFrames + " frames");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
