package dev.scimsync.admin;

import java.time.Duration;

/**
 * How much the admin server lets clients hold, and how it checks readiness.
 *
 * @param idleTimeout       a connection that sends or reads nothing for this long is closed (a half-sent request
 *                          included; it holds no thread meanwhile)
 * @param maxConnections    open connections at most; beyond that new ones wait to be accepted
 * @param apiThreads        threads for {@code /api/…} requests (they may read the database); probes and
 *                          {@code /metrics} never wait for them
 * @param apiQueue          {@code /api/…} requests waiting for a thread at most; beyond that 503
 * @param readinessInterval how often each readiness check runs in the background
 * @param checkTimeout      a readiness check that has not answered within this counts as failed
 */
public record AdminLimits(Duration idleTimeout, int maxConnections, int apiThreads, int apiQueue,
                          Duration readinessInterval, Duration checkTimeout) {

    public static final AdminLimits DEFAULT = new AdminLimits(Duration.ofSeconds(10), 256, 4, 64,
            Duration.ofSeconds(1), Duration.ofSeconds(2));
}
