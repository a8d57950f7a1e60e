package dev.parley.chat.core.spi;

import dev.parley.chat.core.User;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Stores users. Thread-safe; see the package description for the rules every store follows.
 */
public interface UserStore {
    /**
     * Creates a user atomically, assigning a new unique positive id.
     *
     * @param user the user to create
     * @return the created user, with {@code username} and {@code createdAt} exactly as given
     * @throws dev.parley.chat.core.ConflictException with {@code USERNAME_TAKEN} if a user with the same
     *     {@code canonicalName} exists; under concurrent creation of one name exactly one call succeeds
     */
    User create(NewUser user);

    /**
     * Finds a user by id.
     *
     * @param id the id
     * @return the user, or empty
     */
    Optional<User> findById(long id);

    /**
     * Finds users by id, for resolving member lists in one round trip.
     *
     * @param ids the ids; unknown ones are skipped
     * @return the users found, in no particular order
     */
    List<User> findByIds(Collection<Long> ids);

    /**
     * Finds a user by canonical name.
     *
     * @param canonicalName the canonical (NFKC, case-folded) name
     * @return the user, or empty
     */
    Optional<User> findByCanonicalName(String canonicalName);

    /**
     * Finds a user and the stored password hash by canonical name.
     *
     * @param canonicalName the canonical name
     * @return the credentials, or empty
     */
    Optional<UserCredentials> findCredentials(String canonicalName);

    /**
     * Replaces a user's password hash (after a password change, or to upgrade hashing parameters).
     *
     * @param userId the user's id
     * @param passwordHash the new encoded hash
     * @return whether the user existed
     */
    boolean updatePasswordHash(long userId, String passwordHash);
}
