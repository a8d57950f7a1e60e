package dev.parley.chat.bus.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * How payloads travel in NOTIFY payloads: several joined with line feeds, each joined text at most
 * {@link #MAX_BYTES} bytes in UTF-8 (PostgreSQL's limit is "less than 8000 bytes"). Stateless.
 */
final class Payloads {
    /** The most UTF-8 bytes of one payload, and of one NOTIFY payload. */
    static final int MAX_BYTES = 7_900;

    private static final char SEPARATOR = '\n';

    private Payloads() {
    }

    /**
     * Checks that a payload can travel unaltered and returns its length in UTF-8.
     *
     * @throws IllegalArgumentException if it is longer than {@link #MAX_BYTES} in UTF-8, holds a line feed (the
     *     separator) or a NUL character (which PostgreSQL text cannot hold), or has an unpaired surrogate (which UTF-8
     *     cannot encode)
     */
    static int validate(String payload) {
        int bytes = 0;
        int length = payload.length();
        for (int i = 0; i < length; i++) {
            char c = payload.charAt(i);
            if (c == SEPARATOR) {
                throw new IllegalArgumentException("payload holds a line feed at index " + i);
            } else if (c == 0) {
                throw new IllegalArgumentException("payload holds a NUL character at index " + i);
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(payload.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("payload holds an unpaired surrogate at index " + i);
            } else {
                bytes += 3;
            }
            if (bytes > MAX_BYTES) {
                throw new IllegalArgumentException("payload is longer than " + MAX_BYTES + " bytes in UTF-8");
            }
        }
        return bytes;
    }

    /**
     * Joins payloads, in order, into as few texts of at most {@link #MAX_BYTES} UTF-8 bytes as a greedy pass gives.
     *
     * @param payloads valid payloads (see {@link #validate})
     * @return the texts to notify, in order; {@link #split} of their concatenation gives back the payloads
     */
    static List<String> pack(List<String> payloads) {
        List<String> packed = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentBytes = -1; // -1: nothing in current yet (an empty payload still counts as one)
        for (String payload : payloads) {
            int bytes = validate(payload);
            if (currentBytes >= 0 && currentBytes + 1 + bytes > MAX_BYTES) {
                packed.add(current.toString());
                current.setLength(0);
                currentBytes = -1;
            }
            if (currentBytes >= 0) {
                current.append(SEPARATOR);
                currentBytes += 1 + bytes;
            } else {
                currentBytes = bytes;
            }
            current.append(payload);
        }
        if (currentBytes >= 0) {
            packed.add(current.toString());
        }
        return packed;
    }

    /**
     * Splits a NOTIFY payload back into the payloads that {@link #pack} joined, empty ones included.
     *
     * @param packed a NOTIFY payload
     * @return the payloads, in order
     */
    static List<String> split(String packed) {
        List<String> payloads = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = packed.indexOf(SEPARATOR, start)) >= 0) {
            payloads.add(packed.substring(start, end));
            start = end + 1;
        }
        payloads.add(packed.substring(start));
        return payloads;
    }
}
