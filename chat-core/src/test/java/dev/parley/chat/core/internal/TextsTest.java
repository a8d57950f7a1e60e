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
    void bodiesOfWhiteSpaceAndDefaultIgnorableCharactersOnlyAreEmpty() {
        String[] invisible = {
            "\u00a0", // NO-BREAK SPACE (White_Space)
            "\u2007\u202f\u205f\u3000\u1680", // other White_Space: figure, narrow no-break, math, ideographic, ogham
            "\u2028\u2029", // line and paragraph separators (White_Space)
            "\u200b\u200c\u200d\u2060", // zero-width space, non-joiner, joiner, word joiner (Default_Ignorable)
            "\ufeff", // BOM / zero-width no-break space
            "\u00ad\u034f\u061c\u180e", // soft hyphen, combining grapheme joiner, Arabic letter mark, MVS
            "\u200e\u200f\u202a\u202e\u2066\u2069", // direction marks, embeddings, overrides and isolates
            "\u3164\uffa0\u115f\u1160", // Hangul fillers
            "\ufe0f\udb40\udd00", // variation selectors (VS16, VS17)
            "\udb40\udc01\udb40\udc41\udb40\udc7f", // tag characters
            "\ud834\udd73", // musical symbol begin beam (format)
            "\u2800", // BRAILLE PATTERN BLANK: not in either set, but it renders blank everywhere
            " \t\r\n\u00a0\u200b",
        };
        for (String body : invisible) {
            assertThat(bodyError(body, 100)).as(body).isEqualTo(ErrorCode.MESSAGE_EMPTY);
        }
        String[] visible = {
            "\u00a0x\u200b", // padded text keeps its padding, and passes
            "\u0301", // a lone combining mark renders (on a dotted circle): visible
            "\u0600", // ARABIC NUMBER SIGN: a format character that renders (Prepended_Concatenation_Mark)
            "\ufff9", // interlinear annotation anchor: format, but not Default_Ignorable
            "\u3164x",
            "\ud83d\ude00", // an emoji
            "\u200d\ud83d\udc4d", // a joiner before a visible character
            ".",
        };
        for (String body : visible) {
            assertThat(bodyError(body, 100)).as(body).isNull();
        }
    }

    @Test
    void aBodyIsInvalidBeforeItIsEmptyOrTooLong() {
        assertThat(bodyError(" \u001f", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("\u200b\ud800", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError("x".repeat(11) + "\u0000", 10)).isEqualTo(ErrorCode.MESSAGE_INVALID);
        assertThat(bodyError(" ".repeat(11), 10)).isEqualTo(ErrorCode.MESSAGE_EMPTY);
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
    void aPasswordWithAnUnpairedSurrogateIsNeverValid() {
        assertThat(Texts.validPassword("correct horse \ud800")).isFalse();
        assertThat(Texts.validPassword("\udc00correct horse")).isFalse();
        assertThat(Texts.validPassword("correct horse \udbff\udfff")).isTrue(); // a pair is one code point
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> Texts.requireValidPassword("correct horse \ud800"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PASSWORD);
        assertThat(e.getMessage()).contains("unpaired surrogate");
    }

    @Test
    void measuresPasswordsInCodePointsWithoutTrimming() {
        assertThat(Texts.validPassword("1234567")).isFalse();
        assertThat(Texts.validPassword("12345678")).isTrue();
        assertThat(Texts.validPassword("        ")).isTrue();
        assertThat(Texts.validPassword("\uD83D\uDD11".repeat(128))).isTrue();
        assertThat(Texts.validPassword("\uD83D\uDD11".repeat(129))).isFalse();
        assertThat(Texts.validPassword("\uD83D\uDD11".repeat(4))).isFalse();
    }
}
