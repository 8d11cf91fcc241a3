package dev.scimsync.emulator.faults;

import java.util.Set;

/**
 * Faults injected on the outbound WorkOS API (never on SCIM or the admin API).
 *
 * @param latencyMs           added before every response
 * @param errorRate           fraction of requests answered with {@code status} instead
 * @param status              500, 502 or 503
 * @param rateLimits          whether the documented WorkOS rate limits are enforced
 * @param duplicateEventsRate fraction of events served by {@code /events} that are served again
 *                            at the start of a later page (WorkOS delivers at least once)
 */
public record FaultSettings(long latencyMs, double errorRate, int status, boolean rateLimits,
                            double duplicateEventsRate) {

    private static final Set<Integer> STATUSES = Set.of(500, 502, 503);

    public FaultSettings {
        if (latencyMs < 0 || latencyMs > 60_000) {
            throw new IllegalArgumentException("latency_ms must be between 0 and 60000");
        }
        if (errorRate < 0 || errorRate > 1 || duplicateEventsRate < 0 || duplicateEventsRate > 1) {
            throw new IllegalArgumentException("error_rate and duplicate_events_rate must be between 0 and 1");
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of 500, 502, 503");
        }
    }

    public static FaultSettings none(boolean rateLimits) {
        return new FaultSettings(0, 0, 500, rateLimits, 0);
    }
}
