package dev.parley.chat.core.internal;

/**
 * Which code points show nothing: a message made only of them is empty. The rule is Unicode's own, fixed here as a
 * table (Unicode 15.1) rather than taken from the JDK's character data, so that it does not move with the Java
 * version:
 *
 * <ul>
 *   <li>{@code White_Space} (PropList.txt): spaces of every width, NBSP, line and paragraph separators;
 *   <li>{@code Default_Ignorable_Code_Point} (DerivedCoreProperties.txt): the characters Unicode says to render as
 *       nothing when not otherwise supported (UAX #44, TUS §5.21): zero-width space, joiners, word joiner, BOM,
 *       soft hyphen, direction marks and controls, variation selectors, Hangul fillers, tags;
 *   <li>and U+2800 BRAILLE PATTERN BLANK, in neither set (it is a graphic character) but blank in every font, and
 *       the usual stand-in for an "invisible" message.
 * </ul>
 *
 * <p>Combining marks are not invisible: alone they render on a dotted circle (TUS §2.11), and after white space
 * they show as marks. C0 and C1 controls other than tab, CR and LF never get here: bodies refuse them outright.
 */
final class Invisibles {
    /** Inclusive ranges, sorted, not overlapping: White_Space ∪ Default_Ignorable_Code_Point ∪ {U+2800}. */
    private static final int[] RANGES = {
        0x0009, 0x000D, // White_Space: tab, LF, VT, FF, CR
        0x0020, 0x0020, // White_Space: space
        0x0085, 0x0085, // White_Space: next line
        0x00A0, 0x00A0, // White_Space: no-break space
        0x00AD, 0x00AD, // DICP: soft hyphen
        0x034F, 0x034F, // DICP: combining grapheme joiner
        0x061C, 0x061C, // DICP: Arabic letter mark
        0x115F, 0x1160, // DICP: Hangul choseong and jungseong fillers
        0x1680, 0x1680, // White_Space: Ogham space mark
        0x17B4, 0x17B5, // DICP: Khmer inherent vowels
        0x180B, 0x180F, // DICP: Mongolian free variation selectors and vowel separator
        0x2000, 0x200A, // White_Space: en quad ... hair space
        0x200B, 0x200F, // DICP: zero-width space, non-joiner, joiner, LRM, RLM
        0x2028, 0x2029, // White_Space: line and paragraph separators
        0x202A, 0x202E, // DICP: bidi embeddings and overrides
        0x202F, 0x202F, // White_Space: narrow no-break space
        0x205F, 0x205F, // White_Space: medium mathematical space
        0x2060, 0x206F, // DICP: word joiner, invisible operators, bidi isolates, deprecated format characters
        0x2800, 0x2800, // braille pattern blank (see above)
        0x3000, 0x3000, // White_Space: ideographic space
        0x3164, 0x3164, // DICP: Hangul filler
        0xFE00, 0xFE0F, // DICP: variation selectors 1-16
        0xFEFF, 0xFEFF, // DICP: zero-width no-break space (BOM)
        0xFFA0, 0xFFA0, // DICP: halfwidth Hangul filler
        0xFFF0, 0xFFF8, // DICP: unassigned specials
        0x1BCA0, 0x1BCA3, // DICP: shorthand format controls
        0x1D173, 0x1D17A, // DICP: musical symbol format controls
        0xE0000, 0xE0FFF, // DICP: tags, variation selectors 17-256, reserved
    };

    private Invisibles() {
    }

    /** Whether the code point shows nothing (see the class comment). */
    static boolean isInvisible(int codePoint) {
        // binary search for the last range starting at or before the code point
        int lo = 0;
        int hi = RANGES.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (RANGES[2 * mid] <= codePoint) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && codePoint <= RANGES[2 * hi + 1];
    }
}
