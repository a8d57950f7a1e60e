package dev.parley.chat.server;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A small REST client over {@link HttpClient} for tests. */
final class TestClient {
    static final JsonProvider JSON = JsonProvider.provider();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    TestClient(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** A response with its body as text and, if it is JSON, parsed. */
    record Reply(int status, Map<String, java.util.List<String>> headers, String body) {
        JsonObject json() {
            try (JsonReader r = JSON.createReader(new StringReader(body))) {
                return r.readObject();
            }
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        String contentType() {
            return header("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path, String token) {
        return send(builder(path, token).GET());
    }

    Reply delete(String path, String token) {
        return send(builder(path, token).DELETE());
    }

    Reply post(String path, String token, String json) {
        return send(builder(path, token).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply put(String path, String token) {
        return send(builder(path, token).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    Reply patch(String path, String token, String json) {
        return send(builder(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply raw(HttpRequest.Builder request) {
        return send(request);
    }

    HttpRequest.Builder builder(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a server on a free port with SQLite in {@code dir}, plus extra {@code PARLEY_*} key/value pairs. */
    static ParleyServer startServer(java.nio.file.Path dir, String... extra) throws IOException {
        return startServer(dir, java.time.Clock.systemUTC(), extra);
    }

    /** {@link #startServer(java.nio.file.Path, String...)} with the given clock. */
    static ParleyServer startServer(java.nio.file.Path dir, java.time.Clock clock, String... extra)
            throws IOException {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("PARLEY_PORT", "0");
        env.put("PARLEY_DB_URL", "jdbc:sqlite:" + dir.resolve("parley.db"));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return new ParleyServer(ServerConfig.fromEnvironment(env), clock).start();
    }

    /** Sends one request line verbatim over a plain socket (no client-side normalisation); returns the response. */
    static String rawHttp(int port, String requestLine) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = requestLine + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // ---- conveniences ----------------------------------------------------------------------------------------

    static String json(Object... keyValues) {
        var b = JSON.createObjectBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            String k = (String) keyValues[i];
            if (v instanceof String) {
                b.add(k, (String) v);
            } else if (v instanceof Boolean) {
                b.add(k, (Boolean) v);
            } else if (v instanceof Number) {
                b.add(k, ((Number) v).longValue());
            } else if (v == null) {
                b.addNull(k);
            }
        }
        return b.build().toString();
    }

    /** Registers and logs in; returns the token. */
    String signUp(String username) {
        Reply r = post("/api/register", null, json("username", username, "password", "correct horse battery"));
        if (r.status() != 201) {
            throw new AssertionError("register " + username + ": " + r);
        }
        return login(username);
    }

    /** The room's newest change as a client finds it: the changes feed read from the start to its end. */
    long changesPosition(String token, String room) {
        long after = 0;
        for (;;) {
            Reply page = get("/api/rooms/" + java.net.URLEncoder.encode(room, java.nio.charset.StandardCharsets.UTF_8)
                    + "/changes?after=" + after + "&limit=200", token);
            if (page.status() != 200) {
                throw new AssertionError("changes of " + room + ": " + page);
            }
            after = page.json().getJsonNumber("lastChange").longValue();
            if (!page.json().getBoolean("hasMore")) {
                return after;
            }
        }
    }

    String login(String username) {
        Reply r = post("/api/login", null, json("username", username, "password", "correct horse battery"));
        if (r.status() != 200) {
            throw new AssertionError("login " + username + ": " + r);
        }
        return r.json().getString("token");
    }
}
