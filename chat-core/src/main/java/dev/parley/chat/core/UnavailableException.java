package dev.parley.chat.core;

/** Parley could not do the work now (busy, rate limited, store unavailable); nothing was committed and the same request may be retried. */
public class UnavailableException extends ChatException {
    /**
     * @param code the stable error code
     * @param message a human-readable description
     */
    public UnavailableException(ErrorCode code, String message) {
        super(code, message);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     */
    public UnavailableException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
