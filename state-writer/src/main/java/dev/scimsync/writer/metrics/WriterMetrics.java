package dev.scimsync.writer.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.scimsync.core.metrics.MetricNames;

/**
 * The writer's meters. Sync lag is a timer with a published histogram so that Prometheus can compute
 * quantiles across instances; its range is set for seconds to an hour (a replay shows up in the top bucket).
 */
public final class WriterMetrics {

    private static final String STAGE = "state-writer";

    private final MeterRegistry registry;
    private final Clock clock;
    private final DistributionSummary batchSize;
    private final Timer commitLatency;
    private final Timer syncLag;
    private final Map<String, Counter> rows = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Counter accessChanges;

    public WriterMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.batchSize = DistributionSummary.builder(MetricNames.BATCH_SIZE)
                .description("records per state-writer batch")
                .baseUnit("records")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(100_000.0)
                .register(registry);
        this.commitLatency = Timer.builder(MetricNames.COMMIT_LATENCY)
                .description("duration of one batch's database transaction, from begin to commit")
                .publishPercentileHistogram()
                .register(registry);
        this.syncLag = Timer.builder(MetricNames.SYNC_LAG)
                .description("now minus WorkOS created_at of each event whose change the writer applied")
                .tag(MetricNames.TAG_STAGE, STAGE)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        this.accessChanges = Counter.builder(MetricNames.ACCESS_CHANGES)
                .description("members whose access (role, capabilities, seat tier, spend limit) a batch changed")
                .tag(MetricNames.TAG_STAGE, STAGE)
                .register(registry);
    }

    public void accessChanged(int members) {
        if (members > 0) {
            accessChanges.increment(members);
        }
    }

    public void rowsWritten(String table, String operation, int count) {
        if (count > 0) {
            rows.computeIfAbsent(table + '/' + operation, k -> Counter.builder(MetricNames.ROWS_WRITTEN)
                    .description("rows the state-writer changed")
                    .tag(MetricNames.TAG_TABLE, table)
                    .tag(MetricNames.TAG_OPERATION, operation)
                    .register(registry)).increment(count);
        }
    }

    public void batch(int records, Duration transaction) {
        batchSize.record(records);
        commitLatency.record(transaction);
    }

    /** Records the lag of one applied change; ignores a missing created_at. */
    public void applied(Instant eventCreatedAt) {
        if (eventCreatedAt != null) {
            Duration lag = Duration.between(eventCreatedAt, clock.instant());
            syncLag.record(lag.isNegative() ? Duration.ZERO : lag);
        }
    }

    public void deadLettered(int count) {
        if (count > 0) {
            deadLetters.computeIfAbsent(STAGE, k -> Counter.builder(MetricNames.DEAD_LETTERS)
                    .description("records sent to the DLQ")
                    .tag(MetricNames.TAG_STAGE, STAGE)
                    .register(registry)).increment(count);
        }
    }
}
