package dev.parley.chat.server;

import dev.parley.chat.core.ErrorCode;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * Grizzly's own error responses as problem+json. Grizzly writes them when no Parley handler answers: 503 while the
 * server shuts down, 500 when an exception escapes a handler. Its default page is HTML that names the Grizzly version
 * and shows the exception's stack trace; this one states the status and a stable code, nothing else. Thread-safe.
 */
final class ErrorPages implements ErrorPageGenerator {
    @Override
    public String generate(Request request, int status, String reasonPhrase, String description,
            Throwable exception) {
        // set before Grizzly's HtmlHelper sees the page: it only sets text/html if no type is set yet
        request.getResponse().setContentType(Problems.CONTENT_TYPE);
        request.getResponse().setHeader("Cache-Control", "no-store");
        return Problems.body(status, code(status), null).toString();
    }

    static String code(int status) {
        return switch (status) {
            case 404 -> HttpError.NOT_FOUND;
            case 405 -> HttpError.METHOD_NOT_ALLOWED;
            case 413 -> HttpError.PAYLOAD_TOO_LARGE;
            case 503 -> ErrorCode.SERVICE_CLOSED.code();
            default -> status < 500 ? HttpError.MALFORMED_REQUEST : ErrorCode.INTERNAL_ERROR.code();
        };
    }
}
