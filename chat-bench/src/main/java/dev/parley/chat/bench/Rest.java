package dev.parley.chat.bench;

import dev.parley.chat.client.ParleyClient;
import dev.parley.chat.client.ParleyClientException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the reference server's REST API (docs/openapi.yaml) on the JDK's {@link HttpClient}, HTTP/1.1
 * with keep-alive (the server offers no HTTP/2; the JDK's default would add an {@code Upgrade: h2c} header to every
 * request). Also the few bits of JSON the benchmarks need, read with patterns rather than a parser. The set-up calls
 * (registering, logging in, creating and joining rooms) go through the Java client ({@code chat-client}); the
 * requests a benchmark measures are built here.
 */
public final class Rest {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient client;

    public Rest(URI baseUrl) {
        String text = baseUrl.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.client = newClient();
    }

    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI base() {
        return base;
    }

    public HttpClient client() {
        return client;
    }

    /** The WebSocket endpoint of the server. */
    public URI webSocketUri() {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + base.getRawPath() + "ws");
    }

    /** A POST of a JSON body, prepared once and sendable many times. */
    public HttpRequest post(String path, String json, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    public HttpRequest get(String pathAndQuery, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(TIMEOUT).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Registers a user (set-up, through the Java client); an IOException if the server refuses. */
    public void register(String username, String password) throws IOException, InterruptedException {
        try (ParleyClient c = setUpClient(null)) {
            c.register(username, password);
        } catch (ParleyClientException e) {
            throw new IOException("register " + username + ": " + e.getMessage(), e);
        }
    }

    /** Logs in (set-up, through the Java client); returns the token. */
    public String login(String username, String password) throws IOException, InterruptedException {
        try (ParleyClient c = setUpClient(null)) {
            return c.login(username, password).token();
        } catch (ParleyClientException e) {
            throw new IOException("login " + username + ": " + e.getMessage(), e);
        }
    }

    /** Joins a public room (set-up, through the Java client). */
    public void join(String room, String token) throws IOException, InterruptedException {
        try (ParleyClient c = setUpClient(token)) {
            c.joinRoom(room);
        } catch (ParleyClientException e) {
            throw new IOException("join " + room + ": " + e.getMessage(), e);
        }
    }

    /** Creates a public room (set-up, through the Java client); the token's user becomes its first member. */
    public void createRoom(String room, String token) throws IOException, InterruptedException {
        try (ParleyClient c = setUpClient(token)) {
            c.createRoom(room, false);
        } catch (ParleyClientException e) {
            throw new IOException("create room " + room + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Java client for one set-up call on this HTTP client, its callbacks run inline (it opens no socket); the
     * measured requests do not go through it.
     */
    private ParleyClient setUpClient(String token) {
        ParleyClient.Builder b = ParleyClient.builder(base).httpClient(client).executor(Runnable::run)
                .requestTimeout(TIMEOUT);
        if (token != null) {
            b.token(token);
        }
        return b.build();
    }

    public static String credentials(String username, String password) {
        return "{\"username\":" + quote(username) + ",\"password\":" + quote(password) + "}";
    }

    public static void expect(HttpResponse<String> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " " + abbreviate(response.body()));
        }
    }

    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- JSON, just enough --------------------------------------------------------------------------------------

    /** A JSON string literal. */
    public static String quote(String text) {
        return '"' + Json.escape(text) + '"';
    }

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([A-Za-z_]+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

    /** The first string member with this name (without unescaping; fine for tokens and type names). */
    public static String stringField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The first {@code type} member of a frame (the frame's own type: it is written first). */
    public static String frameType(String json) {
        Matcher m = TYPE.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The first {@code seq} member, or -1. */
    public static long firstSeq(String json) {
        Matcher m = SEQ.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Every {@code seq} member, in order (a history page: one per message; bodies never contain quotes here). */
    public static long[] allSeqs(String json) {
        Matcher m = SEQ.matcher(json);
        long[] seqs = new long[16];
        int n = 0;
        while (m.find()) {
            if (n == seqs.length) {
                seqs = java.util.Arrays.copyOf(seqs, n * 2);
            }
            seqs[n++] = Long.parseLong(m.group(1));
        }
        return java.util.Arrays.copyOf(seqs, n);
    }

    public static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
