package dev.scimsync.poller.workos;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.TransportException;
import com.workos.common.exceptions.WorkOSException;

import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.PollerMetrics;

/**
 * The one place WorkOS calls are retried. 429 waits what {@code Retry-After} says (bounded); 5xx,
 * timeouts and malformed answers back off exponentially with full jitter; 401/403 end in
 * {@link WorkosAuthException}; any other 4xx is a bug on our side and is rethrown. Retries go on while the
 * calling thread is not interrupted: an outage pauses the sync, it does not skip anything.
 */
public final class WorkosRetry {

    private static final Logger LOG = LoggerFactory.getLogger(WorkosRetry.class);
    private static final long BASE_BACKOFF_MS = 250;

    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final PollerMetrics metrics;

    public WorkosRetry(Duration maxBackoff, Duration maxRetryAfter, PollerMetrics metrics) {
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.metrics = metrics;
    }

    /**
     * Runs {@code call} until it succeeds.
     *
     * @throws WorkosAuthException on 401/403
     * @throws InterruptedException when the thread is interrupted while waiting (the poller is closing)
     */
    public <T> T call(String operation, Supplier<T> call) throws InterruptedException {
        int attempt = 0;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("closing during " + operation);
            }
            try {
                return call.get();
            } catch (Exception e) { // Kotlin code can throw checked exceptions (e.g. Jackson's) undeclared
                attempt++;
                long waitMs = waitBeforeRetry(operation, e, attempt);
                Thread.sleep(waitMs);
            }
        }
    }

    private long waitBeforeRetry(String operation, Exception e, int attempt) {
        if (e instanceof RateLimitException rateLimit) {
            metrics.workosError("429");
            metrics.rateLimitWait();
            long seconds = rateLimit.retryAfterSeconds == null ? 1 : Math.max(0, rateLimit.retryAfterSeconds);
            long waitMs = Math.min(Duration.ofSeconds(seconds).toMillis(), maxRetryAfter.toMillis());
            LOG.info("WorkOS rate limit during {}: waiting {} ms (Retry-After {} s)", operation, waitMs, seconds);
            return Math.max(waitMs, 50);
        }
        if (e instanceof WorkOSException workos && !(e instanceof TransportException)) {
            int status = workos.status;
            metrics.workosError(Integer.toString(status));
            if (status == 401 || status == 403) {
                throw new WorkosAuthException(operation, status);
            }
            if (status < 500) {
                throw new IllegalStateException("WorkOS answered HTTP " + status + " to " + operation + " ("
                        + workos.code + "): " + Redact.emailsIn(workos.getMessage()), e);
            }
        } else if (e instanceof TransportException) {
            metrics.workosError("transport");
        } else if (e instanceof MalformedPageException || e instanceof JacksonException
                || e.getCause() instanceof JacksonException) {
            metrics.workosError("malformed");
        } else if (e instanceof RuntimeException runtime) {
            throw runtime; // not a WorkOS failure: a bug, let it surface
        } else {
            throw new IllegalStateException(operation + " failed", e);
        }
        long capMs = Math.min(maxBackoff.toMillis(), BASE_BACKOFF_MS << Math.min(attempt - 1, 16));
        long waitMs = ThreadLocalRandom.current().nextLong(capMs / 2, capMs + 1);
        LOG.warn("{} failed (attempt {}): {}; retrying in {} ms", operation, attempt,
                Redact.emailsIn(e.toString()), waitMs);
        return waitMs;
    }
}
