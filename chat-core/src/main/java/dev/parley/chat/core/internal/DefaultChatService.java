package dev.parley.chat.core.internal;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ChatObserver;
import dev.parley.chat.core.ChangePage;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ChatSettings;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryPage;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.InvalidRequestException;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Member;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.NotFoundException;
import dev.parley.chat.core.PermissionDeniedException;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.RoomSubscription;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.SearchPage;
import dev.parley.chat.core.SearchTerms;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import dev.parley.chat.core.UserListener;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.core.spi.Notice;
import dev.parley.chat.core.spi.PasswordHasher;
import dev.parley.chat.core.spi.PresenceRegistry;
import dev.parley.chat.core.spi.ReactionResult;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.StoredSession;
import dev.parley.chat.core.spi.UserCredentials;
import dev.parley.chat.core.spi.UserStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The default {@link ChatService}. Stores are the truth; every event is published after its effect is committed.
 * Built only through {@link ChatService#builder()}.
 */
public final class DefaultChatService implements ChatService {
    private static final System.Logger LOG = System.getLogger(DefaultChatService.class.getName());
    private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    private final UserStore users;
    private final SessionStore sessions;
    private final RoomStore rooms;
    private final MessageStore messages;
    private final ChatStorage storage;
    private final PasswordHasher hasher;
    private final Fanout fanout;
    private final boolean ownsFanout;
    private final Clock clock;
    private final ChatSettings settings;
    private final ThreadPoolExecutor hashPool;
    private final Tokens tokens = new Tokens();
    private final RoomFeeds feeds;
    private final PresenceTracker presence;
    private final UserWatches watches;
    private final ChangeReader changeReader;
    private final ScheduledThreadPoolExecutor catchUp;
    private final AtomicLong publishFailures = new AtomicLong();
    private final ChatObserver observer;
    private final AtomicBoolean observerFailed = new AtomicBoolean();
    private final Duration touchInterval;
    /**
     * When this node last started a touch of each session (token hash → epoch ms): see {@link #touchOnce}. Entries
     * older than the touch interval are dropped once per interval ({@link #nextTouchSweep}).
     */
    private final ConcurrentHashMap<String, Long> touching = new ConcurrentHashMap<>();
    private final AtomicLong nextTouchSweep = new AtomicLong();
    // Rooms are never renamed or deleted, so a name always maps to the same room.
    private final ConcurrentHashMap<String, Room> roomsByName = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong nextPurge;
    private volatile String dummyHash;

    /**
     * Use {@link ChatService#builder()}.
     *
     * @param storage the stores
     * @param hasher the password hasher
     * @param fanout the live fan-out
     * @param ownsFanout whether {@link #close()} closes the fan-out
     * @param presenceRegistry where presence is shared between nodes
     * @param clock the clock
     * @param settings the settings
     * @param observer what observes the service (see {@link ChatObserver})
     */
    public DefaultChatService(ChatStorage storage, PasswordHasher hasher, Fanout fanout, boolean ownsFanout,
            PresenceRegistry presenceRegistry, Clock clock, ChatSettings settings, ChatObserver observer) {
        this.storage = Objects.requireNonNull(storage, "storage == null");
        this.users = Objects.requireNonNull(storage.users(), "storage.users() == null");
        this.sessions = Objects.requireNonNull(storage.sessions(), "storage.sessions() == null");
        this.rooms = Objects.requireNonNull(storage.rooms(), "storage.rooms() == null");
        this.messages = Objects.requireNonNull(storage.messages(), "storage.messages() == null");
        this.hasher = Objects.requireNonNull(hasher, "hasher == null");
        this.fanout = Objects.requireNonNull(fanout, "fanout == null");
        this.ownsFanout = ownsFanout;
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.settings = Objects.requireNonNull(settings, "settings == null");
        this.observer = Objects.requireNonNull(observer, "observer == null");
        Duration halfIdle = settings.sessionIdleTimeout().dividedBy(2);
        this.touchInterval = halfIdle.compareTo(Duration.ofMinutes(1)) < 0 ? halfIdle : Duration.ofMinutes(1);
        this.hashPool = newHashPool(settings.hashingThreads(), settings.hashingQueue());
        this.changeReader = new ChangeReader(messages, rooms, users);
        this.catchUp = newCatchUpPool(settings.catchUpThreads());
        this.feeds = new RoomFeeds(fanout, changeReader, messages, catchUp, settings.feedRepairTimeout(),
                System::nanoTime);
        if (!settings.feedRecheckInterval().isZero()) {
            long every = settings.feedRecheckInterval().toMillis();
            catchUp.scheduleWithFixedDelay(feeds::recheckAll, every, every, TimeUnit.MILLISECONDS);
        }
        this.nextPurge = new AtomicLong(clock.millis());
        this.presence = new PresenceTracker(fanout, Objects.requireNonNull(presenceRegistry,
                "presenceRegistry == null"), settings.presenceTtl(), feeds::deliverEphemeral);
        this.watches = new UserWatches(fanout, rooms, messages, catchUp);
        try {
            for (String name : settings.defaultRooms()) {
                ensureSystemRoom(name);
            }
        } catch (RuntimeException e) {
            watches.close();
            presence.close();
            hashPool.shutdownNow();
            catchUp.shutdownNow();
            throw e;
        }
    }

    /**
     * The canonical key of a username, as {@link #register} and {@link #login} compare names; see
     * {@link ChatService#canonicalUsername}.
     *
     * @param username any name
     * @return its key
     */
    public static String canonicalUsername(String username) {
        return Names.canonicalUsername(username);
    }

    private static ScheduledThreadPoolExecutor newCatchUpPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "parley-catch-up-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return pool;
    }

    private static ThreadPoolExecutor newHashPool(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        BlockingQueue<Runnable> q = new ArrayBlockingQueue<>(queue);
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, q, r -> {
            Thread t = new Thread(r, "parley-password-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    private void ensureSystemRoom(String rawName) {
        String name = Names.requireValidRoomName(rawName, settings.maxRoomNameLength());
        if (rooms.findByName(name).isPresent()) {
            return;
        }
        try {
            rooms.create(new NewRoom(name, RoomType.PUBLIC, 0, now()));
        } catch (ConflictException e) {
            // another node created it first
        }
    }

    // ---- accounts and sessions -------------------------------------------------------------------------------

    @Override
    public User register(String username, String password) {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(password, "password == null");
        ensureOpen();
        String canonical = Names.requireValidUsername(username, settings.minUsernameLength(),
                settings.maxUsernameLength());
        Texts.requireValidPassword(password);
        // Fail a taken name before spending a hash on it; create() still decides races.
        if (users.findByCanonicalName(canonical).isPresent()) {
            throw new ConflictException(ErrorCode.USERNAME_TAKEN, "username is taken");
        }
        String hash = onHashPool(() -> hasher.hash(password));
        User user = users.create(new NewUser(Names.displayUsername(username), canonical, hash, now()));
        joinDefaultRooms(user);
        return user;
    }

    @Override
    public User ensureUser(String username) {
        Objects.requireNonNull(username, "username == null");
        ensureOpen();
        String canonical = Names.requireValidUsername(username, settings.minUsernameLength(),
                settings.maxUsernameLength());
        Optional<User> existing = users.findByCanonicalName(canonical);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            User user = users.create(new NewUser(Names.displayUsername(username), canonical, null, now()));
            joinDefaultRooms(user);
            return user;
        } catch (ConflictException e) {
            return users.findByCanonicalName(canonical).orElseThrow(() -> e);
        }
    }

    private void joinDefaultRooms(User user) {
        for (String raw : settings.defaultRooms()) {
            Room room = roomByName(Names.normaliseRoomName(raw));
            if (room != null) {
                addMemberAndPublish(room, user);
            }
        }
    }

    @Override
    public Optional<User> findUser(String username) {
        Objects.requireNonNull(username, "username == null");
        ensureOpen();
        String canonical = Names.canonicalUsernameOrNull(username, settings.minUsernameLength(),
                settings.maxUsernameLength());
        return canonical == null ? Optional.empty() : users.findByCanonicalName(canonical);
    }

    @Override
    public LoginResult login(String username, String password) {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(password, "password == null");
        long start = System.nanoTime();
        ChatObserver.LoginOutcome outcome = ChatObserver.LoginOutcome.FAILED;
        try {
            LoginResult result = checkedLogin(username, password);
            outcome = ChatObserver.LoginOutcome.SUCCEEDED;
            return result;
        } catch (AuthenticationException e) {
            if (e.code() == ErrorCode.INVALID_CREDENTIALS) {
                outcome = ChatObserver.LoginOutcome.INVALID_CREDENTIALS;
            }
            throw e;
        } finally {
            ChatObserver.LoginOutcome o = outcome;
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            observe(() -> observer.loginFinished(o, took));
        }
    }

    private LoginResult checkedLogin(String username, String password) {
        ensureOpen();
        String canonical = Names.canonicalUsernameOrNull(username, settings.minUsernameLength(),
                settings.maxUsernameLength());
        Optional<UserCredentials> credentials = canonical == null
                ? Optional.empty() : users.findCredentials(canonical);
        String storedHash = credentials.map(UserCredentials::passwordHash).orElse(null);
        boolean valid = Texts.validPassword(password);
        boolean plausible = storedHash != null && valid;
        // Unknown users, password-less users and impossible passwords verify against a dummy hash, so that every
        // failure costs one hash and they cannot be told apart by timing. A password that no one can have registered
        // is not even shown to the hasher (one with an unpaired surrogate has no exact UTF-8 form, and a hasher
        // that replaced the half pair would match another password): an empty one stands in for it.
        String against = plausible ? storedHash : dummyHash();
        String candidate = valid ? password : "";
        boolean ok = onHashPool(() -> hasher.verify(candidate, against)) && plausible;
        if (!ok) {
            throw new AuthenticationException(ErrorCode.INVALID_CREDENTIALS, "invalid username or password");
        }
        User user = credentials.get().user();
        if (hasher.needsRehash(storedHash)) {
            try {
                String upgraded = onHashPool(() -> hasher.hash(password));
                users.updatePasswordHash(user.id(), upgraded);
            } catch (ChatException e) {
                LOG.log(Level.INFO, "password rehash for user " + user.id() + " postponed: " + e.code().code());
            }
        }
        Instant now = now();
        String token = tokens.newToken();
        Instant expiresAt = now.plus(settings.sessionLifetime());
        sessions.create(new StoredSession(Tokens.hash(token), user.id(), now, now, expiresAt));
        purgeExpiredSessionsNowAndThen(now);
        return new LoginResult(token, expiresAt, user);
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = onHashPool(() -> hasher.hash("parley-dummy-password-" + tokens.newToken()));
            dummyHash = h;
        }
        return h;
    }

    private void purgeExpiredSessionsNowAndThen(Instant now) {
        long due = nextPurge.get();
        if (now.toEpochMilli() < due
                || !nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            return;
        }
        try {
            int n = sessions.deleteExpired(now.minus(settings.sessionIdleTimeout()), now);
            if (n > 0) {
                LOG.log(Level.DEBUG, "purged " + n + " expired sessions");
            }
        } catch (ChatException e) {
            LOG.log(Level.WARNING, "could not purge expired sessions: " + e.getMessage());
        }
    }

    @Override
    public User authenticate(String token) {
        ensureOpen();
        if (!Tokens.wellFormed(token)) {
            throw new AuthenticationException(ErrorCode.INVALID_TOKEN, "invalid token");
        }
        String hash = Tokens.hash(token);
        StoredSession session = sessions.find(hash).orElseThrow(
                () -> new AuthenticationException(ErrorCode.INVALID_TOKEN, "invalid token"));
        Instant now = now();
        if (!now.isBefore(session.expiresAt())
                || !now.isBefore(session.lastSeenAt().plus(settings.sessionIdleTimeout()))) {
            // invalid_token, as for an unknown token: once the row is gone (deleted here, or purged) nothing could
            // tell the two apart any more, and the answer must not depend on whether the token was checked before
            sessions.delete(hash);
            throw new AuthenticationException(ErrorCode.INVALID_TOKEN, "invalid token");
        }
        User user = users.findById(session.userId()).orElseThrow(
                () -> new AuthenticationException(ErrorCode.INVALID_TOKEN, "invalid token"));
        if (Duration.between(session.lastSeenAt(), now).compareTo(touchInterval) >= 0) {
            touchOnce(hash, now);
        }
        return user;
    }

    /**
     * Touches a session unless this node already started a touch of it within the touch interval. Without this,
     * every authentication that read the session before the first touch committed wrote its own: when many sockets
     * of one token reconnect at once (the harness's storm and idle phases share 4 tokens among thousands of
     * sockets), a warm server's JFR profile had 5.6% of its samples in the SQLite writer running touches, where 4
     * tokens need 4 a minute, and each authentication that touched held its worker thread until the group commit. Other nodes still touch
     * on their own (at most once per interval each), and a failed touch is forgotten so the next one retries.
     */
    private void touchOnce(String hash, Instant now) {
        long t = now.toEpochMilli();
        long interval = touchInterval.toMillis();
        long sweep = nextTouchSweep.get();
        if (t >= sweep && nextTouchSweep.compareAndSet(sweep, t + interval)) {
            touching.values().removeIf(v -> t - v >= interval);
        }
        Long last = touching.get(hash);
        if (last != null && t - last < interval) {
            return;
        }
        boolean mine = last == null ? touching.putIfAbsent(hash, t) == null : touching.replace(hash, last, t);
        if (!mine) {
            return; // another thread is touching it right now
        }
        try {
            sessions.touch(hash, now);
        } catch (RuntimeException e) {
            touching.remove(hash, t);
            throw e;
        }
    }

    @Override
    public void logout(String token) {
        ensureOpen();
        if (Tokens.wellFormed(token)) {
            String hash = Tokens.hash(token);
            sessions.delete(hash);
            touching.remove(hash);
            publish(new Notice.SessionEnded(hash));
        }
    }

    @Override
    public int logoutEverywhere(User actor) {
        Objects.requireNonNull(actor, "actor == null");
        ensureOpen();
        List<String> hashes = sessions.deleteAllForUserReturningHashes(actor.id());
        for (String hash : hashes) {
            publish(new Notice.SessionEnded(hash));
        }
        return hashes.size();
    }

    // ---- rooms -----------------------------------------------------------------------------------------------

    @Override
    public Room createRoom(User actor, String name, RoomType type) {
        Objects.requireNonNull(actor, "actor == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        ensureOpen();
        if (type == RoomType.DIRECT) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "open direct rooms with openDirect");
        }
        String normalised = Names.requireValidRoomName(name, settings.maxRoomNameLength());
        Room room = rooms.create(new NewRoom(normalised, type, actor.id(), now()));
        roomsByName.put(room.name(), room);
        addMemberAndPublish(room, actor);
        return room;
    }

    @Override
    public Room openDirect(User actor, String otherUsername) {
        Objects.requireNonNull(actor, "actor == null");
        Objects.requireNonNull(otherUsername, "otherUsername == null");
        ensureOpen();
        User other = findUser(otherUsername).orElseThrow(
                () -> new NotFoundException(ErrorCode.USER_NOT_FOUND, "no such user"));
        if (other.id() == actor.id()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "a direct room needs another user");
        }
        String name = Names.directRoomName(actor.id(), other.id());
        Room room = roomByName(name);
        if (room == null) {
            try {
                room = rooms.create(new NewRoom(name, RoomType.DIRECT, actor.id(), now()));
            } catch (ConflictException e) {
                room = rooms.findByName(name).orElseThrow(() -> e);
            }
            roomsByName.put(name, room);
        }
        for (User u : List.of(actor, other)) {
            addMemberAndPublish(room, u);
        }
        return room;
    }

    @Override
    public Room findRoom(User actor, String room) {
        return visibleRoom(actor, room).room;
    }

    @Override
    public List<RoomSummary> listRooms(User actor) {
        Objects.requireNonNull(actor, "actor == null");
        ensureOpen();
        Map<Long, Membership> mine = new HashMap<>();
        for (Membership m : rooms.listMemberships(actor.id())) {
            mine.put(m.roomId(), m);
        }
        List<RoomSummary> result = new ArrayList<>();
        for (Room room : rooms.listVisibleTo(actor.id())) {
            result.add(summary(room, mine.get(room.id()), actor));
        }
        return result;
    }

    private RoomSummary summary(Room room, Membership membership, User actor) {
        long lastSeq = messages.lastSeq(room.id());
        if (membership == null) {
            return new RoomSummary(room, false, lastSeq, 0, 0);
        }
        long lastRead = membership.lastReadSeq();
        long unread = lastRead >= lastSeq ? 0 : messages.countUnread(room.id(), lastRead, actor.id());
        long mentions = unread == 0 ? 0 : messages.countUnreadMentions(room.id(), lastRead, actor.id());
        return new RoomSummary(room, true, lastSeq, lastRead, unread, mentions);
    }

    @Override
    public Room join(User actor, String room) {
        Access access = visibleRoom(actor, room);
        Room r = access.room;
        if (r.type() == RoomType.DIRECT) {
            throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED, "direct rooms cannot be joined");
        }
        if (access.membership == null) {
            addMemberAndPublish(r, actor);
        }
        return r;
    }

    @Override
    public Room addMember(User actor, String room, String username) {
        Objects.requireNonNull(username, "username == null");
        Room r = memberRoom(actor, room).room;
        if (r.type() == RoomType.DIRECT) {
            throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED, "direct rooms have two members");
        }
        User user = findUser(username).orElseThrow(
                () -> new NotFoundException(ErrorCode.USER_NOT_FOUND, "no such user"));
        addMemberAndPublish(r, user);
        return r;
    }

    @Override
    public void leave(User actor, String room) {
        Room r = visibleRoom(actor, room).room;
        long change = rooms.removeMember(r.id(), actor.id(), now());
        if (change > 0) {
            publish(new ChatEvent.MemberLeft(r.id(), r.name(), actor, change));
        }
    }

    private void addMemberAndPublish(Room room, User user) {
        long change = rooms.addMember(room.id(), user.id(), now());
        if (change > 0) {
            publish(new ChatEvent.MemberJoined(room.id(), room.name(), user, change));
            publish(new Notice.RoomAdded(user.id(), room.id()));
        }
    }

    /** Publishes a notice; like a change, a failure is logged and the caller's call still succeeds. */
    private void publish(Notice notice) {
        try {
            fanout.publish(notice);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fan-out failed to publish a notice (" + e.getMessage() + ")");
        }
    }

    /**
     * Publishes a committed change. The commit is the truth: a fan-out that throws is logged and counted and the
     * caller's call still succeeds; this node's feed of the room then reads the change from the store.
     */
    private boolean publish(ChatEvent event) {
        try {
            fanout.publish(event);
            return true;
        } catch (RuntimeException e) {
            long n = publishFailures.incrementAndGet();
            LOG.log(Level.WARNING, "fan-out failed to publish a change of room " + event.roomId() + " (" + n
                    + " failures so far); local subscribers catch up from the store", e);
            observe(() -> observer.publishFailed(event, e));
            feeds.recheck(event.roomId());
            return false;
        }
    }

    /** Calls the observer; one that throws is logged (a warning the first time) and never fails the call observed. */
    private void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(observerFailed.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG,
                    "the ChatObserver threw; ignored", e);
        }
    }

    @Override
    public List<Member> members(User actor, String room) {
        Room r = visibleRoom(actor, room).room;
        List<Membership> memberships = rooms.listMembers(r.id());
        Map<Long, User> byId = users.findByIds(memberships.stream().map(Membership::userId)
                .collect(Collectors.toList())).stream().collect(Collectors.toMap(User::id, u -> u));
        List<Member> result = new ArrayList<>(memberships.size());
        for (Membership m : memberships) {
            User u = byId.get(m.userId());
            if (u != null) {
                result.add(new Member(u, m.joinedAt(), m.lastReadSeq()));
            }
        }
        return result;
    }

    // ---- messages --------------------------------------------------------------------------------------------

    @Override
    public Message send(User actor, String room, String body, String clientMsgId, long replyTo) {
        long start = System.nanoTime();
        Outgoing out = outgoing(actor, room, body, clientMsgId, replyTo);
        return announce(out, messages.append(out.message), start);
    }

    @Override
    public CompletionStage<Message> sendAsync(User actor, String room, String body, String clientMsgId,
            long replyTo) {
        long start = System.nanoTime();
        Outgoing out = outgoing(actor, room, body, clientMsgId, replyTo);
        // Completes in the store's commit order: the publish below then follows change order, and a socket's acks
        // follow its sends.
        return messages.appendAsync(out.message).thenApply(result -> announce(out, result, start));
    }

    /** A validated message, ready for the store, with the members it mentions. */
    private record Outgoing(NewMessage message, List<User> mentioned) {
    }

    private Outgoing outgoing(User actor, String room, String body, String clientMsgId, long replyTo) {
        Objects.requireNonNull(body, "body == null");
        Texts.requireValidBody(body, settings.maxMessageLength());
        Texts.requireValidClientMsgId(clientMsgId);
        if (replyTo < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_REPLY, "cannot reply to that message");
        }
        Room r = memberRoom(actor, room).room;
        List<User> mentioned = mentionedMembers(r, body);
        // The store checks replyTo (same room, not deleted) atomically with the append, after its idempotency look-up.
        return new Outgoing(new NewMessage(r.id(), r.name(), actor.id(), actor.username(), body, clientMsgId, now(),
                replyTo, mentioned), mentioned);
    }

    /** After the commit: observes, publishes and notifies the mentioned users. */
    private Message announce(Outgoing out, AppendResult result, long start) {
        long committed = System.nanoTime();
        Message message = result.message();
        observe(() -> observer.messageCommitted(message, result.created(), Duration.ofNanos(committed - start)));
        // Also on an idempotent retry: if this node died between commit and publish the first time, this is the
        // message's only announcement; subscribers drop it if they have it.
        boolean published = publish(new ChatEvent.MessagePosted(message));
        Duration toFanout = Duration.ofNanos(System.nanoTime() - committed);
        observe(() -> observer.messagePublished(message, published, toFanout));
        if (result.created()) {
            notifyMentioned(message, out.mentioned, List.of());
        }
        return message;
    }

    /**
     * The members of a room that a body mentions, in order of first mention. A sender naming themselves is listed
     * like anyone else but never notified, and their own messages never count as unread.
     */
    private List<User> mentionedMembers(Room room, String body) {
        List<String> names = Mentions.candidates(body);
        if (names.isEmpty()) {
            return List.of();
        }
        List<User> result = new ArrayList<>();
        for (String name : names) {
            findUser(name).filter(u -> result.stream().noneMatch(x -> x.id() == u.id()))
                    .filter(u -> rooms.findMembership(room.id(), u.id()).isPresent())
                    .ifPresent(result::add);
        }
        return result;
    }

    /** Tells each newly mentioned user other than the sender, on every node. */
    private void notifyMentioned(Message message, List<User> mentioned, List<String> before) {
        for (User u : mentioned) {
            if (u.id() != message.senderId() && !before.contains(u.username())) {
                publish(new Notice.Mentioned(u.id(), message.roomId(), message.id()));
            }
        }
    }

    @Override
    public Message edit(User actor, long messageId, String body) {
        Objects.requireNonNull(body, "body == null");
        Texts.requireValidBody(body, settings.maxMessageLength());
        Message m = ownMessage(actor, messageId);
        if (m.deleted()) {
            throw new ConflictException(ErrorCode.MESSAGE_DELETED, "message was deleted");
        }
        Room r = rooms.findById(m.roomId()).orElseThrow(
                () -> new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message"));
        List<User> mentioned = mentionedMembers(r, body);
        Message edited = messages.edit(messageId, body, now(), mentioned).orElseThrow(
                () -> new ConflictException(ErrorCode.MESSAGE_DELETED, "message was deleted"));
        publish(new ChatEvent.MessageEdited(edited));
        notifyMentioned(edited, mentioned, m.mentions());
        return edited;
    }

    @Override
    public Message react(User actor, long messageId, String emoji) {
        return react(actor, messageId, emoji, true);
    }

    @Override
    public Message unreact(User actor, long messageId, String emoji) {
        return react(actor, messageId, emoji, false);
    }

    private Message react(User actor, long messageId, String emoji, boolean add) {
        Objects.requireNonNull(emoji, "emoji == null");
        Emoji.requireValid(emoji);
        Message m = memberMessage(actor, messageId, false);
        if (m.deleted()) {
            throw new ConflictException(ErrorCode.MESSAGE_DELETED, "message was deleted");
        }
        ReactionResult result = messages.react(messageId, actor.id(), emoji, add,
                settings.maxReactionsPerMessage(), now())
                .orElseThrow(() -> new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message"));
        if (result.changed()) {
            publish(new ChatEvent.MessageReacted(result.message(), actor, emoji, add));
        }
        return result.message();
    }

    @Override
    public Message delete(User actor, long messageId) {
        Message m = ownMessage(actor, messageId);
        if (m.deleted()) {
            return m;
        }
        Message deleted = messages.delete(messageId, now()).orElseThrow(
                () -> new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message"));
        publish(new ChatEvent.MessageDeleted(deleted));
        return deleted;
    }

    /** The actor's own message in a room the actor is a member of. */
    private Message ownMessage(User actor, long messageId) {
        return memberMessage(actor, messageId, true);
    }

    /**
     * A message in a room the actor is a member of (and, if {@code own}, sent by the actor). A message in a room the
     * actor cannot see answers exactly like an unknown id: edits and reactions never reveal such a room.
     */
    private Message memberMessage(User actor, long messageId, boolean own) {
        Objects.requireNonNull(actor, "actor == null");
        ensureOpen();
        Message m = messages.findById(messageId).orElseThrow(
                () -> new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message"));
        Room room = rooms.findById(m.roomId()).orElseThrow(
                () -> new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message"));
        boolean member = rooms.findMembership(room.id(), actor.id()).isPresent();
        if (!member && room.type() != RoomType.PUBLIC) {
            throw new NotFoundException(ErrorCode.MESSAGE_NOT_FOUND, "no such message");
        }
        if (own && m.senderId() != actor.id()) {
            throw new PermissionDeniedException(ErrorCode.NOT_MESSAGE_OWNER, "not your message");
        }
        if (!member) {
            throw new PermissionDeniedException(ErrorCode.NOT_A_MEMBER, "not a member of " + room.name());
        }
        return m;
    }

    @Override
    public HistoryPage history(User actor, String room, HistoryQuery query) {
        Objects.requireNonNull(query, "query == null");
        Room r = visibleRoom(actor, room).room;
        int limit = query.limit();
        if (limit > settings.maxHistoryPage()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "limit must be at most " + settings.maxHistoryPage() + ": " + limit);
        }
        List<Message> page;
        boolean hasMore;
        if (query.after() >= 0) {
            page = messages.findAfter(r.id(), query.after(), limit + 1);
            hasMore = page.size() > limit;
            if (hasMore) {
                page = page.subList(0, limit);
            }
        } else {
            long before = query.before() > 0 ? query.before() : Long.MAX_VALUE;
            page = messages.findBefore(r.id(), before, limit + 1);
            hasMore = page.size() > limit;
            if (hasMore) {
                page = page.subList(1, page.size());
            }
        }
        return new HistoryPage(page, hasMore);
    }

    @Override
    public SearchPage search(User actor, String query, String room, Long beforeId, int limit) {
        Objects.requireNonNull(actor, "actor == null");
        Objects.requireNonNull(query, "query == null");
        ensureOpen();
        SearchTerms terms = SearchTerms.parse(query);
        if (limit < 1 || limit > MAX_SEARCH_PAGE) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "limit must be between 1 and " + MAX_SEARCH_PAGE + ": " + limit);
        }
        if (beforeId != null && beforeId < 1) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "before must be positive: " + beforeId);
        }
        Long roomId = room == null ? null : memberRoom(actor, room).room.id();
        MessageSearch search = storage.search().orElseThrow(() -> ChatException.of(ErrorCode.SEARCH_UNSUPPORTED,
                "this server's storage does not offer message search"));
        Set<Long> readable = roomId != null ? Set.of(roomId) : rooms.listMemberships(actor.id()).stream()
                .map(Membership::roomId).collect(Collectors.toUnmodifiableSet());
        return Searches.page(search, terms, readable, roomId,
                beforeId == null ? Long.MAX_VALUE : beforeId, limit);
    }

    @Override
    public RoomSummary markRead(User actor, String room, long seq) {
        if (seq < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "seq must not be negative: " + seq);
        }
        Access access = memberRoom(actor, room);
        long lastSeq = messages.lastSeq(access.room.id());
        long upTo = Math.min(seq, lastSeq);
        if (upTo > access.membership.lastReadSeq()) {
            rooms.markRead(access.room.id(), actor.id(), upTo);
        }
        Membership now = rooms.findMembership(access.room.id(), actor.id()).orElseThrow(
                () -> new PermissionDeniedException(ErrorCode.NOT_A_MEMBER, "not a member of " + room));
        return summary(access.room, now, actor);
    }

    @Override
    public void typing(User actor, String room) {
        Room r = memberRoom(actor, room).room;
        publish(new ChatEvent.Typing(r.id(), r.name(), actor));
    }

    @Override
    public RoomSubscription subscribe(User actor, String room, StreamStart start, ChatListener listener) {
        Objects.requireNonNull(start, "start == null");
        Objects.requireNonNull(listener, "listener == null");
        Room r = memberRoom(actor, room).room;
        try {
            return feeds.subscribe(r.id(), r.name(), actor.id(), start, settings.maxReplay(),
                    () -> rooms.findMembership(r.id(), actor.id()).isPresent(), listener, new RoomFeeds.Presence() {
                        @Override
                        public List<String> enter() {
                            return presence.enter(r.id(), r.name(), actor.id(), actor.username());
                        }

                        @Override
                        public void leave() {
                            presence.leaveLater(r.id(), actor.id());
                        }
                    });
        } catch (IllegalStateException e) {
            throw new UnavailableException(ErrorCode.SERVICE_CLOSED, "chat service is closed", e);
        }
    }

    @Override
    public Subscription watchUser(User actor, String token, UserListener listener) {
        Objects.requireNonNull(actor, "actor == null");
        Objects.requireNonNull(token, "token == null");
        Objects.requireNonNull(listener, "listener == null");
        ensureOpen();
        return watches.watch(actor.id(), Tokens.hash(token), listener);
    }

    @Override
    public ChangePage changes(User actor, String room, long afterChange, int limit) {
        if (afterChange < 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "after must not be negative: " + afterChange);
        }
        if (limit < 1 || limit > settings.maxHistoryPage()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "limit must be between 1 and " + settings.maxHistoryPage() + ": " + limit);
        }
        Room r = visibleRoom(actor, room).room;
        ChangeReader.Batch batch = changeReader.read(r.id(), r.name(), afterChange, limit);
        if (afterChange > batch.position().lastChange()) {
            throw RoomFeeds.resyncRequired(r.name(), "change " + afterChange + " is beyond the room's newest change");
        }
        return new ChangePage(batch.changes(), batch.upTo(), batch.hasMore());
    }

    @Override
    public void checkHealth() {
        ensureOpen();
        storage.checkHealth();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        feeds.close();
        watches.close();
        presence.close();
        catchUp.shutdownNow();
        hashPool.shutdownNow();
        if (ownsFanout) {
            fanout.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A room and, if any, the actor's membership of it. */
    private static final class Access {
        final Room room;
        final Membership membership;

        Access(Room room, Membership membership) {
            this.room = room;
            this.membership = membership;
        }
    }

    /** A room the actor may see, and so read the history and members of: any public room, or one of the actor's. */
    private Access visibleRoom(User actor, String name) {
        Objects.requireNonNull(actor, "actor == null");
        Objects.requireNonNull(name, "room == null");
        ensureOpen();
        String normalised = Names.lookupRoomName(name, settings.maxRoomNameLength());
        Room room = normalised == null ? null : roomByName(normalised);
        if (room == null) {
            throw new NotFoundException(ErrorCode.ROOM_NOT_FOUND, "no such room");
        }
        Membership membership = rooms.findMembership(room.id(), actor.id()).orElse(null);
        if (membership == null && room.type() != RoomType.PUBLIC) {
            throw new NotFoundException(ErrorCode.ROOM_NOT_FOUND, "no such room");
        }
        return new Access(room, membership);
    }

    /** A room the actor is a member of. */
    private Access memberRoom(User actor, String name) {
        Access access = visibleRoom(actor, name);
        if (access.membership == null) {
            throw new PermissionDeniedException(ErrorCode.NOT_A_MEMBER, "not a member of " + access.room.name());
        }
        return access;
    }

    private Room roomByName(String name) {
        Room cached = roomsByName.get(name);
        if (cached != null) {
            return cached;
        }
        Optional<Room> found = rooms.findByName(name);
        found.ifPresent(r -> roomsByName.put(name, r));
        return found.orElse(null);
    }

    private <T> T onHashPool(Callable<T> task) {
        Future<T> future;
        try {
            future = hashPool.submit(task);
        } catch (RejectedExecutionException e) {
            if (closed.get()) {
                throw new UnavailableException(ErrorCode.SERVICE_CLOSED, "chat service is closed");
            }
            throw new UnavailableException(ErrorCode.SERVER_BUSY, "too many log-ins at once; retry shortly");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnavailableException(ErrorCode.SERVER_BUSY, "interrupted while hashing", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new ChatException(ErrorCode.INTERNAL_ERROR, "password hashing failed", cause);
        }
    }

    private Instant now() {
        // Microseconds: what every store can keep exactly, so a value read back equals the value written.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new UnavailableException(ErrorCode.SERVICE_CLOSED, "chat service is closed");
        }
    }
}
