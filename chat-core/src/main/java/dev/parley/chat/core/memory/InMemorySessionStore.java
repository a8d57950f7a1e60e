package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A {@link SessionStore} in one concurrent map keyed by token hash. Every update is a single atomic map operation
 * that replaces the immutable {@link StoredSession}.
 */
final class InMemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, StoredSession> sessions = new ConcurrentHashMap<>();

    InMemorySessionStore() {
    }

    @Override
    public void create(StoredSession session) {
        Objects.requireNonNull(session, "session == null");
        if (sessions.putIfAbsent(session.tokenHash(), session) != null) {
            throw ChatException.of(ErrorCode.INTERNAL_ERROR, "duplicate session token hash");
        }
    }

    @Override
    public Optional<StoredSession> find(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        return Optional.ofNullable(sessions.get(tokenHash));
    }

    @Override
    public void touch(String tokenHash, Instant lastSeenAt) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt == null");
        sessions.computeIfPresent(tokenHash, (k, s) -> lastSeenAt.isAfter(s.lastSeenAt())
                ? new StoredSession(s.tokenHash(), s.userId(), s.createdAt(), lastSeenAt, s.expiresAt())
                : s);
    }

    @Override
    public boolean delete(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        return sessions.remove(tokenHash) != null;
    }

    @Override
    public int deleteAllForUser(long userId) {
        return removeIf(s -> s.userId() == userId);
    }

    @Override
    public List<String> deleteAllForUserReturningHashes(long userId) {
        List<String> removed = new ArrayList<>();
        for (StoredSession s : new ArrayList<>(sessions.values())) {
            if (s.userId() == userId && sessions.remove(s.tokenHash(), s)) {
                removed.add(s.tokenHash());
            }
        }
        return removed;
    }

    @Override
    public int deleteExpired(Instant idleCutoff, Instant now) {
        Objects.requireNonNull(idleCutoff, "idleCutoff == null");
        Objects.requireNonNull(now, "now == null");
        return removeIf(s -> s.lastSeenAt().isBefore(idleCutoff) || !s.expiresAt().isAfter(now));
    }

    /** Removes each session matching the predicate, re-testing it atomically against the current value. */
    private int removeIf(Predicate<StoredSession> predicate) {
        int removed = 0;
        for (String key : new ArrayList<>(sessions.keySet())) {
            boolean[] hit = new boolean[1];
            sessions.computeIfPresent(key, (k, s) -> {
                if (predicate.test(s)) {
                    hit[0] = true;
                    return null;
                }
                return s;
            });
            if (hit[0]) {
                removed++;
            }
        }
        return removed;
    }
}
