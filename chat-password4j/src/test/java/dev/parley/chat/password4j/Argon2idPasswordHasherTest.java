package dev.parley.chat.password4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Argon2idPasswordHasherTest {
    private final Argon2idPasswordHasher owasp = Argon2idPasswordHasher.owasp();

    @Test
    void owaspHashesCarryTheOwaspParametersExplicitly() {
        String hash = owasp.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(owasp.memoryKiB()).isEqualTo(19456);
        assertThat(owasp.iterations()).isEqualTo(2);
        assertThat(owasp.parallelism()).isEqualTo(1);
    }

    @Test
    void verifiesTheRightPasswordAndRejectsAWrongOne() {
        String hash = owasp.hash("correct horse battery staple");
        assertThat(owasp.verify("correct horse battery staple", hash)).isTrue();
        assertThat(owasp.verify("correct horse battery stapler", hash)).isFalse();
        assertThat(owasp.verify("Correct horse battery staple", hash)).isFalse();
    }

    @Test
    void saltsEveryHashDifferently() {
        assertThat(owasp.hash("same password")).isNotEqualTo(owasp.hash("same password"));
    }

    @Test
    void neverTruncatesLongPasswords() {
        String base = "x".repeat(127);
        String hash = owasp.hash(base + "a");
        assertThat(owasp.verify(base + "a", hash)).isTrue();
        assertThat(owasp.verify(base + "b", hash)).isFalse();
        assertThat(owasp.verify(base, hash)).isFalse();
    }

    @Test
    void hashesAnyUnicodeExactlyWithoutNormalising() {
        String composed = "caf\u00e9-p\u00e4ss-\uD83D\uDD11-\u5bc6\u7801";
        String decomposed = "cafe\u0301-pa\u0308ss-\uD83D\uDD11-\u5bc6\u7801";
        String hash = owasp.hash(composed);
        assertThat(owasp.verify(composed, hash)).isTrue();
        assertThat(owasp.verify(decomposed, hash)).isFalse();
    }

    @Test
    void neverHashesOrMatchesAPasswordWithAnUnpairedSurrogate() {
        Argon2idPasswordHasher fast = Argon2idPasswordHasher.withParameters(1024, 1, 1);
        assertThatThrownBy(() -> fast.hash("correct horse \ud800"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> fast.hash("\udc00correct horse")).isInstanceOf(IllegalArgumentException.class);
        // the UTF-8 encoder's replacement character must not stand in for the half pair
        String question = fast.hash("correct horse ?");
        assertThat(fast.verify("correct horse ?", question)).isTrue();
        assertThat(fast.verify("correct horse \ud800", question)).isFalse();
        assertThat(fast.verify("correct horse \udbff", question)).isFalse();
    }

    @Test
    void verifiesHashesMadeByPassword4jFromTheString() {
        // hashes stored before the hasher encoded passwords itself: Password4j encoded the string as UTF-8
        String password = "p\u00e4ss w\u00f6rd \uD83D\uDD11";
        String stored = com.password4j.Password.hash(password).addRandomSalt(16)
                .with(com.password4j.Argon2Function.getInstance(1024, 1, 1, 32, com.password4j.types.Argon2.ID,
                        com.password4j.Argon2Function.ARGON2_VERSION_13))
                .getResult();
        assertThat(owasp.verify(password, stored)).isTrue();
        assertThat(owasp.verify(password + " ", stored)).isFalse();
    }

    @Test
    void treatsMalformedOrForeignHashesAsMismatchNotError() {
        assertThat(owasp.verify("password1", null)).isFalse();
        assertThat(owasp.verify("password1", "")).isFalse();
        assertThat(owasp.verify("password1", "$argon2id$v=19$m=19456,t=2,p=1$garbage")).isFalse();
        assertThat(owasp.verify("password1", "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
    }

    @Test
    void asksForRehashWhenStoredParametersAreWeaker() {
        Argon2idPasswordHasher weak = Argon2idPasswordHasher.withParameters(1024, 1, 1);
        String weakHash = weak.hash("password1");
        assertThat(owasp.needsRehash(weakHash)).isTrue();
        assertThat(owasp.verify("password1", weakHash)).isTrue();
        assertThat(owasp.needsRehash(owasp.hash("password1"))).isFalse();
        assertThat(owasp.needsRehash("not a hash")).isTrue();
    }

    @Test
    void rejectsImpossibleParametersNamingThem() {
        assertThatThrownBy(() -> Argon2idPasswordHasher.withParameters(4, 1, 1)).hasMessageContaining("memoryKiB");
        assertThatThrownBy(() -> Argon2idPasswordHasher.withParameters(1024, 0, 1)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> Argon2idPasswordHasher.withParameters(1024, 1, 0)).hasMessageContaining("parallelism");
    }
}
