package dev.parley.chat.json;

/**
 * A JSON text that {@link StrictJson} refuses. The message says what is wrong and where (line and column), in words
 * safe to show the client that sent the text: it never quotes the input. Has no stack trace: a client's bad input is
 * control flow, not a bug, and must not fill the log.
 */
public final class MalformedJsonException extends RuntimeException {
    MalformedJsonException(String message) {
        super(message, null, false, false);
    }
}
