package dev.parley.chat.core.memory;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.core.spi.UserCredentials;
import dev.parley.chat.core.spi.UserStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link UserStore} in two concurrent maps (by id and by canonical name). Creation is serialised on one lock so
 * that the uniqueness check, the id assignment and both inserts are atomic; reads take no lock. Stored entries are
 * immutable and replaced, never mutated.
 */
final class InMemoryUserStore implements UserStore {
    /** A stored user: the public record plus what only the store knows. */
    private record Entry(User user, String canonicalName, String passwordHash) {
    }

    private final AtomicLong ids = new AtomicLong(1);
    private final ConcurrentHashMap<Long, Entry> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Entry> byCanonicalName = new ConcurrentHashMap<>();
    private final Object createLock = new Object();

    InMemoryUserStore() {
    }

    @Override
    public User create(NewUser user) {
        Objects.requireNonNull(user, "user == null");
        synchronized (createLock) {
            if (byCanonicalName.containsKey(user.canonicalName())) {
                throw ChatException.of(ErrorCode.USERNAME_TAKEN, "username is taken");
            }
            User created = new User(ids.getAndIncrement(), user.username(), user.createdAt());
            Entry entry = new Entry(created, user.canonicalName(), user.passwordHash());
            byId.put(created.id(), entry);
            byCanonicalName.put(user.canonicalName(), entry);
            return created;
        }
    }

    @Override
    public Optional<User> findById(long id) {
        return Optional.ofNullable(byId.get(id)).map(Entry::user);
    }

    @Override
    public List<User> findByIds(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids == null");
        List<User> found = new ArrayList<>(ids.size());
        for (Long id : ids.stream().distinct().toList()) {
            Entry e = id == null ? null : byId.get(id);
            if (e != null) {
                found.add(e.user());
            }
        }
        return List.copyOf(found);
    }

    @Override
    public Optional<User> findByCanonicalName(String canonicalName) {
        Objects.requireNonNull(canonicalName, "canonicalName == null");
        return Optional.ofNullable(byCanonicalName.get(canonicalName)).map(Entry::user);
    }

    @Override
    public Optional<UserCredentials> findCredentials(String canonicalName) {
        Objects.requireNonNull(canonicalName, "canonicalName == null");
        return Optional.ofNullable(byCanonicalName.get(canonicalName))
                .map(e -> new UserCredentials(e.user(), e.passwordHash()));
    }

    @Override
    public boolean updatePasswordHash(long userId, String passwordHash) {
        Objects.requireNonNull(passwordHash, "passwordHash == null");
        // Under the create lock so that both maps always hold the same entry instance.
        synchronized (createLock) {
            Entry old = byId.get(userId);
            if (old == null) {
                return false;
            }
            Entry updated = new Entry(old.user(), old.canonicalName(), passwordHash);
            byId.put(userId, updated);
            byCanonicalName.put(old.canonicalName(), updated);
            return true;
        }
    }
}
