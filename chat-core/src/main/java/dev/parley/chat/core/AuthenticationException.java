package dev.parley.chat.core;

/** Credentials or a session token were missing, wrong or expired. */
public class AuthenticationException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public AuthenticationException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public AuthenticationException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
