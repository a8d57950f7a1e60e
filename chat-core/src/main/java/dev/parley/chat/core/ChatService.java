package dev.parley.chat.core;

import dev.parley.chat.core.internal.DefaultChatService;
import dev.parley.chat.core.memory.InMemoryPresenceRegistry;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.PasswordHasher;
import dev.parley.chat.core.spi.PresenceRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The chat API: accounts, sessions, rooms, messages and live events. Framework-agnostic; transports (the
 * WebSocket endpoint, the REST API) are thin layers over it. Build one with {@link #builder()}.
 *
 * <h2>Callers and trust</h2>
 * Methods that act for a user take that user as their first argument, as returned by {@link #authenticate},
 * {@link #register}, {@link #login} or {@link #ensureUser}. The service checks what that user may do (membership,
 * ownership) but trusts the embedding application that the {@code User} is the caller.
 *
 * <h2>Names</h2>
 * Usernames are compared after NFKC normalisation and case folding, so {@code Alice}, {@code ALICE} and the
 * fullwidth {@code ａｌｉｃｅ} are one name; the name is displayed as first registered (NFC). A username has 3–32
 * code points (configurable) of letters, digits, {@code _}, {@code -} and {@code .}, starting with a letter or
 * digit. Room names are NFKC-normalised and lower-cased, 1–64 code points of letters, digits, {@code _} and {@code
 * -}, starting with a letter or digit. Room arguments are normalised the same way before lookup.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link ChatException} with a stable {@link ErrorCode}. Arguments that are {@code null} where a
 * value is required throw {@link NullPointerException} (a programming error, not user input).
 * {@link UnavailableException} means nothing was committed and the same call may be retried; sends carrying a
 * client message id are safe to retry in every case.
 *
 * <h2>Threads</h2>
 * Implementations are thread-safe. Calls block until their effect is stored. Password hashing runs on a small
 * bounded pool owned by the service; {@link #close()} releases it.
 */
public interface ChatService extends AutoCloseable {

    // ---- accounts and sessions -------------------------------------------------------------------------------

    /**
     * Registers a user with a password and joins them to the {@link ChatSettings#defaultRooms() default rooms}.
     *
     * @param username the wanted name (see Names above)
     * @param password 8–128 code points of any Unicode, well-formed UTF-16 (no unpaired surrogate: it has no exact
     *     UTF-8 form to hash); never truncated, normalised or repaired
     * @return the new user
     * @throws InvalidRequestException {@code invalid_username}, {@code invalid_password}
     * @throws ConflictException {@code username_taken}
     * @throws UnavailableException {@code server_busy} when too many passwords are being hashed
     */
    User register(String username, String password);

    /**
     * Returns the user with this name, creating one without a password if absent. For applications that
     * authenticate users themselves and hand Parley the result; such a user cannot {@link #login}.
     *
     * @param username the name
     * @return the existing or new user
     * @throws InvalidRequestException {@code invalid_username}
     */
    User ensureUser(String username);

    /**
     * Finds a user by name (normalised as for registration).
     *
     * @param username the name
     * @return the user, or empty (also for a name that breaks the rules)
     */
    Optional<User> findUser(String username);

    /**
     * Logs in and issues a new session token. An unknown user and a wrong password fail identically and take about
     * the same time (a dummy hash is verified for unknown users).
     *
     * @param username the name
     * @param password the password; one that {@link #register} would refuse (an unpaired surrogate among them)
     *     fails as a wrong one, and is never handed to the password hasher
     * @return the token, its expiry and the user
     * @throws AuthenticationException {@code invalid_credentials}
     * @throws UnavailableException {@code server_busy} when too many passwords are being hashed
     */
    LoginResult login(String username, String password);

    /**
     * Resolves a session token to its user, extending the session's idle expiry.
     *
     * @param token the bearer token from {@link #login}
     * @return the user
     * @throws AuthenticationException {@code invalid_token} for every token that does not authenticate: unknown,
     *     revoked, malformed or expired (as RFC 6750 §3.1 defines it), the same on every call
     */
    User authenticate(String token);

    /**
     * Revokes a session token. Idempotent: an unknown token is ignored.
     *
     * @param token the bearer token
     */
    void logout(String token);

    /**
     * Revokes every session of the user (sign out everywhere, the caller's own included) and ends each one: every
     * node of a cluster closes the sockets authenticated with them (reason {@code logged_out}). Idempotent.
     *
     * @param actor the signed-in user
     * @return how many sessions were revoked
     */
    int logoutEverywhere(User actor);

    // ---- rooms -----------------------------------------------------------------------------------------------

    /**
     * Creates a public or private room; the creator becomes its first member.
     *
     * @param actor the creator
     * @param name the room name (see Names above)
     * @param type {@link RoomType#PUBLIC} or {@link RoomType#PRIVATE}
     * @return the room
     * @throws InvalidRequestException {@code invalid_room_name}, or {@code invalid_argument} for {@code DIRECT}
     * @throws ConflictException {@code room_exists}
     */
    Room createRoom(User actor, String name, RoomType type);

    /**
     * Opens the direct room between the actor and another user, creating it and both memberships if needed.
     * Idempotent: both users get the same room whichever opens it.
     *
     * @param actor one user
     * @param otherUsername the other user's name
     * @return the direct room
     * @throws NotFoundException {@code user_not_found}
     * @throws InvalidRequestException {@code invalid_argument} for a direct room with oneself
     */
    Room openDirect(User actor, String otherUsername);

    /**
     * Looks up a room the actor may see.
     *
     * @param actor the caller
     * @param room the room name
     * @return the room
     * @throws NotFoundException {@code room_not_found}, also for a private room the actor is not in
     */
    Room findRoom(User actor, String room);

    /**
     * Lists the rooms the actor can see (public ones and the actor's own) with read positions and unread counts,
     * ordered by name.
     *
     * @param actor the caller
     * @return the summaries
     */
    List<RoomSummary> listRooms(User actor);

    /**
     * Joins a public room. Idempotent. Publishes {@link ChatEvent.MemberJoined} if the actor was not a member.
     *
     * @param actor the caller
     * @param room the room name
     * @return the room
     * @throws NotFoundException {@code room_not_found}
     * @throws PermissionDeniedException {@code permission_denied} for direct rooms
     */
    Room join(User actor, String room);

    /**
     * Adds another user to a room the actor is a member of (the way into a private room).
     *
     * @param actor a member
     * @param room the room name
     * @param username the user to add
     * @return the room
     * @throws NotFoundException {@code room_not_found}, {@code user_not_found}
     * @throws PermissionDeniedException {@code not_a_member}, or {@code permission_denied} for direct rooms
     */
    Room addMember(User actor, String room, String username);

    /**
     * Leaves a room. Idempotent. Publishes {@link ChatEvent.MemberLeft}, which also ends the actor's own
     * subscriptions to the room.
     *
     * @param actor the caller
     * @param room the room name
     * @throws NotFoundException {@code room_not_found}
     */
    void leave(User actor, String room);

    /**
     * Lists a room's members, ordered by join time.
     *
     * @param actor the caller; must be a member, or the room must be public
     * @param room the room name
     * @return the members
     * @throws NotFoundException {@code room_not_found}
     */
    List<Member> members(User actor, String room);

    // ---- messages --------------------------------------------------------------------------------------------

    /**
     * Sends a message: stores it with the room's next sequence number, then publishes
     * {@link ChatEvent.MessagePosted}. The actor's read position does not move: unread counts never include one's own
     * messages anyway.
     *
     * <p>Idempotent per sender and {@code clientMsgId}: a retry returns the original message and stores nothing.
     *
     * @param actor the sender; must be a member
     * @param room the room name
     * @param body the text: 1 to {@link ChatSettings#maxMessageLength()} code points, well-formed UTF-16, no control
     *     characters other than tab and line breaks, and not blank: at least one character that is neither Unicode
     *     {@code White_Space} nor {@code Default_Ignorable_Code_Point} (zero-width space, joiners, BOM, ...) nor
     *     U+2800 BRAILLE PATTERN BLANK
     * @param clientMsgId the client's idempotency key (1–64 of {@code [A-Za-z0-9._:-]}), or {@code null}
     * @return the stored message
     * @throws InvalidRequestException {@code message_empty}, {@code message_too_long}, {@code message_invalid},
     *     {@code invalid_client_msg_id}
     * @throws NotFoundException {@code room_not_found}
     * @throws PermissionDeniedException {@code not_a_member}
     * @throws ConflictException {@code idempotency_conflict}
     * @throws UnavailableException {@code storage_unavailable}; retry with the same {@code clientMsgId}
     */
    default Message send(User actor, String room, String body, String clientMsgId) {
        return send(actor, room, body, clientMsgId, 0);
    }

    /**
     * Sends a message, as {@link #send(User, String, String, String)}, that may reply to another message of the same
     * room. The stored message's {@link Message#replyTo()} shows the original as it is whenever the reply is read.
     * {@code @username} in the body mentions that user if they are a member of the room (see
     * {@link Message#mentions()}); each mentioned user gets {@link UserListener#onMentioned} on every watch of theirs.
     * A retry with the same {@code clientMsgId} must name the same {@code replyTo}.
     *
     * @param actor the sender; must be a member
     * @param room the room name
     * @param body the text, as for {@link #send(User, String, String, String)}
     * @param clientMsgId the client's idempotency key, or {@code null}
     * @param replyTo the id of the message replied to, {@code 0} for none
     * @return the stored message
     * @throws InvalidRequestException {@code invalid_reply} if {@code replyTo} is not a message of the room that is
     *     visible and not deleted (nothing is stored), and as {@link #send(User, String, String, String)}
     * @throws NotFoundException {@code room_not_found}
     * @throws PermissionDeniedException {@code not_a_member}
     * @throws ConflictException {@code idempotency_conflict}
     * @throws UnavailableException {@code storage_unavailable}; retry with the same {@code clientMsgId}
     */
    Message send(User actor, String room, String body, String clientMsgId, long replyTo);

    /**
     * Sends a message as {@link #send(User, String, String, String, long)} does, without making the calling thread
     * wait for the store's commit, so that one caller (a socket sending many messages) can keep several sends in
     * flight and a store that commits in groups can fill its groups.
     *
     * <p>Ordering: sends that one thread submits are stored, numbered and published in submission order, and their
     * stages complete in that order, on this project's stores. Errors found before the store is involved (the body,
     * the {@code clientMsgId}, the room, membership, a negative {@code replyTo}) are thrown by this method, as by
     * {@code send}; errors of the append itself ({@code invalid_reply}, {@code idempotency_conflict},
     * {@code storage_unavailable}) complete the stage exceptionally with the same {@link ChatException}. The stage
     * completes after the message was committed and published. It may complete on a thread of the store: dependents
     * must be quick and must not block.
     *
     * <p>The default calls {@code send} and returns a completed stage. The default service pipelines the append
     * through {@link dev.parley.chat.core.spi.MessageStore#appendAsync}: with the SQLite store the stage completes on
     * its completion thread; with a store that does not override {@code appendAsync} (PostgreSQL, the in-memory
     * store) the call runs to completion on the calling thread, exactly like {@code send}.
     *
     * @param actor the sender; must be a member
     * @param room the room name
     * @param body the text, as for {@link #send(User, String, String, String)}
     * @param clientMsgId the client's idempotency key, or {@code null}
     * @param replyTo the id of the message replied to, {@code 0} for none
     * @return completes with the stored message, or exceptionally as described
     * @throws InvalidRequestException {@code message_empty}, {@code message_too_long}, {@code message_invalid},
     *     {@code invalid_client_msg_id}, {@code invalid_reply} (a negative {@code replyTo})
     * @throws NotFoundException {@code room_not_found}
     * @throws PermissionDeniedException {@code not_a_member}
     */
    default CompletionStage<Message> sendAsync(User actor, String room, String body, String clientMsgId,
            long replyTo) {
        return CompletableFuture.completedFuture(send(actor, room, body, clientMsgId, replyTo));
    }

    /**
     * Edits one of the actor's own messages; publishes {@link ChatEvent.MessageEdited}.
     *
     * @param actor the sender of the message
     * @param messageId the message id
     * @param body the new text, validated as for {@link #send}
     * @return the edited message
     * @throws NotFoundException {@code message_not_found}
     * @throws PermissionDeniedException {@code not_message_owner}, {@code not_a_member}
     * @throws ConflictException {@code message_deleted}
     */
    Message edit(User actor, long messageId, String body);

    /**
     * Deletes one of the actor's own messages: its body is cleared, its sequence number stays. Idempotent.
     * Publishes {@link ChatEvent.MessageDeleted}.
     *
     * @param actor the sender of the message
     * @param messageId the message id
     * @return the deleted message
     * @throws NotFoundException {@code message_not_found}
     * @throws PermissionDeniedException {@code not_message_owner}, {@code not_a_member}
     */
    Message delete(User actor, long messageId);

    /**
     * Adds the actor's reaction to a message; publishes {@link ChatEvent.MessageReacted}. Idempotent: reacting again
     * with the same emoji changes nothing, takes no change number and publishes nothing.
     *
     * @param actor the reacting user; must be a member of the message's room
     * @param messageId the message id
     * @param emoji one emoji: a single extended grapheme cluster of emoji code points, at most 32 UTF-16 units
     * @return the message as it is now, its reactions included
     * @throws InvalidRequestException {@code invalid_emoji}, {@code too_many_reactions} (beyond
     *     {@link ChatSettings#maxReactionsPerMessage()} distinct emoji)
     * @throws NotFoundException {@code message_not_found}, also for a message in a room the actor cannot see
     * @throws PermissionDeniedException {@code not_a_member} (a public room the actor has not joined)
     * @throws ConflictException {@code message_deleted}
     * @throws UnavailableException {@code storage_unavailable}
     */
    Message react(User actor, long messageId, String emoji);

    /**
     * Removes the actor's reaction to a message; publishes {@link ChatEvent.MessageReacted}. Idempotent: removing a
     * reaction the actor does not have changes nothing, takes no change number and publishes nothing.
     *
     * @param actor the user; must be a member of the message's room
     * @param messageId the message id
     * @param emoji the emoji, validated as for {@link #react}
     * @return the message as it is now
     * @throws InvalidRequestException {@code invalid_emoji}
     * @throws NotFoundException {@code message_not_found}
     * @throws PermissionDeniedException {@code not_a_member}
     * @throws ConflictException {@code message_deleted}
     * @throws UnavailableException {@code storage_unavailable}
     */
    Message unreact(User actor, long messageId, String emoji);

    /**
     * Reads a page of a room's history.
     *
     * @param actor the caller; must be a member, or the room must be public
     * @param room the room name
     * @param query which page
     * @return the page, ascending by sequence
     * @throws NotFoundException {@code room_not_found}
     * @throws InvalidRequestException {@code invalid_argument} if the limit exceeds
     *     {@link ChatSettings#maxHistoryPage()}
     */
    HistoryPage history(User actor, String room, HistoryQuery query);

    /**
     * Searches the messages the actor can read: those of the rooms the actor is a member of (public rooms joined,
     * private rooms, direct rooms), never of a public room the actor has not joined. Deleted messages never match;
     * an edit is searchable as soon as it has returned. The query's rule is {@link SearchTerms}'s: every term must
     * be a prefix of a token of the body.
     *
     * @param actor the caller
     * @param query what the user typed, see {@link SearchTerms#parse}
     * @param room only this room (a room the actor is a member of), or {@code null} for all the actor's rooms
     * @param beforeId only messages with a smaller id (the previous page's {@link SearchPage#nextBefore()}), or
     *     {@code null} for the newest
     * @param limit the most results, 1–{@value #MAX_SEARCH_PAGE}
     * @return matches newest first (descending message id), each with its highlights
     * @throws InvalidRequestException {@code invalid_query} for a query without terms, with too many or too long;
     *     {@code invalid_argument} for a limit out of range or a {@code beforeId < 1}
     * @throws NotFoundException {@code room_not_found} if {@code room} does not exist or is a private or direct room
     *     the actor is not in (as for {@link #history})
     * @throws PermissionDeniedException {@code not_a_member} if {@code room} is a public room the actor has not
     *     joined
     * @throws ChatException {@code search_unsupported} if the storage offers no search ({@link
     *     dev.parley.chat.core.spi.ChatStorage#search()})
     */
    SearchPage search(User actor, String query, String room, Long beforeId, int limit);

    /** The largest {@link #search} page. */
    int MAX_SEARCH_PAGE = 100;

    /**
     * Moves the actor's read position forward to {@code seq} (clamped to the newest message). Never moves it back.
     *
     * @param actor a member
     * @param room the room name
     * @param seq the sequence read up to, {@code >= 0}
     * @return the room summary after the change
     * @throws PermissionDeniedException {@code not_a_member}
     */
    RoomSummary markRead(User actor, String room, long seq);

    /**
     * Announces that the actor is typing; publishes {@link ChatEvent.Typing}. Nothing is stored.
     *
     * @param actor a member
     * @param room the room name
     * @throws PermissionDeniedException {@code not_a_member}
     */
    void typing(User actor, String room);

    /**
     * Subscribes to a room's stream: optionally replays what the client missed, then delivers live events.
     *
     * <p>Guarantee: every {@link ChatEvent.RoomChange} after the start reaches the listener exactly once, in strictly
     * increasing change order, with none skipped: the replay covers {@code (start, position]} where
     * {@link RoomSubscription#position()} is the room's position when subscribing, and live events continue after
     * it. A change superseded before it was read from the store (a message edited again) arrives once, in its newest
     * state. Live events the fan-out drops, duplicates or reorders are repaired from the store, off the publisher's
     * thread; if a gap stays unreadable for {@link ChatSettings#feedRepairTimeout()}, the subscription ends with
     * {@link ChatListener#onError} ({@code resync_required}), never silently. {@link ChatEvent.Typing} and
     * {@link ChatEvent.Presence} events are ephemeral and delivered as received. While subscribed the actor counts
     * as online in the room, on every node ({@link RoomSubscription#online()}).
     *
     * <p>{@link StreamStart#afterChange} replays every change (posted messages, the current state of edited and
     * deleted ones, joins and leaves) in change order. {@link StreamStart#afterSeq} replays only the messages with a
     * higher sequence, in sequence order and in their current state, as older clients expect. The subscription
     * ends when it is closed, when the service closes, or after delivering the actor's own live
     * {@link ChatEvent.MemberLeft}. A leave that races this call never leaves a subscription to a room the actor
     * has left: either the call fails with {@code not_a_member} or the subscription receives the departure.
     *
     * @param actor a member of the room
     * @param room the room name
     * @param start where to start
     * @param listener the listener; see {@link ChatListener} for its threading rules
     * @return the subscription, reporting the position its live stream continues after
     * @throws NotFoundException {@code room_not_found}
     * @throws PermissionDeniedException {@code not_a_member}
     * @throws ConflictException {@code resync_required} if the start lies beyond the room's newest sequence or
     *     change, or if the room's stream could not be kept complete while the replay ran
     * @throws InvalidRequestException {@code replay_too_large} if more than {@link ChatSettings#maxReplay()}
     *     messages or changes would be replayed
     * @throws UnavailableException {@code storage_unavailable} if the store could not be read; nothing subscribed
     */
    RoomSubscription subscribe(User actor, String room, StreamStart start, ChatListener listener);

    /**
     * Subscribes by message sequence: {@code subscribe(actor, room, afterSeq < 0 ? StreamStart.live() :
     * StreamStart.afterSeq(afterSeq), listener)}.
     *
     * @param actor a member of the room
     * @param room the room name
     * @param afterSeq replay stored messages after this sequence, or {@code -1} for live events only
     * @param listener the listener
     * @return the subscription
     * @throws InvalidRequestException {@code invalid_argument} if {@code afterSeq < -1}; otherwise as
     *     {@link #subscribe(User, String, StreamStart, ChatListener)}
     */
    default RoomSubscription subscribe(User actor, String room, long afterSeq, ChatListener listener) {
        if (afterSeq < -1) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "afterSeq must be -1 or more: " + afterSeq);
        }
        return subscribe(actor, room, afterSeq < 0 ? StreamStart.live() : StreamStart.afterSeq(afterSeq), listener);
    }

    /**
     * Watches what happens to a signed-in user outside room streams, on every node: rooms they become a member of,
     * and the end of the session the token belongs to (a logout anywhere), so that a transport can close the
     * session's sockets at once instead of at its next token check.
     *
     * @param actor the signed-in user
     * @param token the session token the caller authenticated with; only its hash is kept
     * @param listener the listener; see {@link UserListener} for its threading rules
     * @return the watch; closing it stops delivery
     */
    Subscription watchUser(User actor, String token, UserListener listener);

    /**
     * Reads a page of a room's change stream, for clients that poll instead of subscribing. The same changes a
     * {@link StreamStart#afterChange} subscription replays.
     *
     * @param actor the caller; must be a member, or the room must be public
     * @param room the room name
     * @param afterChange the last change the client has seen, {@code >= 0}
     * @param limit the most changes to return, 1 to {@link ChatSettings#maxHistoryPage()}
     * @return the page
     * @throws NotFoundException {@code room_not_found}
     * @throws InvalidRequestException {@code invalid_argument} for a negative position or a bad limit
     * @throws ConflictException {@code resync_required} if {@code afterChange} lies beyond the room's newest change
     */
    ChangePage changes(User actor, String room, long afterChange, int limit);

    /**
     * Checks that the service and its storage can serve requests.
     *
     * @throws UnavailableException if they cannot
     */
    void checkHealth();

    /**
     * Ends every subscription and stops the hashing pool. Calls made afterwards fail with {@code service_closed}.
     * Does not close the storage or a fan-out passed to the builder: their owner does. Idempotent.
     */
    @Override
    void close();

    /**
     * The key under which usernames are compared (see Names above): every spelling of one name gives the same key,
     * for example {@code "alice"}, {@code " Alice"}, {@code "ALICE\t"} and the fullwidth {@code "ａｌｉｃｅ"}. For
     * state an application keeps per account outside the service, such as login throttling, so that such spellings
     * cannot pass for different accounts. Defined for every string, also one that breaks the naming rules (no
     * account can have such a name); never throws for a non-null argument. Pure and thread-safe.
     *
     * @param username a name as a client sent it
     * @return its canonical key
     */
    static String canonicalUsername(String username) {
        return DefaultChatService.canonicalUsername(Objects.requireNonNull(username, "username == null"));
    }

    /** A builder for the default implementation. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link ChatService}. Storage and password hasher are required; everything else has a default.
     * Not thread-safe.
     */
    final class Builder {
        private ChatStorage storage;
        private PasswordHasher passwordHasher;
        private Fanout fanout;
        private PresenceRegistry presenceRegistry;
        private Clock clock = Clock.systemUTC();
        private ChatSettings settings = ChatSettings.defaults();
        private ChatObserver observer = ChatObserver.NONE;

        private Builder() {
        }

        /**
         * The stores. Required.
         *
         * @param storage for example {@code InMemoryChatStorage.create()} or a {@code JooqChatStorage}
         * @return this
         */
        public Builder storage(ChatStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage == null");
            return this;
        }

        /**
         * The password hasher. Required: use {@code Argon2idPasswordHasher} from {@code chat-password4j}.
         *
         * @param passwordHasher the hasher
         * @return this
         */
        public Builder passwordHasher(PasswordHasher passwordHasher) {
            this.passwordHasher = Objects.requireNonNull(passwordHasher, "passwordHasher == null");
            return this;
        }

        /**
         * The live fan-out. Defaults to an {@link InProcessFanout} owned (and closed) by the service; pass a
         * cross-node implementation to run several nodes.
         *
         * @param fanout the fan-out
         * @return this
         */
        public Builder fanout(Fanout fanout) {
            this.fanout = Objects.requireNonNull(fanout, "fanout == null");
            return this;
        }

        /**
         * Where presence is shared between nodes. Defaults to an {@link InMemoryPresenceRegistry} owned by the
         * service, which is right for one node; a cluster passes a shared one (an unlogged PostgreSQL table from
         * {@code chat-store-jooq}, or Redis from {@code chat-bus-redis}). The caller closes a registry it passes.
         *
         * @param presenceRegistry the registry
         * @return this
         */
        public Builder presenceRegistry(PresenceRegistry presenceRegistry) {
            this.presenceRegistry = Objects.requireNonNull(presenceRegistry, "presenceRegistry == null");
            return this;
        }

        /**
         * The clock for timestamps and expiry. Defaults to {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Limits and lifetimes. Defaults to {@link ChatSettings#defaults()}.
         *
         * @param settings the settings
         * @return this
         */
        public Builder settings(ChatSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings == null");
            return this;
        }

        /**
         * What observes the service for metrics or tracing (for example {@code ChatServiceMetrics} from
         * {@code chat-micrometer}). Defaults to {@link ChatObserver#NONE}. One observer; to feed several, pass one
         * that forwards to each.
         *
         * @param observer the observer; thread-safe, and never blocking
         * @return this
         */
        public Builder observer(ChatObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer == null");
            return this;
        }

        /**
         * Builds the service and creates the default rooms if missing.
         *
         * @return a new service
         * @throws IllegalStateException if storage or password hasher is missing
         */
        public ChatService build() {
            if (storage == null) {
                throw new IllegalStateException("storage is required: call storage(...)");
            }
            if (passwordHasher == null) {
                throw new IllegalStateException(
                        "passwordHasher is required: call passwordHasher(Argon2idPasswordHasher.owasp())");
            }
            boolean ownsFanout = fanout == null;
            Fanout f = ownsFanout ? new InProcessFanout() : fanout;
            PresenceRegistry registry = presenceRegistry != null ? presenceRegistry
                    : new InMemoryPresenceRegistry(clock);
            return new DefaultChatService(storage, passwordHasher, f, ownsFanout, registry, clock, settings,
                    observer);
        }
    }
}
