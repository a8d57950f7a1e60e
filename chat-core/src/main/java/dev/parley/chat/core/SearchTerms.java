package dev.parley.chat.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The terms of a message search and the one rule every store answers by. Immutable and thread-safe.
 *
 * <h2>The rule</h2>
 * A text's <em>tokens</em> are its maximal runs of Unicode letters and digits ({@link Character#isLetterOrDigit(int)},
 * by code point), lower-cased with {@link Locale#ROOT}. A query's terms are its tokens; a query has 1–{@value
 * #MAX_TERMS} terms and at most {@value #MAX_QUERY_LENGTH} UTF-16 characters. A body matches when every term is a
 * prefix of some token of the body (an AND of prefix terms): {@code "grü WOR"} matches {@code "Grüße, world"}.
 * Diacritics are kept, so {@code naive} does not find {@code naïve}; punctuation splits, so {@code com} finds
 * {@code example.com} and {@code known} finds {@code well-known}.
 */
public final class SearchTerms {
    /** The most terms a query may have. */
    public static final int MAX_TERMS = 10;
    /** The longest query, in UTF-16 characters. */
    public static final int MAX_QUERY_LENGTH = 200;

    private final List<String> terms;

    private SearchTerms(List<String> terms) {
        this.terms = List.copyOf(terms);
    }

    /**
     * Splits a query into its terms.
     *
     * @param query what the user typed
     * @return the terms, in query order, duplicates kept
     * @throws InvalidRequestException {@code invalid_query} if the query is longer than {@value #MAX_QUERY_LENGTH}
     *     characters, or has no term or more than {@value #MAX_TERMS}
     */
    public static SearchTerms parse(String query) {
        Objects.requireNonNull(query, "query == null");
        if (query.length() > MAX_QUERY_LENGTH) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY,
                    "a query has at most " + MAX_QUERY_LENGTH + " characters");
        }
        List<String> terms = new ArrayList<>();
        for (int[] token : tokens(query)) {
            terms.add(lower(query, token));
        }
        if (terms.isEmpty()) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY, "a query needs at least one letter or digit");
        }
        if (terms.size() > MAX_TERMS) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY, "a query has at most " + MAX_TERMS + " terms");
        }
        return new SearchTerms(terms);
    }

    /**
     * The terms.
     *
     * @return lower-cased runs of letters and digits, in query order; never empty
     */
    public List<String> terms() {
        return terms;
    }

    /**
     * Whether a body matches: every term is a prefix of one of its tokens.
     *
     * @param body a message body
     * @return whether it matches
     */
    public boolean matches(String body) {
        return !highlights(body).isEmpty();
    }

    /**
     * Where a body matches: one range per token that some term is a prefix of, covering the whole token.
     *
     * @param body a message body
     * @return the ranges as UTF-16 indexes into {@code body} (as JavaScript indexes strings), ascending and
     *     disjoint; empty if the body does not match (some term is a prefix of no token)
     */
    public List<SearchResult.Highlight> highlights(String body) {
        Objects.requireNonNull(body, "body == null");
        List<SearchResult.Highlight> marks = new ArrayList<>();
        boolean[] found = new boolean[terms.size()];
        for (int[] token : tokens(body)) {
            String lower = lower(body, token);
            boolean marked = false;
            for (int t = 0; t < terms.size(); t++) {
                if (lower.startsWith(terms.get(t))) {
                    found[t] = true;
                    marked = true;
                }
            }
            if (marked) {
                marks.add(new SearchResult.Highlight(token[0], token[1]));
            }
        }
        for (boolean f : found) {
            if (!f) {
                return List.of();
            }
        }
        return List.copyOf(marks);
    }

    /** The {@code [start, end)} UTF-16 ranges of a text's runs of letters and digits. */
    private static List<int[]> tokens(String text) {
        List<int[]> tokens = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                tokens.add(new int[] {start, i});
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            tokens.add(new int[] {start, text.length()});
        }
        return tokens;
    }

    private static String lower(String text, int[] token) {
        return text.substring(token[0], token[1]).toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchTerms other && terms.equals(other.terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }

    @Override
    public String toString() {
        return "SearchTerms" + terms;
    }
}
