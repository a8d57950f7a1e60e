package dev.parley.chat.testkit;

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
 * A bare-bones WebSocket client on a plain socket, for tests of peers that misbehave: one that stops reading (a slow
 * consumer), never answers pings, or writes frames that break RFC 6455 (unmasked, reserved bits, unknown opcodes,
 * oversized or badly fragmented). It speaks just enough of the protocol: the handshake, any frame out, and
 * unfragmented frames in. Not thread-safe; every read waits at most five seconds.
 */
public final class RawWebSocket implements AutoCloseable {
    /** First byte of a final text frame. */
    public static final int TEXT = 0x81;
    /** First byte of a final binary frame. */
    public static final int BINARY = 0x82;

    /**
     * A frame the server sent.
     *
     * @param opcode the opcode (1 text, 8 close, 9 ping...)
     * @param payload the payload
     */
    public record Frame(int opcode, byte[] payload) {
        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return the status code of a close frame */
        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        /** @return the reason of a close frame */
        public String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;
    private final String responseHead;

    private RawWebSocket(Socket socket, int status, String responseHead) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
        this.responseHead = responseHead;
    }

    /**
     * Connects to 127.0.0.1 and sends the opening handshake.
     *
     * @param port the server's port
     * @param path the endpoint's path, for example {@code /ws}
     * @param receiveBuffer the socket's receive buffer; small, so that a client that stops reading backs up quickly
     * @return the client, whatever the handshake's status; see {@link #status()}
     * @throws IOException if the connection fails or closes during the handshake
     */
    public static RawWebSocket connect(int port, String path, int receiveBuffer) throws IOException {
        return connect(port, path, receiveBuffer, null);
    }

    /**
     * As {@link #connect(int, String, int)}, with an {@code Origin} header unless {@code null}.
     *
     * @param port the server's port
     * @param path the endpoint's path
     * @param receiveBuffer the socket's receive buffer
     * @param origin the {@code Origin} header, or {@code null} for none
     * @return the client
     * @throws IOException if the connection fails or closes during the handshake
     */
    public static RawWebSocket connect(int port, String path, int receiveBuffer, String origin) throws IOException {
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
        return new RawWebSocket(s, Integer.parseInt(statusLine.split(" ")[1]), response);
    }

    /** @return the handshake response's status code (101 if the socket is open) */
    public int status() {
        return status;
    }

    /** @return the handshake response's status line and headers */
    public String responseHead() {
        return responseHead;
    }

    /**
     * Sends a final, masked text frame.
     *
     * @param text the text
     * @throws IOException if the write fails
     */
    public void sendText(String text) throws IOException {
        write(frame(TEXT, true, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends one frame as given.
     *
     * @param firstByte FIN, the reserved bits and the opcode, for example {@link #TEXT}
     * @param masked whether to mask the payload (clients must)
     * @param payload the payload
     * @throws IOException if the write fails
     */
    public void sendFrame(int firstByte, boolean masked, byte[] payload) throws IOException {
        write(frame(firstByte, masked, payload));
    }

    /**
     * Writes bytes as they are: several frames at once, or a header without (all of) its payload.
     *
     * @param bytes the bytes
     * @throws IOException if the write fails
     */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Encodes a frame.
     *
     * @param firstByte FIN, the reserved bits and the opcode
     * @param masked whether to mask the payload with a random key
     * @param payload the payload
     * @return the frame's bytes
     */
    public static byte[] frame(int firstByte, boolean masked, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        byte[] header = header(firstByte, masked, payload.length);
        f.write(header, 0, header.length);
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            f.write(mask, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        return f.toByteArray();
    }

    /**
     * Encodes a frame header that announces {@code length} payload bytes, without the masking key: the shortest
     * length encoding RFC 6455 allows. A negative length is written as the 64-bit value with the top bit set, which
     * RFC 6455 forbids.
     *
     * @param firstByte FIN, the reserved bits and the opcode
     * @param masked whether the mask bit is set (a masking key must follow)
     * @param length the payload length announced
     * @return the header's bytes
     */
    public static byte[] header(int firstByte, boolean masked, long length) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (length >= 0 && length < 126) {
            f.write(mask | (int) length);
        } else if (length >= 0 && length < 65536) {
            f.write(mask | 126);
            f.write((int) (length >>> 8));
            f.write((int) (length & 0xff));
        } else {
            f.write(mask | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (length >>> (8 * i)) & 0xff);
            }
        }
        return f.toByteArray();
    }

    /**
     * Reads one (unfragmented, unmasked) frame.
     *
     * @return the frame
     * @throws IOException on end of stream or after five seconds without data
     */
    public Frame readFrame() throws IOException {
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

    /**
     * Reads frames until a close frame (opcode 8) and returns it.
     *
     * @param maxFrames how many frames to read at most
     * @return the close frame
     * @throws IOException if none came within {@code maxFrames} frames, or on end of stream or a timeout
     */
    public Frame readUntilClose(int maxFrames) throws IOException {
        for (int i = 0; i < maxFrames; i++) {
            Frame f = readFrame();
            if (f.opcode() == 8) {
                return f;
            }
        }
        throw new IOException("no close frame within " + maxFrames + " frames");
    }

    /**
     * Whether the server closed the TCP connection: reads until the end of the stream.
     *
     * @return {@code true} at the end of the stream, {@code false} if data came instead
     * @throws IOException after five seconds without either
     */
    public boolean awaitEndOfStream() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
