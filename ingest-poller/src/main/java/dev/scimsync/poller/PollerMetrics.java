package dev.scimsync.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.scimsync.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The poller's meters: events polled and published by type, poll latency, WorkOS errors, cursor age, and what
 * the alerts need to tell a stalled poller from a quiet directory (leader, last successful poll, last progress).
 */
public final class PollerMetrics {

    private final MeterRegistry registry;
    private final Timer pollLatency;
    private final Timer publishLatency;
    private final Counter rateLimitWaits;
    private final Counter stalledPages;
    private final Counter redelivered;
    private final AtomicReference<Instant> lastEventCreatedAt = new AtomicReference<>();
    private final AtomicInteger leader = new AtomicInteger();
    private final AtomicLong lastPollSuccessMs = new AtomicLong();
    private final AtomicLong lastProgressMs = new AtomicLong();
    private final Clock clock;

    public PollerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.stalledPages = Counter.builder(MetricNames.STALLED_PAGES)
                .description("full Events API pages that brought no new event (a cursor that does not advance)")
                .register(registry);
        this.redelivered = Counter.builder(MetricNames.EVENTS_REDELIVERED)
                .description("events WorkOS served again after the poller had published them (not published twice)")
                .register(registry);
        Gauge.builder(MetricNames.POLLER_LEADER, leader, AtomicInteger::get)
                .description("1 on the instance that holds the poller lock and polls, 0 on standbys").register(registry);
        Gauge.builder(MetricNames.LAST_POLL_SUCCESS, lastPollSuccessMs, ms -> ms.get() / 1000.0)
                .description("Unix time of the last successful Events API answer (leader start before the first)")
                .baseUnit("seconds").register(registry);
        Gauge.builder(MetricNames.LAST_PROGRESS, lastProgressMs, ms -> ms.get() / 1000.0)
                .description("Unix time of the last commit or of reaching the head of the Events API")
                .baseUnit("seconds").register(registry);
        this.pollLatency = Timer.builder(MetricNames.POLL_LATENCY).description("latency of one Events API page")
                .publishPercentileHistogram().register(registry);
        this.publishLatency = Timer.builder(MetricNames.PUBLISH_LATENCY)
                .description("one Kafka transaction of up to SCIM_SYNC_POLLER_PAGES_PER_TRANSACTION pages (events, dead letters, cursor)")
                .publishPercentileHistogram().register(registry);
        this.rateLimitWaits = Counter.builder(MetricNames.RATE_LIMIT_WAITS)
                .description("waits imposed by WorkOS 429 answers").register(registry);
        Gauge.builder(MetricNames.CURSOR_AGE, lastEventCreatedAt, ref -> {
            Instant last = ref.get();
            return last == null ? Double.NaN : Duration.between(last, clock.instant()).toMillis() / 1000.0;
        }).description("seconds between now and the created_at of the last event published").baseUnit("seconds")
                .register(registry);
    }

    /**
     * This instance starts or stops leading. A new leader's clocks start now, so one that never succeeds still
     * ages (and alerts) instead of showing nothing.
     */
    public void leading(boolean leading) {
        if (leading && leader.get() == 0) {
            long now = clock.millis();
            lastPollSuccessMs.set(now);
            lastProgressMs.set(now);
        }
        leader.set(leading ? 1 : 0);
    }

    public void pollSucceeded() {
        lastPollSuccessMs.set(clock.millis());
    }

    /** A page committed with its cursor, or the head of the Events API reached with nothing new. */
    public void progressed() {
        lastProgressMs.set(clock.millis());
    }

    /** How long since the last progress (zero while not leading). */
    public Duration sinceProgress() {
        return leader.get() == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - lastProgressMs.get()));
    }

    public void publishFailed(String cause) {
        registry.counter(MetricNames.PUBLISH_FAILURES, MetricNames.TAG_CAUSE, cause).increment();
    }

    public void stalledPage() {
        stalledPages.increment();
    }

    public void redelivered(int count) {
        redelivered.increment(count);
    }

    public void polled(String eventType) {
        registry.counter(MetricNames.EVENTS_POLLED, MetricNames.TAG_TYPE, eventType).increment();
    }

    public void published(String eventType) {
        registry.counter(MetricNames.EVENTS_PUBLISHED, MetricNames.TAG_TYPE, eventType).increment();
    }

    public void deadLettered(String reason) {
        registry.counter(MetricNames.DEAD_LETTERS, MetricNames.TAG_STAGE, "ingest-poller", "reason", reason).increment();
    }

    public void workosError(String status) {
        registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, status).increment();
    }

    public void rateLimitWait() {
        rateLimitWaits.increment();
    }

    public void pollTook(Duration duration) {
        pollLatency.record(duration);
    }

    public void publishTook(Duration duration) {
        publishLatency.record(duration);
    }

    public void cursorAt(Instant eventCreatedAt) {
        if (eventCreatedAt != null) {
            lastEventCreatedAt.set(eventCreatedAt);
        }
    }

    /** Events published so far, all types together. */
    public double publishedTotal() {
        return publishedTotal(registry);
    }

    /** Events published so far by any poller reporting to {@code registry}, all types together. */
    public static double publishedTotal(MeterRegistry registry) {
        return registry.find(MetricNames.EVENTS_PUBLISHED).counters().stream().mapToDouble(Counter::count).sum();
    }
}
