package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void issuesDistinctUrlSafeTokensOf256Bits() {
        Tokens tokens = new Tokens();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = tokens.newToken();
            assertThat(t).hasSize(43).matches("[A-Za-z0-9_-]{43}");
            assertThat(Tokens.wellFormed(t)).isTrue();
            seen.add(t);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void storesOnlyTheSha256OfTheToken() {
        // SHA-256("abc"), the FIPS 180-2 test vector
        assertThat(Tokens.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void rejectsMalformedTokensWithoutALookup() {
        assertThat(Tokens.wellFormed(null)).isFalse();
        assertThat(Tokens.wellFormed("")).isFalse();
        assertThat(Tokens.wellFormed("a".repeat(42))).isFalse();
        assertThat(Tokens.wellFormed("a".repeat(42) + "=")).isFalse();
        assertThat(Tokens.wellFormed("a".repeat(42) + "+")).isFalse();
    }
}
