package dev.scimsync.emulator.http.outbound;

/**
 * A token bucket: {@code capacity} requests at once, refilled at {@code capacity / period}.
 * Gives the documented WorkOS limits (6,000 per 60 s, 4 per second) without a request log.
 */
final class TokenBucket {

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long lastRefill;

    TokenBucket(int capacity, long periodNanos, long now) {
        this.capacity = capacity;
        this.tokensPerNano = capacity / (double) periodNanos;
        this.tokens = capacity;
        this.lastRefill = now;
    }

    /** @return 0 when a token was taken, else the nanoseconds until one will be available */
    synchronized long tryTake(long now) {
        tokens = Math.min(capacity, tokens + (now - lastRefill) * tokensPerNano);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }
}
