package dev.parley.chat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTermsTest {
    private static List<String> terms(String query) {
        return SearchTerms.parse(query).terms();
    }

    private static List<String> marked(String query, String body) {
        return SearchTerms.parse(query).highlights(body).stream().map(h -> body.substring(h.start(), h.end()))
                .toList();
    }

    @Test
    void termsAreLowerCasedRunsOfLettersAndDigits() {
        assertThat(terms("  Hello, WORLD! foo_bar 42x   Grüße naïve ПРИВЕТ")).containsExactly("hello", "world", "foo",
                "bar", "42x", "grüße", "naïve", "привет");
    }

    @Test
    void aQueryWithoutLettersOrDigitsIsInvalid() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> SearchTerms.parse(" ?! 😀"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
    }

    @Test
    void moreThanTenTermsOrTwoHundredCharactersIsInvalid() {
        assertThat(terms("a b c d e f g h i j")).hasSize(10);
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> SearchTerms.parse("a b c d e f g h i j k")).code()).isEqualTo(ErrorCode.INVALID_QUERY);
        assertThat(terms("x".repeat(200))).hasSize(1);
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> SearchTerms.parse("x".repeat(201))).code()).isEqualTo(ErrorCode.INVALID_QUERY);
    }

    @Test
    void everyTermMustBeAPrefixOfSomeToken() {
        SearchTerms q = SearchTerms.parse("gr WOR");
        assertThat(q.matches("Grüße, world")).isTrue();
        assertThat(q.matches("Grüße")).isFalse();
        assertThat(q.matches("agrüße world")).isFalse();
        assertThat(SearchTerms.parse("naive").matches("naïve")).isFalse();
        assertThat(SearchTerms.parse("com known").matches("see example.com, it is well-known")).isTrue();
    }

    @Test
    void highlightsCoverEachMatchedTokenInUtf16Indexes() {
        String body = "😀 Hello hell, 𝒳 HELP!";
        List<SearchResult.Highlight> marks = SearchTerms.parse("hel").highlights(body);
        assertThat(marks).containsExactly(new SearchResult.Highlight(3, 8), new SearchResult.Highlight(9, 13),
                new SearchResult.Highlight(18, 22));
        assertThat(marked("hel", body)).containsExactly("Hello", "hell", "HELP");
    }

    @Test
    void aTokenMatchedByTwoTermsIsMarkedOnce() {
        assertThat(marked("wor world", "world peace")).containsExactly("world");
    }
}
