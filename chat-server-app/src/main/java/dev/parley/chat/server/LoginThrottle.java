package dev.parley.chat.server;

import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed logins per username and per client address in a sliding window; once either has
 * {@code maxFailures} failures in the window, further attempts are refused (429) until the oldest failure leaves the
 * window. A successful login clears its username's failures (not its address's, so one good account cannot unlock
 * an address that is guessing others).
 *
 * <p>Memory is bounded: at most {@code maxKeys} usernames and addresses are remembered, least recently used ones
 * are forgotten first, and each keeps at most {@code maxFailures} timestamps. Thread-safe.
 */
final class LoginThrottle {
    private final Clock clock;
    private final int maxFailures;
    private final long windowMillis;
    private final Map<String, ArrayDeque<Long>> failures;

    LoginThrottle(Clock clock, int maxFailures, Duration window, int maxKeys) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.failures = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /**
     * How long the caller must wait before trying again, or empty if a login may be attempted now.
     *
     * @param username the name as sent
     * @param address the client's address
     */
    synchronized Optional<Duration> retryAfter(String username, String address) {
        long now = clock.millis();
        long wait = Math.max(waitMillis(userKey(username), now), waitMillis(addressKey(address), now));
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    /** Records a failed login. */
    synchronized void failed(String username, String address) {
        long now = clock.millis();
        record(userKey(username), now);
        record(addressKey(address), now);
    }

    /** Records a successful login: the username's failures are forgotten. */
    synchronized void succeeded(String username) {
        failures.remove(userKey(username));
    }

    private long waitMillis(String key, long now) {
        ArrayDeque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        prune(times, now);
        if (times.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        if (times.size() < maxFailures) {
            return 0;
        }
        return Math.max(1, times.peekFirst() + windowMillis - now);
    }

    private void record(String key, long now) {
        ArrayDeque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        while (times.size() > maxFailures) {
            times.removeFirst();
        }
    }

    private void prune(ArrayDeque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() + windowMillis <= now) {
            times.removeFirst();
        }
    }

    /** Usernames are compared as the service compares them (NFKC, case-folded); long ones are cut to bound memory. */
    private static String userKey(String username) {
        String normalised = Normalizer.normalize(username, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return "u:" + (normalised.length() > 64 ? normalised.substring(0, 64) : normalised);
    }

    private static String addressKey(String address) {
        return "a:" + address;
    }
}
