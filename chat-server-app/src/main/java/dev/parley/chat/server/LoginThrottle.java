package dev.parley.chat.server;

import dev.parley.chat.core.ChatService;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing down without giving anyone a way to lock an account's owner out (OWASP ASVS 5.0
 * requirements 6.1.1 and 6.3.1; NIST SP 800-63B §5.2.2). {@code docs/operations.md} states the policy and its
 * numbers; in short:
 *
 * <ul>
 *   <li>Every attempt counts as a failure the moment it is let through (so that parallel requests cannot all pass
 *       one check), and is given back if the password was right, or if it was never checked.
 *   <li>Failures are counted under three keys: the pair of client address and account, the account (from every
 *       address) and the address (for every account). Accounts are keyed as the service compares usernames
 *       ({@link ChatService#canonicalUsername}), so {@code " jon"}, {@code "JON\t"} and {@code "jon"} share one budget.
 *   <li>Each key has a budget of free failures; once it is spent, every further attempt must wait: 30 seconds,
 *       doubling with each further failure, up to the key's cap. Only a failure moves the wait; an attempt refused
 *       with 429 is not a failure and extends nothing.
 *   <li>The pair's budget is {@code maxFailures} (5) and its cap the {@code window} (15 minutes): guessing one
 *       account from one address is slowed to a few guesses an hour, while the owner at any other address, and
 *       everyone else at this address, is not affected by it.
 *   <li>The account's and the address's budgets are {@value #WIDE_FACTOR} times as large and their waits are capped
 *       at {@link #WIDE_CAP}: they hold back many addresses guessing one account, and one address guessing many
 *       accounts. They do not apply to a pair that logged in successfully in the last {@link #KNOWN_FOR}: the
 *       owner keeps logging in from the addresses they use however many others guess, and the users behind a NAT
 *       that one of them is guessing from keep logging in too. A newcomer at such an address, or the owner at a new
 *       address during such an attack, waits at most {@link #WIDE_CAP} per attempt.
 *   <li>A key's failures are forgotten after it has been quiet for the {@code window} beyond its current wait.
 *   <li>Memory is bounded: each of the four tables (pairs, accounts, addresses, known pairs) keeps at most
 *       {@code maxKeys} entries and forgets the least recently used first.
 * </ul>
 *
 * Thread-safe.
 */
final class LoginThrottle {
    /** The first wait once a budget is spent; each further failure doubles it up to the key's cap. */
    static final Duration FIRST_WAIT = Duration.ofSeconds(30);
    /** How many times larger the account's and the address's budgets are than the pair's. */
    static final int WIDE_FACTOR = 20;
    /** The longest wait the account's and the address's budgets impose. */
    static final Duration WIDE_CAP = Duration.ofMinutes(1);
    /** How long a successful login makes its address known for its account. */
    static final Duration KNOWN_FOR = Duration.ofDays(30);
    /** Account keys are cut to this many chars: no valid username is longer (64 code points at most). */
    private static final int MAX_ACCOUNT_KEY = 128;

    private final Clock clock;
    private final Budget pairs;
    private final Budget accounts;
    private final Budget addresses;
    /** Pair key → when it last logged in successfully (epoch millis). */
    private final Map<String, Long> known;

    /**
     * @param clock the time source
     * @param maxFailures the free failures of one account from one address
     * @param window the longest wait of one account from one address, and how long a quiet key is remembered
     * @param maxKeys the most entries of each table
     */
    LoginThrottle(Clock clock, int maxFailures, Duration window, int maxKeys) {
        this.clock = clock;
        long windowMillis = window.toMillis();
        this.pairs = new Budget(maxFailures, windowMillis, windowMillis, maxKeys);
        long wideCap = Math.min(WIDE_CAP.toMillis(), windowMillis);
        this.accounts = new Budget(WIDE_FACTOR * maxFailures, wideCap, windowMillis, maxKeys);
        this.addresses = new Budget(WIDE_FACTOR * maxFailures, wideCap, windowMillis, maxKeys);
        this.known = lru(maxKeys);
    }

    /**
     * Asks to check one password. If the attempt may go ahead it is counted as a failure right away (see
     * {@link #succeeded} and {@link #unchecked}) and the result is empty; otherwise nothing is counted and the
     * result is how long to wait.
     *
     * @param username the name as the client sent it
     * @param address the client's address
     */
    synchronized Optional<Duration> attempt(String username, String address) {
        long now = clock.millis();
        String account = accountKey(username);
        String pair = pairKey(address, account);
        long wait = pairs.wait(pair, now);
        if (!isKnown(pair, now)) {
            wait = Math.max(wait, Math.max(accounts.wait(account, now), addresses.wait(address, now)));
        }
        if (wait > 0) {
            return Optional.of(Duration.ofMillis(wait));
        }
        pairs.fail(pair, now);
        accounts.fail(account, now);
        addresses.fail(address, now);
        return Optional.empty();
    }

    /** The attempt let through by {@link #attempt} had the right password: its failure is taken back. */
    synchronized void succeeded(String username, String address) {
        String account = accountKey(username);
        String pair = pairKey(address, account);
        pairs.forget(pair);
        accounts.giveBack(account);
        addresses.giveBack(address);
        known.put(pair, clock.millis());
    }

    /** The attempt let through by {@link #attempt} was never checked (the server was busy): it does not count. */
    synchronized void unchecked(String username, String address) {
        String account = accountKey(username);
        pairs.giveBack(pairKey(address, account));
        accounts.giveBack(account);
        addresses.giveBack(address);
    }

    private boolean isKnown(String pair, long now) {
        Long since = known.get(pair);
        if (since != null && now - since >= KNOWN_FOR.toMillis()) {
            known.remove(pair);
            return false;
        }
        return since != null;
    }

    private static String accountKey(String username) {
        String key = ChatService.canonicalUsername(username);
        return key.length() > MAX_ACCOUNT_KEY ? key.substring(0, MAX_ACCOUNT_KEY) : key;
    }

    private static String pairKey(String address, String account) {
        return address + '\n' + account; // an address holds no newline
    }

    private static <V> Map<String, V> lru(int maxKeys) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** The failures of one kind of key. Guarded by the throttle's lock. */
    private static final class Budget {
        private final int free;
        private final long capMillis;
        private final long quietMillis;
        private final Map<String, Failures> byKey;

        Budget(int free, long capMillis, long quietMillis, int maxKeys) {
            this.free = free;
            this.capMillis = capMillis;
            this.quietMillis = quietMillis;
            this.byKey = lru(maxKeys);
        }

        /** How long the key must wait before its next attempt; 0 for none. */
        long wait(String key, long now) {
            Failures f = current(key, now);
            return f == null ? 0 : Math.max(0, f.last + delay(f.count) - now);
        }

        void fail(String key, long now) {
            Failures f = current(key, now);
            if (f == null) {
                f = new Failures();
                byKey.put(key, f);
            }
            f.count++;
            f.last = now;
        }

        void giveBack(String key) {
            Failures f = byKey.get(key);
            if (f != null && f.count > 0) {
                f.count--;
            }
        }

        void forget(String key) {
            byKey.remove(key);
        }

        /** The key's failures, or null once it has been quiet for the window beyond its wait (then forgotten). */
        private Failures current(String key, long now) {
            Failures f = byKey.get(key);
            if (f != null && now - f.last >= delay(f.count) + quietMillis) {
                byKey.remove(key);
                return null;
            }
            return f;
        }

        /** The wait after {@code count} failures: none within the budget, then 30 s doubling up to the cap. */
        private long delay(int count) {
            if (count < free) {
                return 0;
            }
            int doublings = Math.min(count - free, 20);
            return Math.min(capMillis, FIRST_WAIT.toMillis() << doublings);
        }
    }

    /** Failures of one key: how many, and when the last was. */
    private static final class Failures {
        int count;
        long last;
    }
}
