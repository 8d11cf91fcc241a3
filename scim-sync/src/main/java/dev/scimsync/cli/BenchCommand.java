package dev.scimsync.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.emulator.model.SeedResult;
import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.runtime.MachineInfo;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.verify.VerifyRun;
import dev.scimsync.replay.ReplayProgress;
import dev.scimsync.replay.ReplayState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scim-sync bench}: the automatic sync end to end on this machine. Seeds a directory in the WorkOS
 * emulator (with its events), starts the whole pipeline, and measures the time until the organization
 * database holds the directory's number of members, groups and memberships (that the rows are equal, not
 * just as many, is what PipelineEndToEndIT proves); then, in the same run and database, a plain PostgreSQL {@code COPY} of the
 * same rows, and the WorkOS rate-limit floor for reading that many events.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the automatic sync end to end (WorkOS emulator -> Kafka -> PostgreSQL) against a "
            + "plain COPY of the same rows and the WorkOS rate-limit floor, in one run.",
            "Always on an embedded broker and database in a temporary directory, removed afterwards: a "
                + "benchmark never writes into a real deployment."})
final class BenchCommand implements Callable<Integer> {

    /** WorkOS's documented general limit: 6,000 requests per 60 s; an Events API page holds at most 100. */
    private static final double WORKOS_REQUESTS_PER_SECOND = 6_000 / 60.0;
    private static final int EVENTS_PER_PAGE = 100;
    private static final double USER_REQUESTS_PER_SECOND = 4;
    private static final String SCAN_PACE = "SCIM_SYNC_SCAN_USER_REQUESTS_PER_SECOND";

    @Option(names = "--users", defaultValue = "20000", description = "directory users (default ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--groups", defaultValue = "200", description = "directory groups (default ${DEFAULT-VALUE})")
    int groups;

    @Option(names = "--memberships-per-user", defaultValue = "2",
            description = "groups each user belongs to (default ${DEFAULT-VALUE})")
    int membershipsPerUser;

    @Option(names = "--no-rate-limits", description = "turn the emulator's WorkOS rate limits off")
    boolean noRateLimits;

    @Option(names = "--verify", description = "then run the drift check of the organization and report its time "
            + "against WorkOS's floor for listing the users (4 requests/s per directory, 100 users a request)")
    boolean verify;

    @Option(names = "--resync", description = "then drop 1%% of the users in the emulator without events, resync the "
            + "organization and report the time until the database holds the directory again, against WorkOS's floor "
            + "for listing the users")
    boolean resync;

    @Option(names = "--provisioning", description = "then switch the organization to manual, change 1%% of the "
            + "manual members' emails to upper case, add 0.5%% manual members the directory does not have, and time "
            + "the switch back to scim (dry run and applied) against WorkOS's floor for listing the users")
    boolean provisioning;

    @Option(names = "--replay", description = "then replay every organization from the events topic and report its "
            + "events/s against reading the events topic with a plain consumer plus a COPY of the rows")
    boolean replay;

    @Option(names = "--lag", description = "then change users through the emulator's SCIM endpoint at each --rate for "
            + "--duration and report the sync lag percentiles of those changes (scim_sync_sync_lag_seconds histogram)")
    boolean lag;

    @Option(names = "--mappings", description = "then time a group sync moving every member to another seat tier "
            + "(against one SQL UPDATE of the same rows), and the access lag while membership changes flow at each "
            + "--rate for --duration with every group mapped")
    boolean mappingsBench;

    @Option(names = "--restart", defaultValue = "0", paramLabel = "N",
            description = "instead of the pipeline run: a zero-setup run in a JVM of its own, stopped cleanly N times "
                    + "and killed (kill -9) N times, each time started again on its data directory; reports when a "
                    + "user created at the start banner is in the database")
    int restarts;

    @Option(names = "--rate", split = ",", defaultValue = "50,1000,2000",
            description = "SCIM changes per second for --lag, one run per rate (default ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(names = "--duration", defaultValue = "PT30S",
            description = "how long each --lag rate runs (ISO-8601, default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--results-dir", defaultValue = "bench-results",
            description = "where the figures are written as JSON, one file per kind (default ${DEFAULT-VALUE})")
    Path resultsDir;

