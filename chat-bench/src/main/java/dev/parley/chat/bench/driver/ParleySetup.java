package dev.parley.chat.bench.driver;

import dev.parley.chat.bench.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prepares a fresh Parley server over its REST API (docs/openapi.yaml): registers a few users (each registration
 * and login costs an Argon2id hash, so few), logs them in, creates the room and has every user join it.
 */
public final class ParleySetup {
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final String PASSWORD = "bench-password-0123";

    private ParleySetup() {
    }

    /** The session tokens of {@code users} new users who are all members of {@code room}. */
    public static List<String> prepare(URI base, int users, String room) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String credentials = "{\"username\":\"bench" + i + "\",\"password\":\"" + PASSWORD + "\"}";
            post(http, base.resolve("/api/register"), null, credentials, 201);
            String login = post(http, base.resolve("/api/login"), null, credentials, 200);
            Matcher m = TOKEN.matcher(login);
            if (!m.find()) {
                throw new IOException("no token in login response: " + login);
            }
            tokens.add(m.group(1));
        }
        post(http, base.resolve("/api/rooms"), tokens.get(0), "{\"name\":\"" + Json.escape(room) + "\"}", 201);
        for (int i = 1; i < users; i++) {
            post(http, base.resolve("/api/rooms/" + room + "/join"), tokens.get(i), "{}", 200);
        }
        return tokens;
    }

    private static String post(HttpClient http, URI uri, String token, String body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IOException("POST " + uri.getPath() + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
