package dev.parley.chat.core.internal;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.InvalidRequestException;

/** Validation of message bodies, passwords and client message ids. */
final class Texts {
    private static final int MAX_CLIENT_MSG_ID = 64;

    private Texts() {
    }

    /**
     * Accepts a body unchanged or throws: not blank, at most {@code max} code points, well-formed UTF-16 (a lone
     * surrogate cannot be stored as UTF-8), and no control characters but tab and line breaks (NUL in
     * particular, which PostgreSQL rejects).
     */
    static void requireValidBody(String body, int max) {
        if (body.isBlank()) {
            throw new InvalidRequestException(ErrorCode.MESSAGE_EMPTY, "message is empty");
        }
        // a code point count never exceeds the char count: skip the walk when short enough
        if (body.length() > max && body.codePointCount(0, body.length()) > max) {
            throw new InvalidRequestException(ErrorCode.MESSAGE_TOO_LONG,
                    "message is longer than " + max + " characters");
        }
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < body.length() && Character.isLowSurrogate(body.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidRequestException(ErrorCode.MESSAGE_INVALID, "message has malformed UTF-16");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidRequestException(ErrorCode.MESSAGE_INVALID, "message has malformed UTF-16");
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c < 0xa0)) {
                throw new InvalidRequestException(ErrorCode.MESSAGE_INVALID,
                        "message contains a control character (U+" + String.format("%04X", (int) c) + ")");
            }
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

    /** Whether a password has 8–128 code points. Passwords are never trimmed, normalised or truncated. */
    static boolean validPasswordLength(String password) {
        if (password.length() < 8 || password.length() > 256) {
            return false;
        }
        int n = password.codePointCount(0, password.length());
        return n >= 8 && n <= 128;
    }
}
