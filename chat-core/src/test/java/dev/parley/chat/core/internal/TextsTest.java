package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

class TextsTest {
    private static ErrorCode bodyError(String body, int max) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Texts.requireValidBody(body, max));
        return e == null ? null : e.code();
    }

    @Test
    void countsMessageLengthInCodePoints() {
        assertThat(bodyError("\uD83D\uDE00".repeat(10), 10)).isNull();
        assertThat(bodyError("\uD83D\uDE00".repeat(11), 10)).isEqualTo(ErrorCode.MESSAGE_TOO_LONG);
        assertThat(bodyError("x".repeat(11), 10)).isEqualTo(ErrorCode.MESSAGE_TOO_LONG);
    }

    @Test
    void rejectsBlankBodiesControlCharactersAndBrokenSurrogates() {
        assertThat(bodyError("", 10)).isEqualTo(ErrorCode.MESSAGE_EMPTY);
        assertThat(bodyError(" \n ", 10)).isEqualTo(ErrorCode.MESSAGE_EMPTY);
        assertThat(bodyError("a\u0000b", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("a\u001bb", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("a\u0085b", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("a\uD800b", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("a\uDC00b", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("tab\tcr\r\nlf", 20)).isNull();
    }

    @Test
    void acceptsOnlyShortSafeClientMessageIds() {
        assertThatCode(() -> Texts.requireValidClientMsgId(null)).doesNotThrowAnyException();
        assertThatCode(() -> Texts.requireValidClientMsgId("c-1:2.3_x")).doesNotThrowAnyException();
        for (String bad : new String[] {"", "has space", "x".repeat(65), "\u00e9", "a/b"}) {
            InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                    () -> Texts.requireValidClientMsgId(bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CLIENT_MSG_ID);
        }
    }

    @Test
    void measuresPasswordsInCodePointsWithoutTrimming() {
        assertThat(Texts.validPasswordLength("1234567")).isFalse();
        assertThat(Texts.validPasswordLength("12345678")).isTrue();
        assertThat(Texts.validPasswordLength("        ")).isTrue();
        assertThat(Texts.validPasswordLength("\uD83D\uDD11".repeat(128))).isTrue();
        assertThat(Texts.validPasswordLength("\uD83D\uDD11".repeat(129))).isFalse();
        assertThat(Texts.validPasswordLength("\uD83D\uDD11".repeat(4))).isFalse();
    }
}
