package dev.parley.chat.core;

/** The caller is authenticated but not allowed to do this. */
public class PermissionDeniedException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public PermissionDeniedException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public PermissionDeniedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
