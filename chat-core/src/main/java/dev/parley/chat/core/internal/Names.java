package dev.parley.chat.core.internal;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalisation and validation of user and room names. The rules are documented on
 * {@link dev.parley.chat.core.ChatService}; this class is their single implementation.
 */
final class Names {
    private static final Pattern DIRECT_ROOM = Pattern.compile("dm:[1-9][0-9]{0,18}:[1-9][0-9]{0,18}");

    private Names() {
    }

    /** The display form of a username: trimmed and NFC-normalised. */
    static String displayUsername(String raw) {
        return Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
    }

    /**
     * The unique key of a username: NFKC, then full-ish case folding (upper then lower, so that {@code ß} and
     * {@code SS} meet), then NFKC again because case mapping can denormalise.
     */
    static String canonicalUsername(String raw) {
        String s = Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC);
        s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(s, Normalizer.Form.NFKC);
    }

    /**
     * Validates a username and returns its canonical key.
     *
     * @throws InvalidRequestException {@code invalid_username}
     */
    static String requireValidUsername(String raw, int min, int max) {
        String canonical = canonicalUsername(raw);
        int length = canonical.codePointCount(0, canonical.length());
        if (length < min || length > max) {
            throw new InvalidRequestException(ErrorCode.INVALID_USERNAME,
                    "username must have " + min + " to " + max + " characters");
        }
        if (!validName(canonical, true)) {
            throw new InvalidRequestException(ErrorCode.INVALID_USERNAME,
                    "username may contain only letters, digits, '_', '-' and '.', and must start with a letter or "
                            + "digit");
        }
        return canonical;
    }

    /** The canonical key, or {@code null} if the name breaks the rules (for look-ups that must not throw). */
    static String canonicalUsernameOrNull(String raw, int min, int max) {
        try {
            return requireValidUsername(raw, min, max);
        } catch (InvalidRequestException e) {
            return null;
        }
    }

    /** NFKC and lower case: the stored form of a room name. */
    static String normaliseRoomName(String raw) {
        return Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /**
     * Validates a name for a new room and returns its normalised form.
     *
     * @throws InvalidRequestException {@code invalid_room_name}
     */
    static String requireValidRoomName(String raw, int max) {
        String name = normaliseRoomName(raw);
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > max) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROOM_NAME,
                    "room name must have 1 to " + max + " characters");
        }
        if (!validName(name, false)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROOM_NAME,
                    "room name may contain only letters, digits, '_' and '-', and must start with a letter or "
                            + "digit");
        }
        return name;
    }

    /**
     * The name to look a room up by: a direct room's {@code dm:a:b} as is, anything else normalised. Returns
     * {@code null} for a name no room can have.
     */
    static String lookupRoomName(String raw, int max) {
        if (DIRECT_ROOM.matcher(raw).matches()) {
            return raw;
        }
        String name = normaliseRoomName(raw);
        int length = name.codePointCount(0, name.length());
        return length >= 1 && length <= max && validName(name, false) ? name : null;
    }

    /** The name of the direct room between two users; {@code :} keeps it apart from every user-made name. */
    static String directRoomName(long userA, long userB) {
        return "dm:" + Math.min(userA, userB) + ":" + Math.max(userA, userB);
    }

    private static boolean validName(String s, boolean allowDot) {
        int i = 0;
        boolean first = true;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean letterOrDigit = Character.isLetterOrDigit(cp);
            if (first) {
                if (!letterOrDigit) {
                    return false;
                }
                first = false;
                continue;
            }
            int type = Character.getType(cp);
            boolean mark = type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
            if (!(letterOrDigit || mark || cp == '_' || cp == '-' || (allowDot && cp == '.'))) {
                return false;
            }
        }
        return true;
    }
}
