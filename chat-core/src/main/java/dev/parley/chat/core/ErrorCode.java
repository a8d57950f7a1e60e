package dev.parley.chat.core;

/**
 * Stable, machine-readable error codes. The {@link #code()} strings are a public contract: they appear in
 * {@code error} frames on the socket and in the {@code code} member of problem+json responses, and are never
 * renamed once released. New codes may be added in minor releases, so clients must treat an unknown code as the
 * generic failure of its {@link Category}.
 */
public enum ErrorCode {
    /** A username breaks the naming rules (length, characters). */
    INVALID_USERNAME("invalid_username", Category.INVALID),
    /** A password is outside 8–128 code points, or holds an unpaired surrogate. */
    INVALID_PASSWORD("invalid_password", Category.INVALID),
    /** A room name breaks the naming rules. */
    INVALID_ROOM_NAME("invalid_room_name", Category.INVALID),
    /**
     * A message body shows nothing: it is empty, or only white space and invisible characters (Unicode
     * {@code White_Space}, {@code Default_Ignorable_Code_Point} such as zero-width spaces and joiners, and U+2800
     * BRAILLE PATTERN BLANK).
     */
    MESSAGE_EMPTY("message_empty", Category.INVALID),
    /** A message body is longer than the configured maximum, counted in code points. */
    MESSAGE_TOO_LONG("message_too_long", Category.INVALID),
    /** A message body contains control characters or malformed UTF-16. */
    MESSAGE_INVALID("message_invalid", Category.INVALID),
    /** A client message id is not 1–64 characters of {@code [A-Za-z0-9._:-]}. */
    INVALID_CLIENT_MSG_ID("invalid_client_msg_id", Category.INVALID),
    /** Some other argument is out of range (a page limit, a negative sequence, both before and after). */
    INVALID_ARGUMENT("invalid_argument", Category.INVALID),
    /** A resume asked to replay more messages than the configured maximum; page the history instead. */
    REPLAY_TOO_LARGE("replay_too_large", Category.INVALID),
    /**
     * A search query has no letter or digit, more than {@value SearchTerms#MAX_TERMS} terms, or more than
     * {@value SearchTerms#MAX_QUERY_LENGTH} characters.
     */
    INVALID_QUERY("invalid_query", Category.INVALID),

    /**
     * A reply names a message that cannot be replied to: an unknown id, a message in another room (or one the sender
     * cannot see), or a deleted message. Nothing was stored.
     */
    INVALID_REPLY("invalid_reply", Category.INVALID),
    /**
     * A reaction is not one emoji: exactly one extended grapheme cluster of at most 32 UTF-16 units, made only of
     * emoji code points (see {@code docs/protocol.md}).
     */
    INVALID_EMOJI("invalid_emoji", Category.INVALID),
    /** A new emoji would exceed the distinct emoji a message may carry ({@link ChatSettings#maxReactionsPerMessage()}). */
    TOO_MANY_REACTIONS("too_many_reactions", Category.INVALID),

    /** Unknown user or wrong password; deliberately indistinguishable. */
    INVALID_CREDENTIALS("invalid_credentials", Category.UNAUTHENTICATED),
    /** A session token is unknown, revoked, malformed or expired. */
    INVALID_TOKEN("invalid_token", Category.UNAUTHENTICATED),
    /**
     * A session token passed its expiry. The default service does not use it: it answers every token that does not
     * authenticate, expired ones included, with {@link #INVALID_TOKEN}, the same on every check. Kept for
     * applications whose own authenticator tells expiry apart; clients treat it like {@code invalid_token}.
     */
    TOKEN_EXPIRED("token_expired", Category.UNAUTHENTICATED),

    /** The caller is not a member of the room. */
    NOT_A_MEMBER("not_a_member", Category.FORBIDDEN),
    /** The caller tried to edit or delete another user's message. */
    NOT_MESSAGE_OWNER("not_message_owner", Category.FORBIDDEN),
    /** The operation is not allowed on this room (for example joining a direct room). */
    PERMISSION_DENIED("permission_denied", Category.FORBIDDEN),

    /** No such room, or a private room the caller cannot see. */
    ROOM_NOT_FOUND("room_not_found", Category.NOT_FOUND),
    /** No such user. */
    USER_NOT_FOUND("user_not_found", Category.NOT_FOUND),
    /** No such message, or one in a room the caller cannot see. */
    MESSAGE_NOT_FOUND("message_not_found", Category.NOT_FOUND),

    /** The normalised username is already registered. */
    USERNAME_TAKEN("username_taken", Category.CONFLICT),
    /** A room with this normalised name already exists. */
    ROOM_EXISTS("room_exists", Category.CONFLICT),
    /** The sender reused a client message id for a different room or body. */
    IDEMPOTENCY_CONFLICT("idempotency_conflict", Category.CONFLICT),
    /** The message was deleted and can no longer be edited. */
    MESSAGE_DELETED("message_deleted", Category.CONFLICT),
    /**
     * The client's position in a room's change stream cannot be continued: it lies beyond the room's newest change,
     * or the service could not read a gap in the stream within its bound. Nothing was subscribed (or the
     * subscription ended). Recover by subscribing live again first, then reloading the room's history and merging
     * it by message id (keep the state with the higher {@code change}): in that order nothing falls between the two.
     */
    RESYNC_REQUIRED("resync_required", Category.CONFLICT),

    /** Too many requests; retry later. */
    RATE_LIMITED("rate_limited", Category.RATE_LIMITED),

    /** The server is at capacity (for example the password hashing queue is full); retry later. */
    SERVER_BUSY("server_busy", Category.UNAVAILABLE),
    /** The store failed or is locked; nothing was acknowledged and the request can be retried. */
    STORAGE_UNAVAILABLE("storage_unavailable", Category.UNAVAILABLE),
    /** The service has been closed. */
    SERVICE_CLOSED("service_closed", Category.UNAVAILABLE),

    /** The storage offers no message search ({@code ChatStorage.search()} is empty). */
    SEARCH_UNSUPPORTED("search_unsupported", Category.UNSUPPORTED),

    /** A bug; the message says no more than that. */
    INTERNAL_ERROR("internal_error", Category.INTERNAL);

    /** Broad classes of failure, each mapping to one HTTP status family. */
    public enum Category {
        /** Bad input (HTTP 400/422). */
        INVALID,
        /** Missing or bad credentials (HTTP 401). */
        UNAUTHENTICATED,
        /** Authenticated but not allowed (HTTP 403). */
        FORBIDDEN,
        /** No such thing, or not visible to the caller (HTTP 404). */
        NOT_FOUND,
        /** Clashes with existing state (HTTP 409). */
        CONFLICT,
        /** Too many requests (HTTP 429). */
        RATE_LIMITED,
        /** Temporarily unable; safe to retry (HTTP 503). */
        UNAVAILABLE,
        /** The deployment does not offer this operation; retrying does not help (HTTP 501). */
        UNSUPPORTED,
        /** A bug (HTTP 500). */
        INTERNAL
    }

    private final String code;
    private final Category category;

    ErrorCode(String code, Category category) {
        this.code = code;
        this.category = category;
    }

    /** The stable wire code, in {@code snake_case}. */
    public String code() {
        return code;
    }

    /** The class of failure this code belongs to. */
    public Category category() {
        return category;
    }

    /** Whether repeating the same request later may succeed. */
    public boolean retryable() {
        return category == Category.UNAVAILABLE || category == Category.RATE_LIMITED;
    }
}
