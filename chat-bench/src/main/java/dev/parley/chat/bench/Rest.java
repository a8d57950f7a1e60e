package dev.parley.chat.bench;

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
 * request). Also the few bits of JSON the benchmarks need, read with patterns rather than a parser.
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

    /** Registers a user; fails unless 201. */
    public void register(String username, String password) throws IOException, InterruptedException {
        expect(send(post("api/register", credentials(username, password), null)), 201, "register " + username);
    }

    /** Logs in; returns the token. */
    public String login(String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = send(post("api/login", credentials(username, password), null));
        expect(response, 200, "login " + username);
        String token = stringField(response.body(), "token");
        if (token == null) {
            throw new IOException("login answered without a token: " + abbreviate(response.body()));
        }
        return token;
    }

    /** Joins a public room. */
    public void join(String room, String token) throws IOException, InterruptedException {
        expect(send(post("api/rooms/" + encode(room) + "/join", "", token)), 200, "join " + room);
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
