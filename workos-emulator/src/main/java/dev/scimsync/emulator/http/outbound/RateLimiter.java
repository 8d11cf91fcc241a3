package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.faults.Faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * WorkOS's documented limits: 6,000 requests per 60 seconds overall and 4 requests per second
 * per directory on {@code /directory_users}. Switched by {@link Faults}.
 */
final class RateLimiter {

    static final int GLOBAL_REQUESTS = 6_000;
    static final long GLOBAL_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int DIRECTORY_USERS_REQUESTS = 4;
    static final long DIRECTORY_USERS_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Faults faults;
    private final TokenBucket global = new TokenBucket(GLOBAL_REQUESTS, GLOBAL_PERIOD_NANOS, System.nanoTime());
    private final Map<String, TokenBucket> directoryUsers = new ConcurrentHashMap<>();

    RateLimiter(Faults faults) {
        this.faults = faults;
    }

    void checkGlobal() {
        check(global);
    }

    void checkDirectoryUsers(String directoryId) {
        check(directoryUsers.computeIfAbsent(directoryId, id -> new TokenBucket(DIRECTORY_USERS_REQUESTS,
                DIRECTORY_USERS_PERIOD_NANOS, System.nanoTime())));
    }

    private void check(TokenBucket bucket) {
        if (!faults.current().rateLimits()) {
            return;
        }
        long waitNanos = bucket.tryTake(System.nanoTime());
        if (waitNanos > 0) {
            // Retry-After is whole seconds; round up so a client that honours it succeeds
            throw WorkosErrors.rateLimited(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
        }
    }
}
