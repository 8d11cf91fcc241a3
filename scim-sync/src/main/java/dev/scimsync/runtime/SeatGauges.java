package dev.scimsync.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.writer.access.AccessQueries;

/**
 * {@code scim_sync_seats{organization,tier}}: present members holding a seat, read from the database every
 * {@code interval} (one grouped query) rather than at each scrape, so a slow database never holds up /metrics.
 * Tiers and organizations that no longer hold seats disappear at the next refresh.
 */
final class SeatGauges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SeatGauges.class);

    private final AccessQueries access;
    private final MultiGauge seats;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "scim-sync-seat-gauges");
        thread.setDaemon(true);
        return thread;
    });

    SeatGauges(AccessQueries access, MeterRegistry registry, Duration interval) {
        this.access = access;
        this.seats = MultiGauge.builder(MetricNames.SEATS)
                .description("present members holding a seat, per organization and seat tier")
                .register(registry);
        scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (Map.Entry<String, Map<String, Long>> organization : access.seatsOfAll().entrySet()) {
                organization.getValue().forEach((tier, count) -> rows.add(MultiGauge.Row.of(
                        Tags.of("organization", organization.getKey(), "tier", tier), count)));
            }
            seats.register(rows, true);
        } catch (Exception e) {
            LOG.warn("reading seats per tier for {} failed: {}", MetricNames.SEATS, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
