package dev.scimsync.replay;

import java.time.Duration;

import dev.scimsync.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** {@code scim_sync_replay_*}: events replayed, runs by result, duration. */
final class ReplayMetrics {

    private final MeterRegistry registry;
    private final Counter events;
    private final Timer duration;

    ReplayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.events = Counter.builder(MetricNames.REPLAY_EVENTS)
                .description("events read again from the events topic by replays").register(registry);
        this.duration = Timer.builder(MetricNames.REPLAY_DURATION)
                .description("from the request to the switch (or the failure) of a replay").register(registry);
    }

    void replayed(long count) {
        if (count > 0) {
            events.increment(count);
        }
    }

    void finished(ReplayState state, Duration took) {
        registry.counter(MetricNames.REPLAY_RUNS, MetricNames.TAG_RESULT, state.wire()).increment();
        duration.record(took);
    }
}
