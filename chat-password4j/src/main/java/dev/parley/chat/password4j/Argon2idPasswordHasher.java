package dev.parley.chat.password4j;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.parley.chat.core.spi.PasswordHasher;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Argon2id password hashing on Password4j, with parameters set explicitly rather than taken from Password4j's
 * defaults (which are below the OWASP minimum). {@link #owasp()} uses the OWASP Password Storage Cheat Sheet's
 * recommendation: m = 19456 KiB (19 MiB), t = 2, p = 1, a 16-byte random salt and a 32-byte hash.
 *
 * <p>Hashes are PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}) that carry their own parameters,
 * so raising the parameters later keeps old hashes verifiable; {@link #needsRehash} tells the service to upgrade
 * them at the next log-in. Passwords are hashed as UTF-8 of exactly the given string: never truncated, trimmed,
 * normalised or repaired. The hasher encodes the string itself, strictly: Password4j's own encoding replaces an
 * unpaired surrogate with {@code ?}, which would make {@code "pass\ud800"}, {@code "pass\udbff"} and
 * {@code "pass?"} one password. Such a string is refused by {@link #hash} and matches nothing in {@link #verify}.
 *
 * <p>Immutable and thread-safe. Each call allocates {@code memoryKiB} of memory: the service bounds concurrency.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {
    /** OWASP's recommended memory cost for Argon2id, in KiB. */
    public static final int OWASP_MEMORY_KIB = 19_456;
    /** OWASP's recommended iteration count for {@link #OWASP_MEMORY_KIB}. */
    public static final int OWASP_ITERATIONS = 2;
    /** OWASP's recommended parallelism. */
    public static final int OWASP_PARALLELISM = 1;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final Argon2Function function;

    private Argon2idPasswordHasher(int memoryKiB, int iterations, int parallelism) {
        this.function = Argon2Function.getInstance(memoryKiB, iterations, parallelism, HASH_BYTES, Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
    }

    /**
     * The OWASP parameters: m = 19456 KiB, t = 2, p = 1. Use this in production.
     *
     * @return the hasher
     */
    public static Argon2idPasswordHasher owasp() {
        return new Argon2idPasswordHasher(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
    }

    /**
     * Custom parameters, for stronger settings (or, in tests only, weaker and faster ones).
     *
     * @param memoryKiB memory cost in KiB, at least {@code 8 * parallelism}
     * @param iterations time cost, at least 1
     * @param parallelism lanes, at least 1
     * @return the hasher
     * @throws IllegalArgumentException naming the bad parameter
     */
    public static Argon2idPasswordHasher withParameters(int memoryKiB, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be between 1 and 64: " + parallelism);
        }
        if (memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException("memoryKiB must be at least 8 * parallelism: " + memoryKiB);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
        }
        return new Argon2idPasswordHasher(memoryKiB, iterations, parallelism);
    }

    /** The memory cost in KiB. */
    public int memoryKiB() {
        return function.getMemory();
    }

    /** The time cost. */
    public int iterations() {
        return function.getIterations();
    }

    /** The parallelism. */
    public int parallelism() {
        return function.getParallelism();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the password holds an unpaired surrogate (it has no exact UTF-8 form)
     */
    @Override
    public String hash(String password) {
        Objects.requireNonNull(password, "password == null");
        byte[] utf8 = utf8(password);
        if (utf8 == null) {
            throw new IllegalArgumentException("password holds an unpaired surrogate; it has no exact UTF-8 form");
        }
        return Password.hash(utf8).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    /** {@inheritDoc} A password with an unpaired surrogate matches nothing. */
    @Override
    public boolean verify(String password, String encodedHash) {
        Objects.requireNonNull(password, "password == null");
        byte[] utf8 = utf8(password);
        if (utf8 == null || encodedHash == null || !encodedHash.startsWith("$argon2id$")) {
            return false;
        }
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(encodedHash);
            return Password.check(utf8, encodedHash.getBytes(StandardCharsets.UTF_8)).with(stored);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** The exact UTF-8 form, or {@code null} if there is none (an unpaired surrogate); never a replacement. */
    private static byte[] utf8(String password) {
        try {
            // a new encoder REPORTs malformed input, unlike String.getBytes and Password4j, which replace it
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(password));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean needsRehash(String encodedHash) {
        if (encodedHash == null || !encodedHash.startsWith("$argon2id$")) {
            return true;
        }
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(encodedHash);
            return stored.getMemory() < function.getMemory()
                    || stored.getIterations() < function.getIterations()
                    || stored.getParallelism() != function.getParallelism()
                    || stored.getOutputLength() < HASH_BYTES;
        } catch (RuntimeException malformed) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Argon2idPasswordHasher[m=" + memoryKiB() + "KiB, t=" + iterations() + ", p=" + parallelism() + "]";
    }
}
