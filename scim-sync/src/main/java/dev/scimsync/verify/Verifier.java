package dev.scimsync.verify;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.log.Redact;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.workos.DirectoryLookup;
import dev.scimsync.workos.UnknownOrganizationException;
import dev.scimsync.writer.query.OrganizationQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Drift checks in the background: {@link #start} returns a run at once, the check ({@link VerifyJob}) runs on
 * this verifier's own threads, at most {@value #MAX_RUNNING} at a time and one per organization, each stopped
 * (interrupted) after {@code timeout}. The last {@value #KEPT_RUNS} runs are kept for {@link #run} and
 * {@link #latest}. Read-only: it changes nothing in WorkOS, Kafka or the database.
 */
public final class Verifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_RUNNING = 2;
    static final int KEPT_RUNS = 100;

    private final VerifyJob job;
    private final DirectoryLookup lookup;
    private final OrganizationDatabase database;
    private final Clock clock;
    private final Duration timeout;
    private final MeterRegistry registry;
    private final ExecutorService executor;
    private final ScheduledExecutorService timeouts;
    private final Map<String, VerifyRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, VerifyRun> eldest) {
            return size() > KEPT_RUNS && !eldest.getValue().running();
        }
    };
    private final Map<String, AtomicLong> driftGauges = new ConcurrentHashMap<>();

    /**
     * @param timeout longest a check may take; it is stopped (interrupted) after that
     * @param settle  per recheck round, longest wait for the database to catch up with WorkOS
     */
    public Verifier(DirectoryScanner scanner, DirectoryLookup lookup, OrganizationQueries queries, Clock clock,
                    Duration timeout, Duration settle, MeterRegistry registry) {
        this(scanner, lookup, OrganizationDatabase.of(queries), clock, timeout, settle, registry);
    }

    public Verifier(DirectoryScanner scanner, DirectoryLookup lookup, OrganizationDatabase database, Clock clock,
                    Duration timeout, Duration settle, MeterRegistry registry) {
        this(new VerifyJob(scanner, lookup, database, clock, settle), lookup, database, clock, timeout, registry);
    }

    private Verifier(VerifyJob job, DirectoryLookup lookup, OrganizationDatabase database, Clock clock,
                     Duration timeout, MeterRegistry registry) {
        this.job = job;
        this.lookup = lookup;
        this.database = database;
        this.clock = clock;
        this.timeout = timeout;
        this.registry = registry;
        // as many threads as checks may run: a started check never waits in a queue
        this.executor = Executors.newFixedThreadPool(MAX_RUNNING, daemon("verify"));
        this.timeouts = Executors.newSingleThreadScheduledExecutor(daemon("verify-timeout"));
    }

    /**
     * Starts a drift check of the organization.
     *
     * @throws UnknownOrganizationException     when neither the database nor WorkOS knows the organization
     * @throws VerifyInProgressException        when the organization's last check is still running
     * @throws VerifyBusyException              when {@value #MAX_RUNNING} checks are running
     * @throws dev.scimsync.workos.WorkosUnavailableException when WorkOS did not say whether it knows it
     */
    public VerifyRun start(String organizationId) {
        refuseIfBusy(organizationId);
        if (!knows(organizationId)) {
            throw new UnknownOrganizationException("unknown organization " + organizationId + ": WorkOS does not "
                    + "know it and the database has no such organization");
        }
        synchronized (runs) {
            refuseIfBusy(organizationId);
            VerifyRun run = new VerifyRun(newId(), organizationId, VerifyRun.RUNNING, "queued", clock.instant(), null,
                    null, null);
            runs.put(run.verifyId(), run);
            Future<?> check = executor.submit(() -> check(run));
            timeouts.schedule(() -> {
                if (finish(run.verifyId(), r -> r.failed("did not finish within " + timeout
                        + " (SCIM_SYNC_VERIFY_TIMEOUT)", clock.instant()))) {
                    check.cancel(true);
                    failed();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("drift check {} of {} started", run.verifyId(), organizationId);
            return run;
        }
    }

    /** A run of this organization by its id. */
    public Optional<VerifyRun> run(String organizationId, String verifyId) {
        synchronized (runs) {
            return Optional.ofNullable(runs.get(verifyId)).filter(r -> r.organizationId().equals(organizationId));
        }
    }

    /** The organization's last run that this process still keeps. */
    public Optional<VerifyRun> latest(String organizationId) {
        synchronized (runs) {
            VerifyRun latest = null;
            for (VerifyRun run : runs.values()) {
                if (run.organizationId().equals(organizationId)) {
                    latest = run;
                }
            }
            return Optional.ofNullable(latest);
        }
    }

    private void refuseIfBusy(String organizationId) {
        synchronized (runs) {
            Optional<VerifyRun> current = latest(organizationId).filter(VerifyRun::running);
            if (current.isPresent()) {
                throw new VerifyInProgressException(current.get().verifyId(), "drift check "
                        + current.get().verifyId() + " of " + organizationId + " is still running");
            }
            if (runs.values().stream().filter(VerifyRun::running).count() >= MAX_RUNNING) {
                throw new VerifyBusyException(MAX_RUNNING + " drift checks are running already; try again when one "
                        + "has finished");
            }
        }
    }

    private boolean knows(String organizationId) {
        try {
            if (database.knows(organizationId)) {
                return true;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading organization " + organizationId + " failed: " + e.getMessage(), e);
        }
        return lookup.organizationExists(organizationId);
    }

    private void check(VerifyRun run) {
        String id = run.verifyId();
        try {
            DriftReport report = job.run(run.organizationId(), phase -> update(id, r -> r.inPhase(phase)));
            if (finish(id, r -> r.completed(report, clock.instant()))) {
                record(report);
            }
        } catch (InterruptedException e) {
            if (finish(id, r -> r.failed("interrupted (scim-sync is stopping)", clock.instant()))) {
                failed();
            }
        } catch (Exception e) { // SQLException, a WorkOS failure the retry gave up on (401/403, a 4xx): the run fails
            String reason = "the drift check of " + run.organizationId() + " failed: "
                    + Redact.emailsIn(String.valueOf(e.getMessage()));
            LOG.warn("drift check {}: {}", id, reason);
            if (finish(id, r -> r.failed(reason, clock.instant()))) {
                failed();
            }
        }
    }

    private void update(String verifyId, UnaryOperator<VerifyRun> change) {
        synchronized (runs) {
            runs.computeIfPresent(verifyId, (k, r) -> r.running() ? change.apply(r) : r);
        }
    }

    /** Ends a running run; false when it had ended already (timed out, or finished just before). */
    private boolean finish(String verifyId, UnaryOperator<VerifyRun> end) {
        synchronized (runs) {
            VerifyRun run = runs.get(verifyId);
            if (run == null || !run.running()) {
                return false;
            }
            runs.put(verifyId, end.apply(run));
            return true;
        }
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

    /** {@code verify_} + time (sortable) + randomness, like resync ids. */
    private String newId() {
        return String.format(Locale.ROOT, "verify_%013d%06x", clock.millis(), RANDOM.nextInt(1 << 24));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        timeouts.shutdownNow();
        executor.shutdownNow();
    }

    /** Refused: as many drift checks as allowed are running. */
    public static final class VerifyBusyException extends RuntimeException {
        public VerifyBusyException(String message) {
            super(message);
        }
    }

    /** Refused: the organization's last drift check is still running. */
    public static final class VerifyInProgressException extends RuntimeException {
        private final String verifyId;

        public VerifyInProgressException(String verifyId, String message) {
            super(message);
            this.verifyId = verifyId;
        }

        public String verifyId() {
            return verifyId;
        }
    }
}
