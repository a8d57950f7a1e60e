package dev.parley.chat.transport.websocket;

/**
 * A protocol-level problem with one client frame, answered with an {@code error} frame; the socket stays open. Has
 * no stack trace: it is control flow, not a bug.
 */
final class WireError extends RuntimeException {
    static final String MALFORMED_JSON = "malformed_json";
    static final String UNKNOWN_TYPE = "unknown_type";
    static final String MISSING_FIELD = "missing_field";
    static final String INVALID_FIELD = "invalid_field";
    static final String NOT_AUTHENTICATED = "not_authenticated";
    static final String ALREADY_AUTHENTICATED = "already_authenticated";
    static final String RATE_LIMITED = "rate_limited";
    static final String INTERNAL_ERROR = "internal_error";

    private final String code;

    WireError(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
