package dev.scimsync.writer.db;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop of the writer: exponential backoff between attempts, only for errors the predicate
 * calls retryable, every log line naming the operation. The last error is rethrown unchanged.
 */
public final class Retry {

    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    /** Work that may throw anything; the checked exception is rethrown as is. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** Waits between attempts; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Predicate<Throwable> isRetryable;
    private final Sleeper sleeper;

    public Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Predicate<Throwable> isRetryable) {
        this(maxAttempts, initialBackoff, maxBackoff, isRetryable, d -> Thread.sleep(d.toMillis()));
    }

    public Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Predicate<Throwable> isRetryable,
                 Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
        this.isRetryable = Objects.requireNonNull(isRetryable, "isRetryable");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Database retries: {@link TransientErrors#isRetryable}. */
    public static Retry forDatabase(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new Retry(maxAttempts, initialBackoff, maxBackoff, TransientErrors::isRetryable);
    }

    /** The same attempts and backoff, also retrying the errors {@code more} accepts. */
    public Retry orWhen(Predicate<Throwable> more) {
        return new Retry(maxAttempts, initialBackoff, maxBackoff, isRetryable.or(more), sleeper);
    }

    public <T> T call(String operation, Work<T> work) throws Exception {
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (Exception e) {
                if (!isRetryable.test(e) || attempt >= maxAttempts) {
                    if (attempt > 1) {
                        LOG.warn("{}: giving up after {} attempts: {}", operation, attempt, TransientErrors.describe(e));
                    }
                    throw e;
                }
                LOG.warn("{}: attempt {} of {} failed, retrying in {} ms: {}", operation, attempt, maxAttempts,
                        backoff.toMillis(), TransientErrors.describe(e));
                sleeper.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
