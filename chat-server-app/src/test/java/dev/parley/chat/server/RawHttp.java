package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Requests written byte for byte over a plain socket, so that nothing (no HTTP client) normalises the path, the
 * headers or the framing on the way; and the responses parsed just enough to check status, headers and body.
 */
final class RawHttp {
    /** The server's address in tests, and the default client address. */
    static final InetAddress LOOPBACK = loopback(1);

    private RawHttp() {
    }

    /** {@code 127.0.0.n}: on Linux every address of 127.0.0.0/8 is the loopback, so tests can be many clients. */
    static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One parsed response. Header names are lower-cased; the body is what its Content-Length says. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? Optional.empty() : Optional.of(values.get(0));
        }

        JsonObject json() {
            try (JsonReader r = TestClient.JSON.createReader(new StringReader(body))) {
                return r.readObject();
            }
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /**
     * Writes {@code request} (ISO-8859-1: each char one byte) and reads until the server closes the connection or
     * stays silent for two seconds; returns every response in what was read.
     */
    static List<Response> exchange(int port, String request) throws IOException {
        return exchange(port, request, LOOPBACK);
    }

    /** {@link #exchange(int, String)} from the given local address (any of 127.0.0.0/8 works on Linux). */
    static List<Response> exchange(int port, String request, InetAddress from) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port, from, 0)) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // the server keeps the connection open: everything it wanted to say has been read
            } catch (IOException e) {
                // reset by the server after its answer
            }
            return parse(read.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** The single response to {@code request}; fails if there is none or more than one. */
    static Response send(int port, String request) throws IOException {
        List<Response> responses = exchange(port, request);
        assertThat(responses).as("responses to %s", request).hasSize(1);
        return responses.get(0);
    }

    /** A POST of a JSON body from the given local address, closing the connection afterwards. */
    static Response postJson(int port, InetAddress from, String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        List<Response> responses = exchange(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1), from);
        assertThat(responses).as("responses to POST %s", path).hasSize(1);
        return responses.get(0);
    }

    /** A GET of {@code target} exactly as given, with a Host header, closing the connection afterwards. */
    static Response get(int port, String target) throws IOException {
        return send(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
    }

    private static List<Response> parse(String raw) {
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < raw.length()) {
            int end = raw.indexOf("\r\n\r\n", at);
            if (end < 0) {
                throw new AssertionError("incomplete response head: " + raw.substring(at));
            }
            String[] lines = raw.substring(at, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            int bodyStart = end + 4;
            List<String> length = headers.get("content-length");
            int bodyEnd = length == null ? raw.length() : bodyStart + Integer.parseInt(length.get(0));
            String body = raw.substring(bodyStart, Math.min(bodyEnd, raw.length()));
            responses.add(new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8)));
            at = bodyEnd;
        }
        return responses;
    }
}
