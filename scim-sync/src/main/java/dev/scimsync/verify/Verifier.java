package dev.scimsync.verify;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.log.Redact;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.query.DirectoryRows;
import dev.scimsync.writer.query.OrganizationQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The drift check: scans the organization in WorkOS ({@link DirectoryScanner}, paced to the rate limits),
 * then reads the database and compares ({@link DriftCheck}). The pipeline trails WorkOS by about a second,
 * so when the first comparison finds differences the database is read again after {@code settle} and only
 * what is still different is reported; a change made in the IdP during the scan can still show. Read-only:
 * it changes nothing in WorkOS, Kafka or the database.
 */
public final class Verifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final int MAX_EXAMPLES = 20;

    private final DirectoryScanner scanner;
    private final OrganizationQueries queries;
    private final Clock clock;
    private final Duration timeout;
    private final Duration settle;
    private final MeterRegistry registry;
    private final ExecutorService executor;
    private final Map<String, AtomicLong> driftGauges = new ConcurrentHashMap<>();
    private final Semaphore running = new Semaphore(2);

    /**
     * @param timeout longest a check may take; it is stopped (interrupted) after that
     * @param settle  wait before the second read of the database when the first one differs
     */
    public Verifier(DirectoryScanner scanner, OrganizationQueries queries, Clock clock, Duration timeout,
                    Duration settle, MeterRegistry registry) {
        this.scanner = scanner;
        this.queries = queries;
        this.clock = clock;
        this.timeout = timeout;
        this.settle = settle;
        this.registry = registry;
        // two at once: one large organization's check does not hold up another's
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "verify");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Compares the organization in WorkOS with the database; blocks for the scan (seconds to minutes).
     *
     * @return empty when neither WorkOS (no directory) nor the database (no member or group) knows the organization
     */
    public Optional<DriftReport> verify(String organizationId) throws VerifyException {
        // each check holds an admin API thread while it runs: two at once at most, the others are refused
        if (!running.tryAcquire()) {
            throw new VerifyBusyException("two drift checks are running already; try again when one has finished");
        }
        try {
            return verifyNow(organizationId);
        } finally {
            running.release();
        }
    }

    private Optional<DriftReport> verifyNow(String organizationId) throws VerifyException {
        Future<DriftReport> check = executor.submit(() -> check(organizationId));
        try {
            DriftReport report = check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (report.directoryIds().isEmpty() && report.members().database() == 0
                    && report.groups().database() == 0) {
                return Optional.empty();
            }
            record(report);
            return Optional.of(report);
        } catch (TimeoutException e) {
            check.cancel(true);
            failed();
            throw new VerifyException("the drift check of " + organizationId + " did not finish within " + timeout
                    + " (SCIM_SYNC_VERIFY_TIMEOUT)", e);
        } catch (ExecutionException e) {
            failed();
            Throwable cause = e.getCause();
            throw new VerifyException("the drift check of " + organizationId + " failed: "
                    + Redact.emailsIn(String.valueOf(cause.getMessage())), cause);
        } catch (InterruptedException e) {
            check.cancel(true);
            Thread.currentThread().interrupt();
            failed();
            throw new VerifyException("the drift check of " + organizationId + " was interrupted", e);
        }
    }

    private DriftReport check(String organizationId) throws InterruptedException, SQLException {
        OrganizationScan scan = scanner.scan(organizationId);
        DirectoryRows rows = queries.directoryRows(organizationId);
        DriftReport report = DriftCheck.compare(scan, rows, clock.instant(), MAX_EXAMPLES);
        if (!report.inSync() && !settle.isZero()) {
            LOG.info("drift check of {}: differences right after the scan; reading the database again in {} ms",
                    organizationId, settle.toMillis());
            Thread.sleep(settle.toMillis());
            report = DriftCheck.compare(scan, queries.directoryRows(organizationId), clock.instant(), MAX_EXAMPLES);
        }
        LOG.info("drift check of {}: {} (members missing/extra/changed {}/{}/{}, groups {}/{}/{}, memberships {}/{})",
                organizationId, report.inSync() ? "in sync" : "DRIFT", report.members().missing(),
                report.members().extra(), report.members().changed(), report.groups().missing(),
                report.groups().extra(), report.groups().changed(), report.memberships().missing(),
                report.memberships().extra());
        return report;
    }

    private void record(DriftReport report) {
        registry.counter(MetricNames.VERIFY_RUNS, MetricNames.TAG_RESULT, report.inSync() ? "in_sync" : "drift")
                .increment();
        gauge(report.organizationId(), "members").set(total(report.members()));
        gauge(report.organizationId(), "groups").set(total(report.groups()));
        gauge(report.organizationId(), "memberships").set(total(report.memberships()));
    }

    private static long total(EntityDrift drift) {
        return drift.missing() + drift.extra() + drift.changed();
    }

    private AtomicLong gauge(String organizationId, String type) {
        return driftGauges.computeIfAbsent(organizationId + "/" + type, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(MetricNames.VERIFY_DRIFT, value, AtomicLong::get)
                    .description("entities found different in the last drift check")
                    .tag(MetricNames.TAG_ORGANIZATION, organizationId).tag(MetricNames.TAG_TYPE, type)
                    .register(registry);
            return value;
        });
    }

    private void failed() {
        registry.counter(MetricNames.VERIFY_RUNS, MetricNames.TAG_RESULT, "failed").increment();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** A drift check that could not finish; the message is safe to show (no secrets). */
    public static class VerifyException extends Exception {
        public VerifyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Refused: as many drift checks as allowed are running. */
    public static final class VerifyBusyException extends VerifyException {
        public VerifyBusyException(String message) {
            super(message, null);
        }
    }
}
