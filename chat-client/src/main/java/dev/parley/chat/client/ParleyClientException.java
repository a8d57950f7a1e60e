package dev.parley.chat.client;

import java.util.Objects;

/**
 * The one exception of this client (unchecked). {@link #code()} is the server's stable error code where the server
 * gave one (for example {@code message_too_long}, {@code invalid_credentials}, {@code logged_out}), else one of the
 * client's own: {@code connection_failed} (the server could not be reached or answered something unreadable),
 * {@code client_closed} (the client was closed before the operation completed), {@code not_logged_in} (no session),
 * {@code frame_too_large} (a frame over the protocol's 64 KiB limit was refused before sending). Branch on the code;
 * the message is for humans.
 */
public final class ParleyClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The code of a server that could not be reached, or whose answer could not be read. */
    public static final String CONNECTION_FAILED = "connection_failed";
    /** The code of an operation cut short by {@link ParleyClient#close()}. */
    public static final String CLIENT_CLOSED = "client_closed";
    /** The code of an operation that needs a session when the client has none. */
    public static final String NOT_LOGGED_IN = "not_logged_in";
    /** The code of a frame refused before sending because it is larger than the protocol allows. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";

    private final String code;
    private final int status;

    /**
     * Creates one.
     *
     * @param code the error code
     * @param status the HTTP status of a REST answer, or 0
     * @param message what happened, for humans
     * @param cause the cause, or null
     */
    public ParleyClientException(String code, int status, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code == null");
        this.status = status;
    }

    /**
     * The stable error code.
     *
     * @return the server's code, or one of this class's constants
     */
    public String code() {
        return code;
    }

    /**
     * The HTTP status of the REST answer that failed.
     *
     * @return the status, or 0 for a WebSocket error or one the client raised itself
     */
    public int status() {
        return status;
    }
}
