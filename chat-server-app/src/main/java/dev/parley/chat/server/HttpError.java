package dev.parley.chat.server;

import java.util.Map;

/**
 * A failure of the HTTP layer itself (as opposed to a {@link dev.parley.chat.core.ChatException} from the service),
 * answered as problem+json with its own stable code.
 */
final class HttpError extends RuntimeException {
    /** The body is not one JSON object as {@link dev.parley.chat.json.StrictJson} reads it. */
    static final String MALFORMED_JSON = "malformed_json";
    /** A required member of the JSON body is absent or null. */
    static final String MISSING_FIELD = "missing_field";
    /** The body is larger than the configured limit. */
    static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    /** A body was sent with a content type other than {@code application/json}. */
    static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    /** No resource at this path. */
    static final String NOT_FOUND = "not_found";
    /** The resource exists but does not support the method. */
    static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    /**
     * The request path is not a plain URL path: characters outside RFC 3986, a malformed escape, escapes that are
     * not UTF-8, an encoded separator, a control character, or a segment made only of dots.
     */
    static final String INVALID_PATH = "invalid_path";
    /** The header section is one that two HTTP parsers could read differently (see {@link RequestScreen}). */
    static final String MALFORMED_REQUEST = "malformed_request";

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    HttpError(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    HttpError(int status, String code, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    static HttpError notFound() {
        return new HttpError(404, NOT_FOUND, "There is nothing at this path.");
    }

    static HttpError methodNotAllowed(String allow) {
        return new HttpError(405, METHOD_NOT_ALLOWED, "This resource supports " + allow + ".",
                Map.of("Allow", allow));
    }

    static HttpError invalidPath() {
        return new HttpError(400, INVALID_PATH, "The path is not a plain URL path (RFC 3986, UTF-8, no dot segments).");
    }

    /** The connection is closed after the answer: what follows the header section cannot be framed reliably. */
    static HttpError malformedRequest(String detail) {
        return new HttpError(400, MALFORMED_REQUEST, detail, Map.of("Connection", "close"));
    }

    static HttpError malformed(String detail) {
        return new HttpError(400, MALFORMED_JSON, detail);
    }

    static HttpError missingField(String field) {
        return new HttpError(400, MISSING_FIELD, "The member \"" + field + "\" is required.");
    }

    static HttpError invalidArgument(String detail) {
        return new HttpError(400, "invalid_argument", detail);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }
}
