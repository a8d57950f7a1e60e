package dev.parley.chat.core;

/** The request is malformed or out of range; repeating it unchanged will fail again. */
public class InvalidRequestException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public InvalidRequestException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public InvalidRequestException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
