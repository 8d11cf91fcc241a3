package dev.scimsync.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.serde.Json;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.ScimSyncRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * {@code bench --lag}: an IdP changing users at a steady rate through the emulator's SCIM endpoint (each change a
 * {@code PATCH} renaming one user, one {@code dsync.user.updated}), and the sync lag of exactly those changes: the
 * difference of the writer's {@code scim_sync_sync_lag_seconds} histogram between before the first change and after
 * the last one was applied. Percentiles are bucket bounds ("at most"), as Prometheus would compute them.
 */
final class LagBench {

    private static final int CLIENTS = 16;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** Counter, JSON name, description: the stages' counts reported for each run (the marker change included). */
    private static final String[][] STAGE_COUNTS = {
            {MetricNames.EVENTS_PUBLISHED, "events_published", "events the poller published"},
            {MetricNames.EVENTS_APPLIED, "events_applied", "events the processor applied"},
            {MetricNames.EVENTS_STALE, "events_stale", "events the processor found stale"},
            {MetricNames.EVENTS_DUPLICATE, "events_duplicate", "events the processor had seen"}};

    private final ScimSyncRuntime runtime;
    private final CreatedDirectory directory;
    private final BenchResults results;
    final List<String> userIds;
    private final String baseUrl;
    /** Runs so far: each names its changes apart. */
    private int runs;

    LagBench(ScimSyncRuntime runtime, String emulatorBaseUrl, EmulatorAdminClient admin, CreatedDirectory directory,
             BenchResults results) {
        this.runtime = runtime;
        this.directory = directory;
        this.results = results;
        this.baseUrl = emulatorBaseUrl;
        this.userIds = admin.snapshot(directory.id()).users().stream().filter(u -> "active".equals(u.state()))
                .map(DirectorySnapshot.User::id).toList();
    }

    void run(List<Integer> rates, Duration duration) throws Exception {
        for (int rate : rates) {
            run(rate, duration);
        }
    }

    /** Makes the n-th change of a run through {@code client}. */
    @FunctionalInterface
    interface Change {
        void make(EmulatorAdminClient client, long n) throws Exception;
    }

    /** What one run at a rate measured: changes made, the seconds it drove, the lag histogram around it. */
    record Measured(int rate, long made, double drove, HistogramSnapshot before, HistogramSnapshot after,
                    long pollsDuring, long[] stages) {

        long samples() {
            return after.count() - before.count();
        }
    }

    private void run(int rate, Duration duration) throws Exception {
        // a name no earlier run gave: a PATCH to the name a user already has is no change, and no event (an earlier
        // run's "Lag n" made every later run at a higher rate lose changes: 1,500 of 30,000 at 1,000/s after the 50/s
        // run, 10,000 of 60,000 at 2,000/s after the 1,000/s run)
        String prefix = "Lag " + (++runs) + "-";
        Measured m = measure(rate, duration, (client, n) -> client.scim("PATCH", directory.id(), directory.scimToken(),
                "/Users/" + userIds.get((int) (n % userIds.size())), rename(prefix + n)));
        long wrong = usersNotAtTheirLastChange(prefix, m.made());
        String kind = "lag-" + rate;
        report(kind, "SCIM changes/s", duration, m);
        results.count(kind, "users_not_at_last_change", "  users whose row is not their last change", wrong);
    }

