package dev.scimsync.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.scimsync.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The poller's meters: events polled and published by type, poll latency, WorkOS errors, cursor age. */
public final class PollerMetrics {

    private final MeterRegistry registry;
    private final Timer pollLatency;
    private final Timer publishLatency;
    private final Counter rateLimitWaits;
    private final AtomicReference<Instant> lastEventCreatedAt = new AtomicReference<>();

    public PollerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
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
