package dev.scimsync.e2e.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.topic.Topics;
import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.Database;

/**
 * The stages deployed apart and scaled out, as the compose file runs them: two pollers (a leader and a standby), two
 * processors and two writers — each its own runtime, with its own data directory, in this JVM — on a real broker and
 * PostgreSQL, while SCIM changes flow for a dozen organizations. The leading poller, a processor and a writer are
 * stopped mid-stream and started again. The same backlog through one instance of each stage gives the throughput to
 * compare with (both printed; on a two-core machine with every instance, the broker and PostgreSQL sharing the cores,
 * expect no gain: the test proves the work is shared correctly, not that it is faster here).
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class ScaleOutIT {

    private static final int ORGANIZATIONS = 12;
    private static final int USERS = 600;
    private static final int WARM_UP_USERS = 150;
    private static final int GROUPS = 10;
    private static final int MEMBERSHIPS_PER_USER = 2;
    /** SCIM changes made before the stops, while stopped, and after the restarts. */
    private static final int CHANGES_PER_STEP = 150;
    private static final Duration CONVERGED_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepEveryOrganizationExact_WhenTwoInstancesOfEachStageShareTheWork_AndOneOfEachRestartsMidStream()
            throws Exception {
        // JIT, the broker's and PostgreSQL's first work: not to be counted against whichever runs first
        runScenario(1, WARM_UP_USERS, false);
        // the baseline: the same backlog through one instance of each stage (restarting one is PipelineEndToEndIT's)
        Throughput single = runScenario(1, USERS, false);
        Throughput scaledOut = runScenario(2, USERS, true);
        System.out.printf("scale-out: 1 instance of each stage:  %s%n", single);
        System.out.printf("scale-out: 2 instances of each stage: %s (%.2fx the events/s of one)%n", scaledOut,
                scaledOut.eventsPerSecond() / single.eventsPerSecond());
    }

    /**
     * Starts {@code instances} of each stage, drains a backlog of seeded directories (the throughput), then, with
     * {@code restarts}, makes SCIM changes while one poller (the leader), one processor and one writer stop and start
     * again, and checks the database against the directories and the record of applied versions.
     */
    private Throughput runScenario(int instances, int users, boolean restarts) throws Exception {
        String prefix = SharedKafka.uniquePrefix("scaleout" + instances);
        String schema = SharedPostgres.newSchema();
        List<StageInstance> pollers = new ArrayList<>();
        List<StageInstance> processors = new ArrayList<>();
        List<StageInstance> writers = new ArrayList<>();
        try (WorkosEmulator emulator = WorkosEmulator.start(EmulatorOptions.defaults().withRateLimits(false))) {
            EmulatorAdminClient idp = new EmulatorAdminClient(emulator.baseUrl());
            Map<String, String> env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                    emulator.baseUrl(), dataDir));
            env.put("SCIM_SYNC_PARTITIONS", "6");
            AppliedVersions applied = migrateWithAppliedVersions(schema);
            List<CreatedDirectory> directories = new ArrayList<>();
            for (int i = 0; i < ORGANIZATIONS; i++) {
                String name = "Org " + i;
                directories.add(idp.createDirectory(idp.createOrganization(name), name + " Okta"));
            }

            Path instanceDirs = dataDir.resolve(instances + "-of-each");
            for (int i = 1; i <= instances; i++) {
                writers.add(new StageInstance(Stage.WRITER, i, env, instanceDirs).start());
            }
            for (int i = 1; i <= instances; i++) {
                processors.add(new StageInstance(Stage.PROCESSOR, i, env, instanceDirs).start());
            }
            for (int i = 1; i <= instances; i++) {
                pollers.add(new StageInstance(Stage.POLLER, i, env, instanceDirs).start());
            }
            List<StageInstance> all = new ArrayList<>(writers);
            all.addAll(processors);
            all.addAll(pollers);
            awaitReady(all);

            // 1. a backlog: every directory seeded at once, through events, drained by the instances
            long started = System.nanoTime();
            for (CreatedDirectory directory : directories) {
                idp.seed(directory.id(), users, GROUPS, MEMBERSHIPS_PER_USER, true);
            }
            int backlog = emulator.events().size();
            Map<String, List<Long>> expectedCounts = new HashMap<>();
            for (CreatedDirectory directory : directories) {
                DirectorySnapshot snapshot = idp.snapshot(directory.id());
                expectedCounts.put(directory.organizationId(), List.of((long) snapshot.users().size(),
                        (long) snapshot.groups().size(), (long) snapshot.memberships().size()));
            }
            // when the pollers had published it all tells whether the processors and writers were the bound
            long[] publishedAt = {0};
            await("the backlog in the database").atMost(CONVERGED_WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (publishedAt[0] == 0 && pollers.stream().mapToDouble(StageInstance::work).sum() >= backlog) {
                            publishedAt[0] = System.nanoTime();
                        }
                        return counts(schema).equals(expectedCounts);
                    });
            long done = System.nanoTime();
            Throughput throughput = new Throughput(instances, backlog, Duration.ofNanos(done - started),
                    Duration.ofNanos((publishedAt[0] == 0 ? done : publishedAt[0]) - started));

            if (restarts) {
                changeWhileOneOfEachRestarts(new ScimTraffic(idp, directories), pollers, processors, writers);
            }
            assertConverged(idp, schema, directories, applied);
            Topics topics = new Topics(prefix);
            await("the writers' stored positions at the end of the state topics").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(WriterOffsets.unwritten(
                            SharedKafka.bootstrapServers(), schema, env.get("SCIM_SYNC_WRITER_GROUP_ID"),
                            List.of(topics.members().name(), topics.groups().name(), topics.memberships().name(),
                                    topics.status().name()))).isEmpty());
            for (StageInstance instance : all) {
                assertThat(instance.work()).as("work done by " + instance).isPositive();
            }
            return throughput;
        } finally {
            for (List<StageInstance> stage : List.of(pollers, processors, writers)) {
                stage.forEach(StageInstance::close);
            }
        }
    }

    /** SCIM changes flowing while the leading poller, a processor and a writer stop and come back. */
    private static void changeWhileOneOfEachRestarts(ScimTraffic changes, List<StageInstance> pollers,
                                                     List<StageInstance> processors, List<StageInstance> writers)
            throws Exception {
        try (ScimTraffic traffic = changes.start()) {
            awaitChanges(traffic, CHANGES_PER_STEP);
            StageInstance leader = pollers.stream().filter(StageInstance::leads).findFirst().orElseThrow();
            List<StageInstance> stopped = List.of(leader, processors.get(0), writers.get(0));
            stopped.forEach(StageInstance::stop);
            awaitChanges(traffic, traffic.changes() + CHANGES_PER_STEP);
            if (pollers.size() > 1) {
                await("a standby poller took over").atMost(Duration.ofSeconds(30))
                        .until(() -> pollers.stream().anyMatch(StageInstance::leads));
            }
            for (StageInstance instance : List.of(writers.get(0), processors.get(0), leader)) {
                instance.start();
            }
            awaitReady(stopped);
            awaitChanges(traffic, traffic.changes() + CHANGES_PER_STEP);
        }
    }

    /**
     * Every organization equal to its directory; every entity's applied versions strictly increasing, none twice
     * (a writer that restarts is re-delivered what it had not committed: its offsets, stored in the rows' transaction,
     * make it skip what it had).
     */
    private static void assertConverged(EmulatorAdminClient idp, String schema, List<CreatedDirectory> directories,
                                        AppliedVersions applied) throws Exception {
        for (CreatedDirectory directory : directories) {
            await(directory.organizationId() + " equal to its directory").atMost(CONVERGED_WITHIN)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> TestPipeline.assertDatabaseEquals(idp, schema, directory));
        }
        assertThat(applied.count()).as("versions applied: at least one per row").isGreaterThanOrEqualTo(applied.rows());
        assertThat(applied.outOfOrder()).as("changes applied after a newer change of the same entity").isEmpty();
        assertThat(applied.appliedTwice()).as("versions applied more than once").isEmpty();
    }

    private static AppliedVersions migrateWithAppliedVersions(String schema) throws Exception {
        try (Database database = Database.connect(SharedPostgres.jdbcUrl(schema), SharedPostgres.user(),
                SharedPostgres.password(), 2)) {
            database.migrate();
        }
        return AppliedVersions.install(schema);
    }

    private static void awaitReady(List<StageInstance> instances) {
        for (StageInstance instance : instances) {
            await(instance + " ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(instance::ready);
        }
    }

    private static void awaitChanges(ScimTraffic traffic, int atLeast) {
        await("SCIM changes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> traffic.changes() >= atLeast);
    }

    /** Per organization: present members, present groups, memberships. */
    private static Map<String, List<Long>> counts(String schema) throws Exception {
        Map<String, List<Long>> counts = new HashMap<>();
        Set<List<String>> rows = TestPipeline.rows(schema, "SELECT o.id, "
                + "(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.removed_at IS NULL), "
                + "(SELECT count(*) FROM groups g WHERE g.organization_id = o.id AND g.removed_at IS NULL), "
                + "(SELECT count(*) FROM group_memberships gm WHERE gm.organization_id = o.id) FROM organizations o");
        for (List<String> row : rows) {
            counts.put(row.get(0), List.of(Long.parseLong(row.get(1)), Long.parseLong(row.get(2)),
                    Long.parseLong(row.get(3))));
        }
        return counts;
    }

    private record Throughput(int instances, int events, Duration took, Duration published) {

        double eventsPerSecond() {
            return events / (took.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%,d events seeded into %d organizations in the database in %.1f s: %,.0f events/s "
                    + "(all published to Kafka after %.1f s)", events, ORGANIZATIONS, took.toMillis() / 1000.0,
                    eventsPerSecond(), published.toMillis() / 1000.0);
        }
    }
}
