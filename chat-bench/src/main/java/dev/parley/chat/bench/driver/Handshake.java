package dev.parley.chat.bench.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/** The client side of the RFC 6455 opening handshake (setup path: allocation is fine here). */
public final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Longest response head accepted. */
    public static final int MAX_HEAD = 16 * 1024;

    private final String key;
    private final byte[] request;

    /**
     * @param host the {@code Host} header value, e.g. {@code 127.0.0.1:8080}
     * @param target the request target, e.g. {@code /ws} or {@code /?room=bench}
     * @param nonce 16 random bytes
     */
    public Handshake(String host, String target, byte[] nonce) {
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.request = ("GET " + target + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The request bytes. */
    public byte[] request() {
        return request.clone();
    }

    /** The {@code Sec-WebSocket-Accept} value a server must answer to this request's key. */
    public String expectedAccept() {
        return accept(key);
    }

    /** {@code base64(SHA-1(key + GUID))}. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The end of the response head ({@code \r\n\r\n} included) in {@code b[off, end)}, or -1 if not there yet. */
    public static int headEnd(byte[] b, int off, int end) {
        for (int i = off; i + 3 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /**
     * Checks a complete response head: status 101, {@code Upgrade: websocket}, {@code Connection: upgrade} and the
     * right {@code Sec-WebSocket-Accept}; no extension may have been negotiated.
     *
     * @throws IOException naming what is wrong (the status line for a refusal)
     */
    public void verify(byte[] b, int off, int len) throws IOException {
        String head = new String(b, off, len, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String status = lines[0];
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].equals("101")) {
            throw new IOException("handshake refused: " + status);
        }
        String upgrade = null;
        String connection = null;
        String accept = null;
        String extensions = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "upgrade":
                    upgrade = value;
                    break;
                case "connection":
                    connection = value;
                    break;
                case "sec-websocket-accept":
                    accept = value;
                    break;
                case "sec-websocket-extensions":
                    extensions = value;
                    break;
                default:
                    break;
            }
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new IOException("handshake: Upgrade is " + upgrade);
        }
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            throw new IOException("handshake: Connection is " + connection);
        }
        if (!expectedAccept().equals(accept)) {
            throw new IOException("handshake: Sec-WebSocket-Accept is " + accept + ", expected " + expectedAccept());
        }
        if (extensions != null && !extensions.isEmpty()) {
            throw new IOException("handshake: server negotiated extensions nobody asked for: " + extensions);
        }
    }
}
