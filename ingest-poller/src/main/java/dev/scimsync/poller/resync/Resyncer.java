package dev.scimsync.poller.resync;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.ResyncIds;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.directory.DirectoryScanner;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs resyncs in the background, one at a time per process: publish the begin marker, scan the organization in
 * WorkOS (paced to its rate limits) and publish its snapshot while the scan streams it, in chunks of about
 * {@link #DEFAULT_CHUNK_RECORDS} items each in its own Kafka transaction, the last chunk with the end marker — or,
 * when the scan or a chunk fails, an aborted end marker. Neither the organization nor its snapshot is held in
 * memory: only the chunk being filled. The end marker announces how many items came before it, so the processor
 * sweeps only once it has applied every chunk; a crash between chunks publishes no end marker, so it sweeps
 * nothing (the processor ends such a resync as failed when a newer one begins or after its maximum age). The
 * stream processor applies the items and sweeps what the snapshot lacks (within the safeguard). What a resync is
 * doing before its markers reach the processor is kept here ({@link #inFlight}).
 */
public final class Resyncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resyncer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Items per Kafka transaction: a few pages of users with their memberships. Small enough that a transaction
     * (which holds back read_committed readers of the organization's partition, live events of other organizations
     * included) lasts milliseconds and the processor applies the snapshot while the scan goes on; large enough
     * that the commits cost little next to the sends.
     */
    public static final int DEFAULT_CHUNK_RECORDS = 2_000;

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
    private final int chunkRecords;

    /**
     * @param publishers a new publisher per resync (its transactional id fences a crashed predecessor)
     */
    public Resyncer(DirectoryScanner scanner, Supplier<ResyncPublisher> publishers, Clock clock,
                    MeterRegistry registry) {
        this(scanner, publishers, clock, registry, DEFAULT_CHUNK_RECORDS);
    }

    /**
     * @param chunkRecords snapshot items per Kafka transaction (at least; a page is never split)
     */
    public Resyncer(DirectoryScanner scanner, Supplier<ResyncPublisher> publishers, Clock clock,
                    MeterRegistry registry, int chunkRecords) {
        if (chunkRecords < 1) {
            throw new IllegalArgumentException("chunkRecords must be positive: " + chunkRecords);
        }
        this.chunkRecords = chunkRecords;
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
            update(org, id, "scanning", 0, null);
            Chunks chunks = new Chunks(org, id, publisher, new ResyncSnapshot(id, request, started));
            DirectoryScanner.Summary scan = scanner.scan(org, chunks);
            update(org, id, "publishing", chunks.published, null);
            int records = chunks.finish(scan.directoryIds());
            finish(org, id, "published", records, null);
            registry.counter(MetricNames.RESYNC_RUNS, MetricNames.TAG_RESULT, "published").increment();
            registry.timer(MetricNames.RESYNC_DURATION).record(Duration.between(started, clock.instant()));
            LOG.info("resync {} of {}: {} records published in {} transactions during and after a scan of {} ms "
                    + "({} WorkOS requests)", id, org, records, chunks.transactions, scan.took().toMillis(),
                    scan.requests());
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

    /**
     * The snapshot's chunks as the scan streams its pages: items collect until a chunk is full, which is then
     * published in one transaction; the last chunk goes with the end marker.
     */
    private final class Chunks implements DirectoryScanner.Pages {

        private final String org;
        private final String id;
        private final ResyncPublisher publisher;
        private final ResyncSnapshot snapshot;
        private List<EventEnvelope> chunk = new ArrayList<>();
        /** Items committed so far (the begin marker not counted). */
        private int published;
        private int transactions;

        Chunks(String org, String id, ResyncPublisher publisher, ResyncSnapshot snapshot) {
            this.org = org;
            this.id = id;
            this.publisher = publisher;
            this.snapshot = snapshot;
        }

        @Override
        public void groups(String directoryId, List<JsonNode> page) {
            add(snapshot.groups(directoryId, page, clock.instant()));
        }

        @Override
        public void users(String directoryId, List<JsonNode> page) {
            add(snapshot.users(directoryId, page, clock.instant()));
        }

        private void add(List<EventEnvelope> items) {
            chunk.addAll(items);
            if (chunk.size() >= chunkRecords) {
                publish();
                update(org, id, "scanning", published, null);
            }
        }

        private void publish() {
            publisher.publish(chunk);
            published += chunk.size();
            transactions++;
            chunk = new ArrayList<>();
        }

        /** Publishes what is left with the end marker; returns how many records the resync published, begin included. */
        int finish(List<String> directoryIds) {
            chunk.add(snapshot.end(directoryIds, clock.instant()));
            publish();
            return published + 1;
        }
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
