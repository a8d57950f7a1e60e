package dev.parley.chat.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The limits and lifetimes a {@link ChatService} enforces. Immutable; build one with {@link #builder()} or take
 * {@link #defaults()}. Every value is validated once, when {@link Builder#build()} runs, and a bad value fails with
 * an {@link IllegalArgumentException} that names the setting.
 *
 * @param maxMessageLength the longest message body, in Unicode code points
 * @param minUsernameLength the shortest username, in code points after normalisation
 * @param maxUsernameLength the longest username, in code points after normalisation
 * @param maxRoomNameLength the longest room name, in code points after normalisation
 * @param maxHistoryPage the largest page {@link ChatService#history} returns
 * @param maxReplay the most messages (by sequence) or changes (by change number, superseded ones included) one
 *     {@link ChatService#subscribe} may replay before going live
 * @param sessionIdleTimeout a session unused for this long expires
 * @param sessionLifetime a session expires this long after login, however busy
 * @param hashingThreads threads that hash and verify passwords (each Argon2id call takes ~19 MiB)
 * @param hashingQueue password operations that may wait for a hashing thread before new ones fail with
 *     {@link ErrorCode#SERVER_BUSY}
 * @param defaultRooms public rooms that exist from the start and that every new user joins
 * @param feedRepairTimeout how long a room feed keeps retrying a gap it cannot read from the store before it ends
 *     its subscriptions with {@link ErrorCode#RESYNC_REQUIRED}
 * @param feedRecheckInterval how often every room feed re-checks its position against the store and catches up on
 *     anything the fan-out did not deliver; {@link Duration#ZERO} turns the timer off (a single node with the
 *     in-process fan-out loses nothing it needs it for; a cross-node bus does)
 * @param catchUpThreads threads that read gaps from the store for room feeds, off the publishers' threads
 * @param presenceTtl how long a node's presence outlives its last heartbeat in the {@code PresenceRegistry}: the
 *     users of a node that crashed go offline elsewhere within about this long plus a third of it; the node
 *     heartbeats and reconciles its view every third of it
 * @param maxReactionsPerMessage the most distinct emoji one message may carry; reacting with a new one beyond fails
 *     with {@link ErrorCode#TOO_MANY_REACTIONS}
 */
public record ChatSettings(
        int maxMessageLength,
        int minUsernameLength,
        int maxUsernameLength,
        int maxRoomNameLength,
        int maxHistoryPage,
        int maxReplay,
        Duration sessionIdleTimeout,
        Duration sessionLifetime,
        int hashingThreads,
        int hashingQueue,
        List<String> defaultRooms,
        Duration feedRepairTimeout,
        Duration feedRecheckInterval,
        int catchUpThreads,
        Duration presenceTtl,
        int maxReactionsPerMessage) {

    /** Validates every component; see the class description. */
    public ChatSettings {
        requireRange("maxMessageLength", maxMessageLength, 1, 1_000_000);
        requireRange("minUsernameLength", minUsernameLength, 1, 64);
        requireRange("maxUsernameLength", maxUsernameLength, minUsernameLength, 64);
        requireRange("maxRoomNameLength", maxRoomNameLength, 1, 128);
        requireRange("maxHistoryPage", maxHistoryPage, 1, 10_000);
        requireRange("maxReplay", maxReplay, 0, 10_000_000);
        requirePositive("sessionIdleTimeout", sessionIdleTimeout);
        requirePositive("sessionLifetime", sessionLifetime);
        requireRange("hashingThreads", hashingThreads, 1, 64);
        requireRange("hashingQueue", hashingQueue, 1, 100_000);
        defaultRooms = List.copyOf(Objects.requireNonNull(defaultRooms, "defaultRooms == null"));
        requirePositive("feedRepairTimeout", feedRepairTimeout);
        Objects.requireNonNull(feedRecheckInterval, "feedRecheckInterval == null");
        if (feedRecheckInterval.isNegative()) {
            throw new IllegalArgumentException("feedRecheckInterval must not be negative: " + feedRecheckInterval);
        }
        requireRange("catchUpThreads", catchUpThreads, 1, 64);
        requirePositive("presenceTtl", presenceTtl);
        if (presenceTtl.toMillis() < 30) {
            throw new IllegalArgumentException("presenceTtl must be at least 30 ms: " + presenceTtl);
        }
        requireRange("maxReactionsPerMessage", maxReactionsPerMessage, 1, 1000);
    }

    /** The defaults: 4000 code points, usernames of 3–32, rooms up to 64, pages of 200, 7 days idle, 30 days. */
    public static ChatSettings defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxMessageLength = maxMessageLength;
        b.minUsernameLength = minUsernameLength;
        b.maxUsernameLength = maxUsernameLength;
        b.maxRoomNameLength = maxRoomNameLength;
        b.maxHistoryPage = maxHistoryPage;
        b.maxReplay = maxReplay;
        b.sessionIdleTimeout = sessionIdleTimeout;
        b.sessionLifetime = sessionLifetime;
        b.hashingThreads = hashingThreads;
        b.hashingQueue = hashingQueue;
        b.defaultRooms = defaultRooms;
        b.feedRepairTimeout = feedRepairTimeout;
        b.feedRecheckInterval = feedRecheckInterval;
        b.catchUpThreads = catchUpThreads;
        b.presenceTtl = presenceTtl;
        b.maxReactionsPerMessage = maxReactionsPerMessage;
        return b;
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builds {@link ChatSettings}; not thread-safe. */
    public static final class Builder {
        private int maxMessageLength = 4000;
        private int minUsernameLength = 3;
        private int maxUsernameLength = 32;
        private int maxRoomNameLength = 64;
        private int maxHistoryPage = 200;
        private int maxReplay = 10_000;
        private Duration sessionIdleTimeout = Duration.ofDays(7);
        private Duration sessionLifetime = Duration.ofDays(30);
        private int hashingThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        private int hashingQueue = 64;
        private List<String> defaultRooms = List.of("general");
        private Duration feedRepairTimeout = Duration.ofSeconds(30);
        private Duration feedRecheckInterval = Duration.ZERO;
        private int catchUpThreads = 2;
        private Duration presenceTtl = Duration.ofSeconds(15);
        private int maxReactionsPerMessage = 20;

        private Builder() {
        }

        /** @see ChatSettings#maxMessageLength() */
        public Builder maxMessageLength(int codePoints) {
            this.maxMessageLength = codePoints;
            return this;
        }

        /** @see ChatSettings#minUsernameLength() */
        public Builder minUsernameLength(int codePoints) {
            this.minUsernameLength = codePoints;
            return this;
        }

        /** @see ChatSettings#maxUsernameLength() */
        public Builder maxUsernameLength(int codePoints) {
            this.maxUsernameLength = codePoints;
            return this;
        }

        /** @see ChatSettings#maxRoomNameLength() */
        public Builder maxRoomNameLength(int codePoints) {
            this.maxRoomNameLength = codePoints;
            return this;
        }

        /** @see ChatSettings#maxHistoryPage() */
        public Builder maxHistoryPage(int messages) {
            this.maxHistoryPage = messages;
            return this;
        }

        /** @see ChatSettings#maxReplay() */
        public Builder maxReplay(int messages) {
            this.maxReplay = messages;
            return this;
        }

        /** @see ChatSettings#sessionIdleTimeout() */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = timeout;
            return this;
        }

        /** @see ChatSettings#sessionLifetime() */
        public Builder sessionLifetime(Duration lifetime) {
            this.sessionLifetime = lifetime;
            return this;
        }

        /** @see ChatSettings#hashingThreads() */
        public Builder hashingThreads(int threads) {
            this.hashingThreads = threads;
            return this;
        }

        /** @see ChatSettings#hashingQueue() */
        public Builder hashingQueue(int waiting) {
            this.hashingQueue = waiting;
            return this;
        }

        /** @see ChatSettings#defaultRooms() */
        public Builder defaultRooms(List<String> names) {
            this.defaultRooms = names;
            return this;
        }

        /**
         * How long a room feed retries a gap it cannot read before ending its subscriptions with
         * {@code resync_required}. Default 30 seconds.
         *
         * @param timeout a positive duration
         * @return this
         */
        public Builder feedRepairTimeout(Duration timeout) {
            this.feedRepairTimeout = timeout;
            return this;
        }

        /**
         * How often room feeds re-check their position against the store; {@link Duration#ZERO} (the default)
         * turns the timer off. Set it when the fan-out can lose events, as a cross-node bus can.
         *
         * @param interval zero or a positive duration
         * @return this
         */
        public Builder feedRecheckInterval(Duration interval) {
            this.feedRecheckInterval = interval;
            return this;
        }

        /**
         * Threads that read gaps from the store for room feeds. Default 2.
         *
         * @param threads 1 to 64
         * @return this
         */
        public Builder catchUpThreads(int threads) {
            this.catchUpThreads = threads;
            return this;
        }

        /**
         * How long a node's presence outlives its last heartbeat; see {@link ChatSettings#presenceTtl()}. Default
         * 15 s.
         *
         * @param ttl at least 30 ms
         * @return this
         */
        public Builder presenceTtl(Duration ttl) {
            this.presenceTtl = ttl;
            return this;
        }

        /**
         * The most distinct emoji one message may carry; see {@link ChatSettings#maxReactionsPerMessage()}. Default
         * 20.
         *
         * @param emoji between 1 and 1000
         * @return this
         */
        public Builder maxReactionsPerMessage(int emoji) {
            this.maxReactionsPerMessage = emoji;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first bad setting
         */
        public ChatSettings build() {
            return new ChatSettings(maxMessageLength, minUsernameLength, maxUsernameLength, maxRoomNameLength,
                    maxHistoryPage, maxReplay, sessionIdleTimeout, sessionLifetime, hashingThreads, hashingQueue,
                    defaultRooms, feedRepairTimeout, feedRecheckInterval, catchUpThreads, presenceTtl,
                    maxReactionsPerMessage);
        }
    }
}
