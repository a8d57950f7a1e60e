package dev.parley.chat.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the {@code @username} mentions in a message body. A mention is {@code @} at the start of the body or after
 * a character that cannot be part of a word ({@code a@b} in an e-mail address is none), followed by a name made of
 * the username characters (letters, digits, marks, {@code _ - .}); a trailing {@code .} ends a sentence, not the
 * name. Which of the names are members of the room is the service's business.
 */
final class Mentions {
    /** The most distinct names one message is checked for: each costs a look-up. */
    static final int MAX_CANDIDATES = 32;

    private Mentions() {
    }

    /**
     * The names after {@code @} in a body, in order of first appearance, without duplicates (as written, not
     * canonical), at most {@link #MAX_CANDIDATES}.
     */
    static List<String> candidates(String body) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (i < body.length() && names.size() < MAX_CANDIDATES) {
            int at = body.indexOf('@', i);
            if (at < 0) {
                break;
            }
            i = at + 1;
            if (at > 0 && (isNameChar(body.codePointBefore(at), true) || body.charAt(at - 1) == '@')) {
                continue;
            }
            int end = i;
            while (end < body.length()) {
                int cp = body.codePointAt(end);
                if (!isNameChar(cp, end > i)) {
                    break;
                }
                end += Character.charCount(cp);
            }
            if (end < body.length() && body.charAt(end) == '@') {
                continue; // @user@host is an address, not a mention
            }
            while (end > i && body.charAt(end - 1) == '.') {
                end--;
            }
            if (end > i) {
                names.add(body.substring(i, end));
                i = end;
            }
        }
        return new ArrayList<>(names);
    }

    private static boolean isNameChar(int cp, boolean notFirst) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        if (!notFirst) {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || cp == '_' || cp == '-' || cp == '.';
    }
}
