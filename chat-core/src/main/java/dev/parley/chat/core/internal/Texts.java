package dev.parley.chat.core.internal;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/** Validation of message bodies, passwords and client message ids. */
final class Texts {
    private static final int MAX_CLIENT_MSG_ID = 64;
    private static final String LENGTH = "password must have 8 to 128 characters";

    private Texts() {
    }

    /**
     * Accepts a body unchanged or throws. In this order: well-formed UTF-16 (a lone surrogate cannot be stored as
     * UTF-8) and no control characters but tab and line breaks (NUL in particular, which PostgreSQL rejects), else
     * {@code message_invalid}; at least one code point that shows something (see {@link Invisibles}: a body of white
     * space, zero-width and other default-ignorable characters only is blank however it is spelled), else
     * {@code message_empty}; at most {@code max} code points, else {@code message_too_long}.
     */
    static void requireValidBody(String body, int max) {
        boolean visible = false;
        int codePoints = 0;
        for (int i = 0; i < body.length(); codePoints++) {
            int cp = body.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                // codePointAt returns a surrogate only when it is unpaired
                throw new InvalidRequestException(ErrorCode.MESSAGE_INVALID, "message has malformed UTF-16");
            }
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0)) {
                throw new InvalidRequestException(ErrorCode.MESSAGE_INVALID,
                        "message contains a control character (U+" + String.format("%04X", cp) + ")");
            }
            visible = visible || !Invisibles.isInvisible(cp);
        }
        if (!visible) {
            throw new InvalidRequestException(ErrorCode.MESSAGE_EMPTY,
                    "message is empty: it has no visible character");
        }
        if (codePoints > max) {
            throw new InvalidRequestException(ErrorCode.MESSAGE_TOO_LONG,
                    "message is longer than " + max + " characters");
        }
    }

    /** Accepts {@code null} or 1–64 characters of {@code [A-Za-z0-9._:-]}. */
    static void requireValidClientMsgId(String id) {
        if (id == null) {
            return;
        }
        boolean ok = !id.isEmpty() && id.length() <= MAX_CLIENT_MSG_ID;
        for (int i = 0; ok && i < id.length(); i++) {
            char c = id.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
        }
        if (!ok) {
            throw new InvalidRequestException(ErrorCode.INVALID_CLIENT_MSG_ID,
                    "clientMsgId must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
    }

    /**
     * Whether a password is acceptable: 8–128 code points, and well-formed UTF-16. A password with an unpaired
     * surrogate has no UTF-8 form to hash: encoders would replace the half pair (Password4j writes {@code ?}),
     * making {@code "pass\ud800"}, {@code "pass\udbff"} and {@code "pass?"} one password. Passwords are never
     * trimmed, normalised, truncated or repaired.
     */
    static boolean validPassword(String password) {
        return passwordProblem(password) == null;
    }

    /**
     * Accepts a password as {@link #validPassword} does, or throws.
     *
     * @throws InvalidRequestException {@code invalid_password}, saying which rule it breaks
     */
    static void requireValidPassword(String password) {
        String problem = passwordProblem(password);
        if (problem != null) {
            throw new InvalidRequestException(ErrorCode.INVALID_PASSWORD, problem);
        }
    }

    private static String passwordProblem(String password) {
        if (password.length() < 8 || password.length() > 256) {
            return LENGTH;
        }
        int n = password.codePointCount(0, password.length());
        if (n < 8 || n > 128) {
            return LENGTH;
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(password)) {
            return "password has an unpaired surrogate (half of a UTF-16 pair)";
        }
        return null;
    }
}
