package dev.parley.chat.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
    private static void assertRefused(String text, String why) {
        assertThatThrownBy(() -> StrictJson.readObject(text)).as(text)
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining(why);
        if (StandardCharsets.UTF_8.newEncoder().canEncode(text)) { // a raw lone surrogate has no bytes to send
            assertThatThrownBy(() -> StrictJson.readObject(text.getBytes(StandardCharsets.UTF_8))).as(text)
                    .isInstanceOf(MalformedJsonException.class).hasMessageContaining(why);
        }
    }

    @Test
    void readsAnObjectWithEveryKindOfValue() {
        JsonObject o = StrictJson.readObject(
                " {\"s\":\"a\\u00e9\\ud83d\\ude00\uD83D\uDE00\",\"n\":-0.5e+3,\"i\":12,\"t\":true,\"f\":false,"
                        + "\"z\":null,\"a\":[1,[],{}],\"o\":{\"s\":\"nested\"},\"\":0}\r\n\t ");
        assertThat(o.getString("s")).isEqualTo("a\u00e9\uD83D\uDE00\uD83D\uDE00");
        assertThat(o.getJsonNumber("n").bigDecimalValue()).isEqualByComparingTo(new BigDecimal("-500"));
        assertThat(o.getJsonNumber("i").longValueExact()).isEqualTo(12);
        assertThat(o.getBoolean("t")).isTrue();
        assertThat(o.getBoolean("f")).isFalse();
        assertThat(o.isNull("z")).isTrue();
        assertThat(o.getJsonArray("a")).hasSize(3);
        assertThat(o.getJsonObject("o").getString("s")).isEqualTo("nested");
        assertThat(o.keySet()).containsExactly("s", "n", "i", "t", "f", "z", "a", "o", "");
        // what it accepts, it reads back from its own serialisation
        assertThat(StrictJson.readObject(o.toString())).isEqualTo(o);
    }

    @Test
    void refusesTrailingContent() {
        assertRefused("{\"a\":1}garbage", "content follows the JSON value");
        assertRefused("{\"a\":1}{}", "content follows the JSON value");
        assertRefused("{\"a\":1}]", "content follows the JSON value");
        assertRefused("{\"a\":1} \u0000", "content follows the JSON value");
        assertRefused("{\"a\":1}\u00a0", "content follows the JSON value");
    }

    @Test
    void refusesDuplicateMemberNamesAtAnyDepthAfterUnescaping() {
        assertRefused("{\"a\":1,\"a\":1}", "occurs twice");
        assertRefused("{\"a\":1,\"\\u0061\":2}", "occurs twice");
        assertRefused("{\"x\":[{\"b\":{\"c\":1,\"c\":2}}]}", "occurs twice");
        // the same name in different objects is fine
        assertThat(StrictJson.readObject("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}")).hasSize(2);
    }

    @Test
    void refusesUnpairedSurrogatesInValuesAndNamesEscapedOrRaw() {
        for (String s : new String[] {"\\ud800", "x\\udbff", "\\udc00x", "\\ude00\\ud83d", "\uD800", "a\uDFFFb",
            "\\ud800\\u0041"}) {
            assertRefused("{\"v\":\"" + s + "\"}", "unpaired surrogate");
            assertRefused("{\"" + s + "\":1}", "unpaired surrogate");
        }
    }

    @Test
    void refusesInputThatIsNotUtf8() {
        byte[][] bad = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // an encoded surrogate
            {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAE, '"', '}'}, // overlong
            {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, // stray continuation byte
            {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}, // truncated sequence
            "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE),
            "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE),
        };
        for (byte[] bytes : bad) {
            assertThatThrownBy(() -> StrictJson.readObject(bytes)).isInstanceOf(MalformedJsonException.class);
        }
        assertThatThrownBy(() -> StrictJson.readObject(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("byte order mark");
    }

    @Test
    void refusesWhatTheGrammarExcludes() {
        String[] bad = {"", " ", "null", "1", "\"s\"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
            "{'a':1}", "{a:1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":01}", "{\"a\":-01}",
            "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":0x10}", "{\"a\":tru}", "{\"a\":True}",
            "{\"a\":\"\u0001\"}", "{\"a\":\"\t\"}", "{\"a\":\"\n\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
            "{\"a\":\"open}", "{\"a\":1 /* c */}", "{\"a\":1} // c", "\u00a0{}", "{\"a\":[1,]}", "{\"a\":[1 2]}"};
        for (String text : bad) {
            assertThatThrownBy(() -> StrictJson.readObject(text)).as(text).isInstanceOf(MalformedJsonException.class);
        }
        assertRefused("[1]", "must be an object");
        assertRefused("", "empty");
        assertRefused("\uFEFF{}", "byte order mark");
    }

    @Test
    void boundsNestingAndNumbers() {
        String deepest = "{\"a\":".repeat(StrictJson.MAX_DEPTH - 1) + "[]" + "}".repeat(StrictJson.MAX_DEPTH - 1);
        assertThat(StrictJson.readObject(deepest)).isNotNull();
        String tooDeep = "{\"a\":".repeat(StrictJson.MAX_DEPTH) + "[]" + "}".repeat(StrictJson.MAX_DEPTH);
        assertRefused(tooDeep, "nested deeper than " + StrictJson.MAX_DEPTH);
        assertRefused("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", "nested deeper");

        String mostDigits = "-" + "1".repeat(StrictJson.MAX_SIGNIFICANT_DIGITS) + "e-30";
        assertThat(StrictJson.readObject("{\"n\":" + mostDigits + "}").getJsonNumber("n").bigDecimalValue())
                .isEqualTo(new BigDecimal(mostDigits));
        assertRefused("{\"n\":" + "1".repeat(StrictJson.MAX_SIGNIFICANT_DIGITS + 1) + "}",
                "more than 64 significant digits");
        assertRefused("{\"n\":0." + "0".repeat(StrictJson.MAX_NUMBER_LENGTH) + "1}", "longer than 1000 characters");
        for (String inRange : new String[] {"1e-9999", "9.9e9999", "121e9997", "0.001e-9996", "-0", "0e9999"}) {
            JsonObject o = StrictJson.readObject("{\"n\":" + inRange + "}");
            assertThat(o.getJsonNumber("n").bigDecimalValue()).isEqualTo(new BigDecimal(inRange));
            assertThat(StrictJson.readObject(o.toString())).as(o.toString()).isEqualTo(o);
        }
        for (String outOfRange : new String[] {"1e10000", "121e9999", "1e-10000", "0.01e-9998", "0e10000",
            "1E+99999999999", "1e-99999999999"}) {
            assertRefused("{\"n\":" + outOfRange + "}", "out of range");
        }
    }

    @Test
    void messagesSayWhereButNeverQuoteTheInput() {
        assertThatThrownBy(() -> StrictJson.readObject("{\"secret-name\":1,\n\"secret-name\":2}"))
                .hasMessage("a member name occurs twice in one object (line 2, column 14)");
        assertThatThrownBy(() -> StrictJson.readObject("{\"a\":\"secret\"x}"))
                .hasMessageStartingWith("not valid JSON (line 1, column")
                .hasMessageNotContaining("secret");
    }
}
