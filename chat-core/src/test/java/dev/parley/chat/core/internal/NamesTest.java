package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void foldsCaseAndCompatibilityFormsIntoOneCanonicalUsername() {
        assertThat(Names.canonicalUsername("Alice")).isEqualTo("alice");
        assertThat(Names.canonicalUsername("\uff41\uff4c\uff49\uff43\uff45")).isEqualTo("alice");
        assertThat(Names.canonicalUsername("\uff21\uff2c\uff29\uff23\uff25")).isEqualTo("alice");
        assertThat(Names.canonicalUsername("Stra\u00dfe")).isEqualTo(Names.canonicalUsername("STRASSE"));
        assertThat(Names.canonicalUsername("Jos\u00e9")).isEqualTo(Names.canonicalUsername("JOSE\u0301"));
        assertThat(Names.canonicalUsername("  bob  ")).isEqualTo("bob");
    }

    @Test
    void keepsTheDisplayFormAsTypedButComposed() {
        assertThat(Names.displayUsername(" JOSE\u0301 ")).isEqualTo("JOS\u00c9");
    }

    @Test
    void rejectsUsernamesOutsideTheRules() {
        for (String bad : new String[] {"ab", "a b", "-dash", ".dot", "semi;colon", "tab\tname", "a".repeat(33),
                "dm:1:2", "emoji\uD83D\uDE00", "zero\u200bwidth"}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> Names.requireValidUsername(bad, 3, 32));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_USERNAME);
        }
        assertThat(Names.requireValidUsername("\u0928\u092e\u0938\u094d\u0924\u0947", 3, 32)).isNotNull();
        assertThat(Names.canonicalUsernameOrNull("x", 3, 32)).isNull();
    }

    @Test
    void normalisesRoomNamesAndKeepsDirectRoomNamesApart() {
        assertThat(Names.requireValidRoomName("Book-Club", 64)).isEqualTo("book-club");
        assertThat(Names.requireValidRoomName("\uff52\uff55\uff53\uff54", 64)).isEqualTo("rust");
        assertThat(Names.lookupRoomName("General", 64)).isEqualTo("general");
        assertThat(Names.lookupRoomName("dm:3:12", 64)).isEqualTo("dm:3:12");
        assertThat(Names.lookupRoomName("dm:0:1", 64)).isNull();
        assertThat(Names.lookupRoomName("../etc", 64)).isNull();
        assertThat(Names.directRoomName(12, 3)).isEqualTo("dm:3:12");
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Names.requireValidRoomName("dm:3:12", 64));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ROOM_NAME);
    }
}
