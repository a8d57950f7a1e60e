package dev.parley.chat.core;

import java.util.Objects;

/**
 * The root of every exception Parley throws on purpose. It is unchecked, and always carries a stable
 * {@link ErrorCode}; callers branch on {@link #code()}, never on the message text, which is for humans and may
 * change. Subclasses group codes by {@link ErrorCode.Category} so that a {@code catch} can be as broad or narrow as
 * needed.
 */
public class ChatException extends RuntimeException {
    private final ErrorCode code;

    /**
     * @param code the stable error code
     * @param message a human-readable description, never containing secrets
     */
    public ChatException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * @param code the stable error code
     * @param message a human-readable description, never containing secrets
     * @param cause the underlying failure, or {@code null}
     */
    public ChatException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code == null");
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }

    /**
     * Creates the exception subtype matching the code's category.
     *
     * @param code the stable error code
     * @param message a human-readable description
     * @return a new exception; never {@code null}
     */
    public static ChatException of(ErrorCode code, String message) {
        return of(code, message, null);
    }

    /**
     * Creates the exception subtype matching the code's category.
     *
     * @param code the stable error code
     * @param message a human-readable description
     * @param cause the underlying failure, or {@code null}
     * @return a new exception; never {@code null}
     */
    public static ChatException of(ErrorCode code, String message, Throwable cause) {
        switch (code.category()) {
            case INVALID: return new InvalidRequestException(code, message, cause);
            case UNAUTHENTICATED: return new AuthenticationException(code, message, cause);
            case FORBIDDEN: return new PermissionDeniedException(code, message, cause);
            case NOT_FOUND: return new NotFoundException(code, message, cause);
            case CONFLICT: return new ConflictException(code, message, cause);
            case RATE_LIMITED:
            case UNAVAILABLE: return new UnavailableException(code, message, cause);
            default: return new ChatException(code, message, cause);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code.code() + "]: " + getMessage();
    }
}
