package dev.parley.chat.transport.websocket;

/**
 * Two token buckets per socket. The soft one (the configured rate and burst) decides whether a frame is served; the
 * hard one (three times both) decides whether the client is abusive and must be disconnected. Every frame takes a
 * token from both, served or not, so a client that keeps sending rejected frames faster than three times the rate
 * ends up closed. Thread-safe.
 */
final class RateLimiter {
    enum Verdict { OK, LIMITED, ABUSIVE }

    static final int ABUSE_FACTOR = 3;

    private final Bucket soft;
    private final Bucket hard;

    RateLimiter(int perSecond, int burst, long nowMillis) {
        this.soft = new Bucket(perSecond, burst, nowMillis);
        this.hard = new Bucket((double) perSecond * ABUSE_FACTOR, (double) burst * ABUSE_FACTOR, nowMillis);
    }

    synchronized Verdict acquire(long nowMillis) {
        boolean withinHard = hard.take(nowMillis);
        boolean withinSoft = soft.take(nowMillis);
        if (!withinHard) {
            return Verdict.ABUSIVE;
        }
        return withinSoft ? Verdict.OK : Verdict.LIMITED;
    }

    private static final class Bucket {
        private final double perMilli;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(double perSecond, double capacity, long now) {
            this.perMilli = perSecond / 1000.0;
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = now;
        }

        boolean take(long now) {
            if (now > last) {
                tokens = Math.min(capacity, tokens + (now - last) * perMilli);
                last = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