    @Option(names = "--timeout", defaultValue = "PT10M",
            description = "give up when the database is not complete by then (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Spec
    CommandSpec spec;

    /** The process environment; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BenchResults results = new BenchResults(out);
        if (restarts > 0) {
            results.parameter("restarts", restarts);
            new RestartBench(restarts, timeout, results, out).run();
            for (Path file : results.write(resultsDir)) {
                out.printf(Locale.ROOT, "figures written to %s%n", file);
            }
            out.flush();
            return ExitCodes.OK;
        }
        Path dataDir = Files.createTempDirectory("scim-sync-bench");
        String run = "bench" + System.currentTimeMillis();
        try (WorkosEmulator emulator = WorkosEmulator.start(EmulatorOptions.defaults()
                .withRateLimits(!noRateLimits))) {
            EmulatorAdminClient admin = new EmulatorAdminClient(emulator.baseUrl());
            CreatedDirectory directory = admin.createDirectory(admin.createOrganization("Bench Corp"), "Bench directory");
            SeedResult seed = admin.seed(directory.id(), users, groups, membershipsPerUser, true);
            int events = emulator.events().size();
            out.printf(Locale.ROOT, "seeded %,d users, %,d groups, %,d memberships (%,d events) in %.1f s%n",
                    seed.users(), seed.groups(), seed.memberships(), events, seed.millis() / 1000.0);
            out.flush();
            results.parameter("users", users).parameter("groups", groups)
                    .parameter("memberships_per_user", membershipsPerUser).parameter("rate_limits", !noRateLimits);
            if (lag || mappingsBench) {
                results.parameter("lag_rates", rates).parameter("lag_duration", duration.toString());
            }

            Map<String, String> env = new HashMap<>(environment);
            env.remove("SCIM_SYNC_KAFKA_BOOTSTRAP");
            env.remove("SCIM_SYNC_DB_URL");
            env.put("WORKOS_API_KEY", emulator.apiKey());
            env.put("WORKOS_API_BASE_URL", emulator.baseUrl());
            env.put("SCIM_SYNC_DATA_DIR", dataDir.toString());
            env.put("SCIM_SYNC_HTTP_PORT", "0");
            env.put("SCIM_SYNC_TOPIC_PREFIX", run + ".");
            env.put("SCIM_SYNC_PROCESSOR_APPLICATION_ID", run + "-processor");
            env.put("SCIM_SYNC_WRITER_GROUP_ID", run + "-writer");
            env.put("SCIM_SYNC_POLLER_TRANSACTIONAL_ID", run + "-poller");
            if (noRateLimits && !environment.containsKey(SCAN_PACE)) {
                // the scan's pace is WorkOS's limit: with the emulator's limits off, it would be the only one left
                env.put(SCAN_PACE, "10000");
                results.parameter(SCAN_PACE, "10000");
            }
            // the operator's tuning (intervals, batch sizes…) as the run used it: not what the bench replaced or
            // removed above (addresses, data directory, ids) and nothing that may hold a secret
            environment.entrySet().stream().filter(e -> e.getKey().startsWith("SCIM_SYNC_")
                    && e.getValue().equals(env.get(e.getKey()))
                    && !e.getKey().matches(".*(PASSWORD|TOKEN|KEY|SECRET|URL).*"))
                    .forEach(e -> results.parameter(e.getKey(), e.getValue()));

            long started = System.nanoTime();
            try (ScimSyncRuntime runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class))) {
                double startup = seconds(started);
                DataSource db = runtime.database().dataSource();
                double firstRow = -1;
                double polled = -1;
                long deadline = System.nanoTime() + timeout.toNanos();
                long[] expected = {seed.users(), seed.groups(), seed.memberships()};
                while (true) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the database did not hold the directory within " + timeout
                                + " (see the dead-letter topic and the log)");
                    }
                    if (polled < 0 && PollerMetrics.publishedTotal(runtime.registry()) >= events) {
                        polled = seconds(started);
                    }
                    long[] counts = statusCounts(db, directory.organizationId());
                    if (firstRow < 0 && counts[0] > 0) {
                        firstRow = seconds(started);
                    }
                    if (Arrays.equals(counts, expected)
                            && Arrays.equals(counts(db, directory.organizationId()), expected)) {
                        break;
                    }
                    if (runtime.failure() != null) {
                        throw new IllegalStateException("the pipeline failed: " + runtime.failure().getMessage());
                    }
                    Thread.sleep(50);
                }
                double synced = seconds(started);
                double pipeline = synced - startup;
                long rows = (long) seed.users() + seed.groups() + seed.memberships();
                double copy = copySameRows(db, directory.organizationId());
                double floor = Math.ceil(events / (double) EVENTS_PER_PAGE) / WORKOS_REQUESTS_PER_SECOND;

                out.printf(Locale.ROOT, "%nmachine: %s%n", MachineInfo.describe());
                String kind = "pipeline";
                results.seconds(kind, "startup", "start of all stages (embedded parts included)", startup);
                results.seconds(kind, "first_row", "start to first member in the database", firstRow);
                results.seconds(kind, "published", "stages up to every event published by the poller",
                        (polled < 0 ? synced : polled) - startup);
                results.millis(kind, "poll_page_mean", "  poller: mean Events API page (HTTP + parse)",
                        meanMillis(runtime, MetricNames.POLL_LATENCY));
                results.millis(kind, "publish_transaction_mean", "  poller: mean Kafka transaction (up to 10 pages)",
                        meanMillis(runtime, MetricNames.PUBLISH_LATENCY));
                results.count(kind, "events", "events", events);
                results.count(kind, "rows", "rows (members, groups, memberships)", rows);
                results.seconds(kind, "pipeline", "stages up to database equal to the directory", pipeline);
                results.rate(kind, "events_per_second", "  events per second, end to end", events / pipeline,
                        "events/s");
                results.rate(kind, "rows_per_second", "  rows per second, end to end", rows / pipeline, "rows/s");
                results.seconds(kind, "workos_floor", "WorkOS floor: reading the events at 6,000 req/min", floor);
                results.seconds(kind, "copy", "plain COPY of the same " + String.format(Locale.ROOT, "%,d", rows)
                        + " rows", copy);
                results.ratio(kind, "pipeline_over_copy", "pipeline / COPY", pipeline / copy);
                results.ratio(kind, "pipeline_over_workos_floor", "pipeline / WorkOS floor", pipeline / floor);
                long rss = residentMemoryBytes();
                if (rss > 0) {
                    results.rate(kind, "rss_mib", "resident memory (MiB): stages, emulator, broker",
                            rss / (1024.0 * 1024), "MiB");
                }
                if (verify) {
                    verify(runtime, directory.organizationId(), results);
                }
                if (resync) {
                    resync(runtime, admin, directory, seed, results);
                }
                if (provisioning) {
                    new ProvisioningBench(runtime, directory.organizationId(), users, timeout, results).run();
                }
                if (replay) {
                    replay(runtime, run + ".events", events, copy, results);
                }
                if (lag) {
                    new LagBench(runtime, emulator.baseUrl(), admin, directory, results).run(rates, duration);
                }
                if (mappingsBench) {
                    new MappingBench(runtime, admin, directory, results).run(
                            new LagBench(runtime, emulator.baseUrl(), admin, directory, results), rates, duration);
                }
            }
        } finally {
            deleteRecursively(dataDir);
        }
        for (Path file : results.write(resultsDir)) {
            out.printf(Locale.ROOT, "figures written to %s%n", file);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The drift check of the seeded organization, timed against the floor of listing its users. */
    private void verify(ScimSyncRuntime runtime, String organizationId, BenchResults results) throws Exception {
        long started = System.nanoTime();
        VerifyRun run = runtime.verifier().start(organizationId);
        while (run.running()) {
            Thread.sleep(50);
            run = runtime.verifier().run(organizationId, run.verifyId()).orElseThrow();
        }
        if (run.report() == null) {
            throw new IllegalStateException("drift check " + run.verifyId() + " failed: " + run.error());
        }
        double took = seconds(started);
        // one request per page of 100 users, the first at once, then at WorkOS's 4 per second
        double floor = (Math.ceil(users / (double) EVENTS_PER_PAGE) - 1) / USER_REQUESTS_PER_SECOND;
        String kind = "verify";
        results.seconds(kind, "drift_check", "drift check: scan WorkOS + compare with the database", took);
        results.count(kind, "workos_requests", "  WorkOS requests",
                ((Number) run.report().get("workos_requests")).longValue());
        results.text(kind, "result", "  result", Boolean.TRUE.equals(run.report().get("in_sync")) ? "in sync" : "DRIFT");
        results.seconds(kind, "workos_floor", "WorkOS floor: listing the users at 4 req/s", floor);
        results.ratio(kind, "drift_check_over_workos_floor", "drift check / WorkOS floor", took / floor);
    }

    /**
     * A replay of every organization (the database being healthy, it rewrites nothing), timed from the request to
     * completed, against a plain read_committed consumer reading the same events topic plus the COPY of the rows.
     */
    private void replay(ScimSyncRuntime runtime, String eventsTopic, int events, double copy, BenchResults results)
            throws Exception {
        long started = System.nanoTime();
        String id = runtime.replays().start(null, false).replayId();
        ReplayProgress progress = runtime.replays().progress(id).orElseThrow();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!progress.state().isFinal()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replay " + id + " did not end within " + timeout);
            }
            Thread.sleep(50);
            progress = runtime.replays().progress(id).orElseThrow();
        }
        if (progress.state() != ReplayState.COMPLETED) {
            throw new IllegalStateException("replay " + id + " failed: " + progress.error());
        }
        double took = seconds(started);
        double read = readTopic(runtime.infrastructure().kafkaBootstrap(), eventsTopic);
        String kind = "replay";
        results.seconds(kind, "replay", "replay of every organization: request to switched", took);
        results.count(kind, "events_replayed", "  events replayed", progress.eventsReplayed());
        results.rate(kind, "events_per_second", "  events per second", progress.eventsReplayed() / took, "events/s");
        results.seconds(kind, "topic_read", "plain consumer reading the events topic", read);
        results.seconds(kind, "copy", "COPY of the rows (pipeline run)", copy);
        results.ratio(kind, "replay_over_read_plus_copy", "replay / (topic read + COPY)", took / (read + copy));
        results.text(kind, "switch_changes", "  what the switch changed", String.valueOf(progress.changes()));
        results.text(kind, "stores", "  the replay processor's stores", String.valueOf(progress.stores()));
    }

    /** Seconds a plain read_committed consumer takes to read every record of {@code topic}. */
    private static double readTopic(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-read-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long started = System.nanoTime();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200));
            }
            return seconds(started);
        }
    }

    /** A resync after silent deletions, timed from the request to the database equal to the directory again. */
    private void resync(ScimSyncRuntime runtime, EmulatorAdminClient admin, CreatedDirectory directory, SeedResult seed,
                        BenchResults results) throws Exception {
        int dropped = Math.max(1, users / 100);
        admin.drop(directory.id(), dropped, false);
        DirectorySnapshot truth = admin.snapshot(directory.id());
        DataSource db = runtime.database().dataSource();
        long started = System.nanoTime();
        String id = runtime.resyncs().start(directory.organizationId(), "both", false, false).resyncId();
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] expected = {truth.users().size(), truth.groups().size(), truth.memberships().size()};
        while (true) {
            if (Arrays.equals(statusCounts(db, directory.organizationId()), expected)
                    && Arrays.equals(counts(db, directory.organizationId()), expected)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("resync " + id + " did not bring the database to the directory within "
                        + timeout + " (" + runtime.resyncs().progress(directory.organizationId()).orElse(null) + ")");
            }
            Thread.sleep(50);
        }
        double took = seconds(started);
        // the sweep may go on in steps after the database is equal (a pass over the memberships that finds nothing
        // more): the resync is over for its user (the CLI, the console) when its state says so
        while (!"completed".equals(resyncState(db, directory.organizationId(), id))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("resync " + id + " did not complete within " + timeout);
            }
            Thread.sleep(50);
        }
        double completed = seconds(started);
        double floor = (Math.ceil(users / (double) EVENTS_PER_PAGE) - 1) / USER_REQUESTS_PER_SECOND;
        String kind = "resync";
        results.count(kind, "silent_deletions", "users dropped in the emulator without events", dropped);
        results.seconds(kind, "resync", "resync after " + dropped + " silent deletions: request to DB equal", took);
        results.seconds(kind, "resync_completed", "  request to its state completed", completed);
        results.rate(kind, "members_per_second", "  directory members per second, end to end",
                truth.users().size() / took, "members/s");
        results.millis(kind, "longest_sweep_step", "  longest step of its sweep (the partition waited as long)",
                maxMillis(runtime, dev.scimsync.core.metrics.MetricNames.SWEEP_STEP));
        results.millis(kind, "resync_end", "  end marker to the sweep's end, steps and the records between",
                maxMillis(runtime, dev.scimsync.core.metrics.MetricNames.RESYNC_END));
        results.seconds(kind, "workos_floor", "WorkOS floor: listing the users at 4 req/s", floor);
        results.ratio(kind, "resync_over_workos_floor", "resync / WorkOS floor", took / floor);
        results.seconds(kind, "system_replaced", "  the system replaced (1 minute per 100 members)",
                seed.users() * 60.0 / 100);
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double meanMillis(ScimSyncRuntime runtime, String timer) {
        var found = runtime.registry().find(timer).timer();
        return found == null ? Double.NaN : found.mean(java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static double maxMillis(ScimSyncRuntime runtime, String timer) {
        var found = runtime.registry().find(timer).timer();
        return found == null ? Double.NaN : found.max(java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static String resyncState(DataSource db, String organizationId, String resyncId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT last_resync_state FROM sync_status WHERE organization_id = ? AND last_resync_id = ?")) {
            s.setString(1, organizationId);
            s.setString(2, resyncId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The organization's present members, groups and memberships as its {@code sync_status} row says (the writer
     * keeps them in the transaction that changes the rows): one row read. The waits poll these and count the rows
     * ({@link #counts}) only once they match: counting a million rows every 50 ms kept PostgreSQL busy on a core
     * the measured pipeline shares.
     */
    private static long[] statusCounts(DataSource db, String organizationId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT members, groups, memberships FROM sync_status WHERE organization_id = ?")) {
            s.setString(1, organizationId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[3];
            }
        }
    }

    /** The organization's present members, groups and memberships, counted. */
    private static long[] counts(DataSource db, String organizationId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT (SELECT count(*) FROM members WHERE organization_id = ? AND removed_at IS NULL),"
                        + " (SELECT count(*) FROM groups WHERE organization_id = ? AND removed_at IS NULL),"
                        + " (SELECT count(*) FROM group_memberships WHERE organization_id = ?)")) {
            s.setString(1, organizationId);
            s.setString(2, organizationId);
            s.setString(3, organizationId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    /**
     * Copies the organization's rows out, then times {@code COPY … FROM STDIN} of them into empty tables of
     * the same shape (indexes included, foreign keys not) in a scratch schema, in one transaction.
     */
    private static double copySameRows(DataSource db, String organizationId) throws Exception {
        try (Connection c = db.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            Map<String, byte[]> data = new HashMap<>();
            for (String table : new String[] {"members", "groups", "group_memberships"}) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                copy.copyOut("COPY (SELECT * FROM " + table + " WHERE organization_id = '"
                        + organizationId.replace("'", "''") + "') TO STDOUT", buffer);
                data.put(table, buffer.toByteArray());
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS scim_sync_bench_copy CASCADE");
                s.execute("CREATE SCHEMA scim_sync_bench_copy");
                for (String table : data.keySet()) {
                    s.execute("CREATE TABLE scim_sync_bench_copy." + table + " (LIKE " + table + " INCLUDING ALL)");
                }
            }
            try {
                c.setAutoCommit(false);
                long started = System.nanoTime();
                for (Map.Entry<String, byte[]> table : data.entrySet()) {
                    copy.copyIn("COPY scim_sync_bench_copy." + table.getKey() + " FROM STDIN",
                            new ByteArrayInputStream(table.getValue()));
                }
                c.commit();
                return seconds(started);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA scim_sync_bench_copy CASCADE");
                }
            }
        }
    }

    /** VmRSS of this process from /proc (Linux), or -1 where there is none. */
    private static long residentMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    private static double seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis() / 1000.0;
    }
}
