package dev.parley.chat.core;

/** The request clashes with state that already exists. */
public class ConflictException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public ConflictException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public ConflictException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
