package dev.parley.chat.core.internal;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * Validation of reaction emoji. Java 17 has no {@code Character.isEmoji}, so this is a documented range check (see
 * {@code docs/protocol.md}, "Reactions"): an emoji is exactly one extended grapheme cluster ({@code \X}) of at most
 * 32 UTF-16 units, made only of
 * <ul>
 *   <li>pictographs: U+1F000–U+1FAFF (emoticons, symbols and pictographs, transport, supplemental symbols, skin-tone
 *       modifiers, regional indicators, ...), U+2600–U+27BF (miscellaneous symbols and dingbats) and the emoji of
 *       other blocks listed in {@link #LEGACY};
 *   <li>a keycap: {@code [#*0-9]}, optionally U+FE0F, then U+20E3;
 *   <li>joiners and modifiers between them: ZERO WIDTH JOINER U+200D, VARIATION SELECTOR-16 U+FE0F and the tag
 *       characters U+E0020–U+E007F of subdivision flags.
 * </ul>
 * It must hold at least one pictograph or be a keycap. The set is a superset of the emoji Unicode lists (it lets
 * through some unassigned or non-emoji pictographs of those blocks), chosen to stay correct as Unicode adds emoji.
 */
final class Emoji {
    /** The longest emoji accepted, in UTF-16 units: room for family ZWJ sequences and subdivision flags. */
    static final int MAX_LENGTH = 32;

    private static final Pattern ONE_CLUSTER = Pattern.compile("\\X");
    private static final Pattern KEYCAP = Pattern.compile("[#*0-9]\\uFE0F?\\u20E3");

    /** Emoji outside the big emoji blocks, as {start, end} inclusive pairs. */
    private static final int[] LEGACY = {
        0x00A9, 0x00A9, 0x00AE, 0x00AE, 0x203C, 0x203C, 0x2049, 0x2049, 0x2122, 0x2122, 0x2139, 0x2139,
        0x2194, 0x2199, 0x21A9, 0x21AA, 0x231A, 0x231B, 0x2328, 0x2328, 0x23CF, 0x23CF, 0x23E9, 0x23F3,
        0x23F8, 0x23FA, 0x24C2, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25B6, 0x25C0, 0x25C0, 0x25FB, 0x25FE,
        0x2934, 0x2935, 0x2B05, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x3030, 0x3030,
        0x303D, 0x303D, 0x3297, 0x3297, 0x3299, 0x3299,
    };

    private Emoji() {
    }

    /**
     * Checks a reaction emoji.
     *
     * @return the emoji, unchanged
     * @throws InvalidRequestException {@code invalid_emoji}
     */
    static String requireValid(String emoji) {
        if (!isValid(emoji)) {
            throw new InvalidRequestException(ErrorCode.INVALID_EMOJI,
                    "a reaction is exactly one emoji (see docs/protocol.md, Reactions)");
        }
        return emoji;
    }

    static boolean isValid(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH || !ONE_CLUSTER.matcher(s).matches()) {
            return false;
        }
        if (KEYCAP.matcher(s).matches()) {
            return true;
        }
        boolean pictograph = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isPictograph(cp)) {
                pictograph = true;
            } else if (!(cp == 0x200D || cp == 0xFE0F || (cp >= 0xE0020 && cp <= 0xE007F))) {
                return false;
            }
        }
        return pictograph;
    }

    private static boolean isPictograph(int cp) {
        if ((cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF)) {
            return true;
        }
        for (int i = 0; i < LEGACY.length; i += 2) {
            if (cp >= LEGACY[i] && cp <= LEGACY[i + 1]) {
                return true;
            }
        }
        return false;
    }
}
