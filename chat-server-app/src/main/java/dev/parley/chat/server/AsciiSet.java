package dev.parley.chat.server;

import java.util.BitSet;

/** A set of ASCII characters, for checking that a string holds only those (grammar rules of HTTP and URIs). */
final class AsciiSet {
    static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final BitSet chars = new BitSet(128);

    /** @param chars the members; each must be ASCII */
    AsciiSet(String chars) {
        chars.chars().forEach(c -> {
            if (c >= 128) {
                throw new IllegalArgumentException("not ASCII: " + c);
            }
            this.chars.set(c);
        });
    }

    /** Whether every char of {@code s} is a member (true for the empty string). */
    boolean containsAll(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !chars.get(c)) {
                return false;
            }
        }
        return true;
    }
}
