package dev.parley.chat.client;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The REST calls (docs/openapi.yaml) on the JDK's HttpClient. An answer outside 2xx becomes a
 * {@link ParleyClientException} with the problem's {@code code} and the status; a failure to reach the server,
 * {@code connection_failed}. Thread-safe, stateless apart from its configuration.
 */
final class RestApi {
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    RestApi(URI base, HttpClient http, Duration timeout) {
        this.base = base;
        this.http = http;
        this.timeout = timeout;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Blocking: the JSON answer, or null for an empty one (204). */
    JsonObject call(String method, String path, JsonObject body, String token) {
        try {
            return check(http.send(request(method, path, body, token), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new ParleyClientException(ParleyClientException.CONNECTION_FAILED, 0,
                    method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParleyClientException(ParleyClientException.CONNECTION_FAILED, 0,
                    method + " " + path + ": interrupted", e);
        }
    }

    /** Non-blocking: completes with the JSON answer, or exceptionally with a {@link ParleyClientException}. */
    CompletableFuture<JsonObject> callAsync(String method, String path, JsonObject body, String token) {
        return http.sendAsync(request(method, path, body, token), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw new ParleyClientException(ParleyClientException.CONNECTION_FAILED, 0,
                                method + " " + path + ": " + cause, cause);
                    }
                    return check(response);
                });
    }

    private HttpRequest request(String method, String path, JsonObject body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private static JsonObject check(HttpResponse<String> response) {
        int status = response.statusCode();
        String text = response.body();
        if (status / 100 == 2) {
            return text == null || text.isBlank() ? null : Wire.parse(text);
        }
        String code = "http_" + status;
        String detail = "HTTP " + status;
        try {
            JsonObject problem = Wire.parse(text);
            code = problem.getString("code", code);
            detail = problem.getString("detail", detail);
        } catch (RuntimeException e) {
            // not a problem document (a proxy's page, say): the status is all there is
        }
        throw new ParleyClientException(code, status, code + ": " + detail, null);
    }
}
