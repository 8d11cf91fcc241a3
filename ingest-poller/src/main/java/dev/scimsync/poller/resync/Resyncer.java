package dev.scimsync.poller.resync;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.ResyncIds;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.OrganizationScan;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs resyncs in the background, one at a time per process: publish the begin marker, scan the organization in
 * WorkOS (paced to its rate limits), then publish the snapshot and the end marker in one transaction — or, when
 * the scan fails, an aborted end marker. The stream processor applies the items and sweeps what the snapshot
 * lacks (within the safeguard). What a resync is doing before its markers reach the processor is kept here
 * ({@link #inFlight}).
 */
public final class Resyncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resyncer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What this process knows of a resync it was asked for. */
    public record Progress(String resyncId, String organizationId, String scope, boolean dryRun, String phase,
                           Instant startedAt, Instant finishedAt, Integer records, String error) {
    }

    private final DirectoryScanner scanner;
    private final Supplier<ResyncPublisher> publishers;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Progress> byOrganization = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    /**
     * @param publishers a new publisher per resync (its transactional id fences a crashed predecessor)
     */
    public Resyncer(DirectoryScanner scanner, Supplier<ResyncPublisher> publishers, Clock clock,
                    MeterRegistry registry) {
        this.registry = registry;
        this.scanner = scanner;
        this.publishers = publishers;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "resync");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Queues a resync and returns its id at once.
     *
     * @throws ResyncInProgressException when this organization already has one queued or scanning
     */
    public synchronized Progress start(ResyncRequest request) {
        Progress current = byOrganization.get(request.organizationId());
        if (current != null && current.finishedAt() == null) {
            throw new ResyncInProgressException("organization " + request.organizationId() + " already has resync "
                    + current.resyncId() + " " + current.phase());
        }
        String id = newId(clock.instant()) + (request.dryRun() ? ResyncIds.DRY_RUN_SUFFIX : "");
        Progress queued = new Progress(id, request.organizationId(), request.scope().wireValue(), request.dryRun(),
                "queued", clock.instant(), null, null, null);
        byOrganization.put(request.organizationId(), queued);
        executor.submit(() -> run(id, request));
        LOG.info("resync {} of {} queued (scope {}, dry run {}, force {})", id, request.organizationId(),
                request.scope().wireValue(), request.dryRun(), request.force());
        return queued;
    }

    /** The last resync this process was asked for, for the organization. */
    public Optional<Progress> inFlight(String organizationId) {
        return Optional.ofNullable(byOrganization.get(organizationId));
    }

    private void run(String id, ResyncRequest request) {
        String org = request.organizationId();
        Instant started = clock.instant();
        ResyncPublisher publisher;
        try {
            publisher = publishers.get();
        } catch (RuntimeException e) {
            // Kafka unreachable: nothing was published
            registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "failed").increment();
            finish(org, id, "failed", null, Redact.emailsIn(String.valueOf(e.getMessage())));
            return;
        }
        boolean begun = false;
        try {
            publisher.publish(List.of(ResyncEvents.begin(id, request, started, clock.instant())));
            begun = true;
            update(org, id, "scanning", null, null);
            OrganizationScan scan = scanner.scan(org);
            List<EventEnvelope> records = ResyncEvents.snapshot(id, request, scan, started, clock.instant());
            update(org, id, "publishing", records.size(), null);
            publisher.publish(records);
            finish(org, id, "published", records.size() + 1, null);
            registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "published").increment();
            registry.timer(MetricNames.RESYNC_DURATION).record(Duration.between(started, clock.instant()));
            LOG.info("resync {} of {}: {} records published after a scan of {} ms ({} WorkOS requests)", id, org,
                    records.size() + 1, scan.took().toMillis(), scan.requests());
        } catch (InterruptedException e) {
            fail(begun, org, id, started, "interrupted (scim-sync is stopping)");
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(begun, org, id, started, Redact.emailsIn(String.valueOf(e.getMessage())));
        } finally {
            try {
                publisher.close();
            } catch (RuntimeException e) {
                LOG.warn("resync {} of {}: closing its producer failed: {}", id, org, e.getMessage());
            }
        }
    }

    /**
     * Ends a begun resync with an aborted end marker (best effort), so the processor stops tracking it; the
     * processor ends it as failed on its own if even that is lost. Runs with the interrupt flag clear (a stopping
     * process interrupts the scan), so the marker's Kafka transaction can commit.
     */
    private void fail(boolean begun, String org, String id, Instant started, String reason) {
        LOG.warn("resync {} of {} failed: {}", id, org, reason);
        registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "failed").increment();
        if (begun) {
            boolean interrupted = Thread.interrupted();
            // a new producer with the same transactional id: the old one may be stuck mid-abort (an interrupt
            // during its commit), and initialising this one aborts whatever it left open
            try (ResyncPublisher fresh = publishers.get()) {
                fresh.publish(List.of(ResyncEvents.aborted(id, org, reason, started, clock.instant())));
            } catch (RuntimeException e) {
                LOG.warn("resync {} of {}: the abort marker could not be published either ({}); the processor ends "
                        + "the resync as failed after {}", id, org, e.getMessage(), "6 h");
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        finish(org, id, "failed", null, reason);
    }

    private void update(String org, String id, String phase, Integer records, String error) {
        byOrganization.computeIfPresent(org, (k, p) -> p.resyncId().equals(id)
                ? new Progress(id, org, p.scope(), p.dryRun(), phase, p.startedAt(), null, records, error) : p);
    }

    private void finish(String org, String id, String phase, Integer records, String error) {
        Instant now = clock.instant();
        byOrganization.computeIfPresent(org, (k, p) -> p.resyncId().equals(id)
                ? new Progress(id, org, p.scope(), p.dryRun(), phase, p.startedAt(), now, records, error) : p);
    }

    /** {@code resync_} + time (sortable) + randomness. */
    static String newId(Instant now) {
        return String.format(Locale.ROOT, "resync_%013d%06x", now.toEpochMilli(), RANDOM.nextInt(1 << 24));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
