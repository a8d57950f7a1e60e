package dev.parley.chat.core;

/** The thing named does not exist or is not visible to the caller. */
public class NotFoundException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public NotFoundException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public NotFoundException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