    /**
     * Drives {@code change} at {@code rate} for {@code duration}, then one last rename, made after every other: the
     * organization's events are applied in order, so once it is in the database all are (a count of lag samples
     * would not do: the writer may merge changes of one entity).
     */
    Measured measure(int rate, Duration duration, Change change) throws Exception {
        Timer lag = runtime.registry().get(MetricNames.SYNC_LAG).timer();
        Timer polls = runtime.registry().find(MetricNames.POLL_LATENCY).timer();
        HistogramSnapshot before = lag.takeSnapshot();
        long[] stagesBefore = stageCounts();
        long pollsBefore = polls == null ? 0 : polls.count();
        long started = System.nanoTime();
        long made = drive(rate, duration, change);
        double drove = (System.nanoTime() - started) / 1e9;
        long pollsDuring = polls == null ? 0 : polls.count() - pollsBefore;
        String last = userIds.get(0);
        String marker = "Lag end " + System.nanoTime();
        new EmulatorAdminClient(baseUrl).scim("PATCH", directory.id(), directory.scimToken(), "/Users/" + last,
                rename(marker));
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!applied(last, marker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the changes at " + rate + "/s were not all applied within " + DRAIN);
            }
            Thread.sleep(20);
        }
        long[] stages = stageCounts();
        for (int i = 0; i < stages.length; i++) {
            stages[i] -= stagesBefore[i];
        }
        return new Measured(rate, made, drove, before, lag.takeSnapshot(), pollsDuring, stages);
    }

    /** What each stage counted so far, in the order of {@link #STAGE_COUNTS}: where changes go missing, if they do. */
    private long[] stageCounts() {
        long[] counts = new long[STAGE_COUNTS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) runtime.registry().find(STAGE_COUNTS[i][0]).counters().stream()
                    .mapToDouble(Counter::count).sum();
        }
        return counts;
    }

    /** The figures of one measured run, under {@code kind}. */
    void report(String kind, String what, Duration duration, Measured m) {
        int rate = m.rate();
        long made = m.made();
        double drove = m.drove();
        HistogramSnapshot before = m.before();
        HistogramSnapshot after = m.after();
        long applied = m.samples();
        long pollsDuring = m.pollsDuring();
        results.rate(kind, "rate_asked", "lag at " + rate + " " + what + " for " + duration.toSeconds()
                + " s: changes/s asked", rate, "changes/s");
        results.rate(kind, "rate_made", "  changes/s made", made / drove, "changes/s");
        results.count(kind, "changes", "  changes made", made);
        results.count(kind, "lag_samples", "  lag samples (changes the writer recorded a lag for)", applied);
        for (int i = 0; i < STAGE_COUNTS.length; i++) {
            results.count(kind, STAGE_COUNTS[i][1], "  " + STAGE_COUNTS[i][2], m.stages()[i]);
        }
        results.seconds(kind, "p50", "  sync lag p50 (at most)", percentile(before, after, 0.50));
        results.seconds(kind, "p90", "  sync lag p90 (at most)", percentile(before, after, 0.90));
        results.seconds(kind, "p99", "  sync lag p99 (at most)", percentile(before, after, 0.99));
        results.seconds(kind, "mean", "  sync lag mean", applied == 0 ? Double.NaN
                : (after.total(TimeUnit.SECONDS) - before.total(TimeUnit.SECONDS)) / applied);
        results.rate(kind, "workos_requests_per_minute", "  Events API requests per minute (WorkOS allows 6,000)",
                pollsDuring / drove * 60, "requests/min");
    }

    /** {@code rate} changes a second for {@code duration}, each due at its own instant; returns how many were made. */
    private long drive(int rate, Duration duration, Change change) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong made = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double interval = 1e9 / rate;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    EmulatorAdminClient client = new EmulatorAdminClient(baseUrl);
                    while (true) {
                        long n = next.getAndIncrement();
                        long due = start + (long) (n * interval);
                        if (due >= end) {
                            return null;
                        }
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        change.make(client, n);
                        made.incrementAndGet();
                    }
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return made.get();
    }

    /**
     * Changes 0…made-1 of the run named {@code prefix} went to user n % users, so each user's row must hold the name
     * of its last one; the marker's user (index 0) is left out. Counts the users whose row does not.
     */
    private long usersNotAtTheirLastChange(String prefix, long made) throws Exception {
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        for (long n = Math.max(0, made - userIds.size()); n < made; n++) {
            int user = (int) (n % userIds.size());
            if (user != 0) {
                expected.put(userIds.get(user), prefix + n);
            }
        }
        long matching = 0;
        try (Connection c = runtime.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT directory_user_id, first_name FROM members WHERE organization_id = ? AND removed_at IS NULL")) {
            s.setString(1, directory.organizationId());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String want = expected.get(rs.getString(1));
                    if (want != null && want.equals(rs.getString(2))) {
                        matching++;
                    }
                }
            }
        }
        return expected.size() - matching;
    }

    private boolean applied(String memberId, String firstName) throws Exception {
        try (Connection c = runtime.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM members WHERE organization_id = ? AND directory_user_id = ? AND first_name = ?")) {
            s.setString(1, directory.organizationId());
            s.setString(2, memberId);
            s.setString(3, firstName);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The upper bound of the first bucket holding the {@code q} quantile of the samples between the snapshots. */
    static double percentile(HistogramSnapshot before, HistogramSnapshot after, double q) {
        long total = after.count() - before.count();
        if (total <= 0) {
            return Double.NaN;
        }
        CountAtBucket[] from = before.histogramCounts();
        CountAtBucket[] to = after.histogramCounts();
        for (int i = 0; i < to.length; i++) {
            double cumulative = to[i].count() - (i < from.length ? from[i].count() : 0);
            if (cumulative >= q * total) {
                return to[i].bucket(TimeUnit.SECONDS);
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static ObjectNode rename(String givenName) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:PatchOp");
        body.putArray("Operations").addObject().put("op", "replace").put("path", "name.givenName")
                .put("value", givenName);
        return body;
    }
}
