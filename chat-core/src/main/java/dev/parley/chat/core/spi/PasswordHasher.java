package dev.parley.chat.core.spi;

/**
 * Hashes and verifies passwords. Implementations must use a slow, salted, memory-hard function (the reference is
 * Argon2id in {@code chat-password4j}); the service calls them on a small bounded pool of its own, so they may be
 * CPU- and memory-heavy but must be thread-safe.
 *
 * <p>A password is hashed as the UTF-8 of exactly the given string. The service never passes one with an unpaired
 * surrogate (it has no exact UTF-8 form); an implementation must still never replace or drop one (as
 * {@code String.getBytes} does): {@link #hash} refuses it, {@link #verify} matches nothing.
 */
public interface PasswordHasher {
    /**
     * Hashes a password with a fresh random salt.
     *
     * @param password the password, never truncated
     * @return the self-describing encoded hash (algorithm, parameters, salt, hash)
     */
    String hash(String password);

    /**
     * Verifies a password against an encoded hash in constant time with respect to the password.
     *
     * @param password the candidate password
     * @param encodedHash a value returned by {@link #hash}
     * @return whether they match; {@code false} (never an exception) for a malformed hash
     */
    boolean verify(String password, String encodedHash);

    /**
     * Whether a stored hash was made with weaker parameters than this hasher's and should be replaced after the
     * next successful log-in.
     *
     * @param encodedHash a stored hash
     * @return whether to rehash; the default is {@code false}
     */
    default boolean needsRehash(String encodedHash) {
        return false;
    }
}
