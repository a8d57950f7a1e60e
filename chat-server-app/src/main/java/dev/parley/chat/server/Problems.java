package dev.parley.chat.server;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.glassfish.grizzly.http.server.Response;

/**
 * Writes RFC 9457 problem details: {@code {type, title, status, detail, code}} as {@code application/problem+json}.
 * {@code type} is {@code urn:parley:problem:<code>}, {@code title} is the same for every occurrence of a code, and
 * {@code code} is the stable machine-readable code clients branch on.
 */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json;charset=utf-8";
    static final String TYPE_PREFIX = "urn:parley:problem:";

    private Problems() {
    }

    /**
     * The HTTP status of a service error code. Every {@link ErrorCode.Category#INVALID} code is 400: the server
     * does not split syntax (400) from semantics (422), because clients branch on {@code code}, not on the status.
     */
    static int status(ErrorCode code) {
        switch (code.category()) {
            case INVALID: return 400;
            case UNAUTHENTICATED: return 401;
            case FORBIDDEN: return 403;
            case NOT_FOUND: return 404;
            case CONFLICT: return 409;
            case RATE_LIMITED: return 429;
            case UNAVAILABLE: return 503;
            case UNSUPPORTED: return 501;
            default: return 500;
        }
    }

    static JsonObject body(int status, String code, String detail) {
        return JsonBodies.JSON.createObjectBuilder()
                .add("type", TYPE_PREFIX + code)
                .add("title", title(code))
                .add("status", status)
                .add("detail", detail == null || detail.isBlank() ? title(code) + "." : detail)
                .add("code", code)
                .build();
    }

    /** {@code invalid_credentials} → {@code Invalid credentials}. */
    static String title(String code) {
        String words = code.replace('_', ' ');
        return words.isEmpty() ? "Error" : words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    static void write(Response response, int status, String code, String detail, Map<String, String> headers)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(status);
        headers.forEach(response::setHeader);
        byte[] bytes = body(status, code, detail).toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void write(Response response, HttpError error) throws IOException {
        write(response, error.status(), error.code(), error.getMessage(), error.headers());
    }

    static void write(Response response, ChatException error) throws IOException {
        ErrorCode code = error.code();
        Map<String, String> headers;
        if (code.category() == ErrorCode.Category.UNAUTHENTICATED && code != ErrorCode.INVALID_CREDENTIALS) {
            headers = Map.of("WWW-Authenticate", "Bearer");
        } else if (code.retryable()) {
            headers = Map.of("Retry-After", "1");
        } else {
            headers = Map.of();
        }
        String detail = code == ErrorCode.INTERNAL_ERROR ? "Internal error." : error.getMessage();
        write(response, status(code), code.code(), detail, headers);
    }
}
