package dev.parley.chat.testkit;

import dev.parley.chat.core.spi.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A salted SHA-256 "hasher" that is fast enough to register hundreds of users in a test. <strong>Never use it
 * outside tests</strong>: it is not a password hash. Production uses {@code Argon2idPasswordHasher}.
 */
public final class FastTestPasswordHasher implements PasswordHasher {
    private final SecureRandom random = new SecureRandom();

    @Override
    public String hash(String password) {
        byte[] salt = new byte[8];
        random.nextBytes(salt);
        String s = HexFormat.of().formatHex(salt);
        return "test$" + s + "$" + digest(s, password);
    }

    @Override
    public boolean verify(String password, String encodedHash) {
        if (encodedHash == null || !encodedHash.startsWith("test$")) {
            return false;
        }
        String[] parts = encodedHash.split("\\$");
        return parts.length == 3 && MessageDigest.isEqual(parts[2].getBytes(StandardCharsets.US_ASCII),
                digest(parts[1], password).getBytes(StandardCharsets.US_ASCII));
    }

    private static String digest(String salt, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
