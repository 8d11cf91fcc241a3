package dev.scimsync.processor.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.scimsync.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link MetricNames#EVENTS_APPLIED}, {@link MetricNames#EVENTS_DUPLICATE}, {@link MetricNames#EVENTS_STALE}, tagged by
 * type, {@link MetricNames#RESYNC_END} and {@link MetricNames#SWEEP_STEP}.
 */
public final class MicrometerProcessorMetrics implements ProcessorMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public MicrometerProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void applied(String eventType) {
        count(MetricNames.EVENTS_APPLIED, eventType);
    }

    @Override
    public void duplicate(String eventType) {
        count(MetricNames.EVENTS_DUPLICATE, eventType);
    }

    @Override
    public void stale(String eventType) {
        count(MetricNames.EVENTS_STALE, eventType);
    }

    @Override
    public void resyncEnded(Duration took) {
        Timer.builder(MetricNames.RESYNC_END).register(registry).record(took);
    }

    @Override
    public void sweepStep(Duration took) {
        Timer.builder(MetricNames.SWEEP_STEP).register(registry).record(took);
    }

    private void count(String name, String eventType) {
        counters.computeIfAbsent(name + '|' + eventType,
                k -> Counter.builder(name).tag(MetricNames.TAG_TYPE, eventType).register(registry)).increment();
    }
}
