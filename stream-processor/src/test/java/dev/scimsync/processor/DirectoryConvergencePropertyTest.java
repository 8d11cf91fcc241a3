package dev.scimsync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.scenario.DirectoryState;
import dev.scimsync.processor.scenario.EmulatorScenario;

/**
 * For random SCIM operations applied to the emulator, the emulator's events leave exactly the emulator's final
 * snapshot in the state topics and in the status, whether re-deliveries are caught by dedup or reach the version
 * rules (a dedup store that has forgotten them), and whether older events arrive after newer ones (even after the
 * dsync.deleted of their directory).
 */
class DirectoryConvergencePropertyTest {

    /** Dedup forgets at once: every re-delivery of an older event reaches the version rules. */
    private static final Map<String, String> FORGETFUL_DEDUP = Map.of("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT0.001S");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void shouldConvergeToTheEmulatorsSnapshot_WhenRedeliveriesBypassDedupAndOlderEventsArriveLate(long seed)
            throws Exception {
        try (EmulatorScenario scenario = new EmulatorScenario(seed, 3)) {
            // at least two directories are deleted (dsync.deleted) amid other events, so that the late feed
            // holds some of their events back past the delete
            scenario.randomOperations(60).reconnectDirectory(0).reconnectDirectory(1).randomOperations(40);
            Map<String, List<EventEnvelope>> events = scenario.eventsByOrganization();
            DirectoryState expected = scenario.expected();
            assertThat(expected.members()).isNotEmpty();
            assertThat(expected.memberships()).isNotEmpty();

            // exact re-deliveries of any organization, caught by dedup
            List<EventEnvelope> duplicated = EmulatorScenario.interleaveWithDuplicates(events, new Random(seed * 31),
                    0.15);
            Run caught = run("duplicates", seed, duplicated, Map.of());
            caught.assertConverged(expected, events.keySet());
            assertThat(caught.metrics.duplicate()).as("duplicates dropped by dedup").isPositive();

            // re-deliveries of older events past dedup, originals in WorkOS order: they change nothing, not even
            // the status, so every organization counts exactly the events it counted above
            EmulatorScenario.LateFeed replays = EmulatorScenario.interleaveWithLateEvents(events,
                    new Random(seed * 31 + 1), 0.25, 0, 1);
            Run replayed = run("replays", seed, replays.events(), FORGETFUL_DEDUP);
            replayed.assertConverged(expected, events.keySet());
            assertThat(replayed.metrics.stale()).as("re-deliveries judged by version").isGreaterThan(replays.replays() / 2);
            assertThat(replayed.appliedEvents()).isEqualTo(caught.appliedEvents());

            // and originals held back behind newer events of their organization, plus re-deliveries
            EmulatorScenario.LateFeed late = EmulatorScenario.interleaveWithLateEvents(events,
                    new Random(seed * 31 + 2), 0.2, 0.2, 8);
            Run reordered = run("late", seed, late.events(), FORGETFUL_DEDUP);
            reordered.assertConverged(expected, events.keySet());
            assertThat(late.delayed()).isPositive();
            assertThat(late.pastDirectoryDelete()).as("events first seen after their directory's dsync.deleted")
                    .isPositive();
            assertThat(reordered.metrics.stale()).isGreaterThan(late.replays() / 2);

            // the same, with each directory's removal going through three entities a step, the steps between the
            // feed's other events (one per status interval here): the same state
            Map<String, String> stepped = new java.util.HashMap<>(FORGETFUL_DEDUP);
            stepped.put("SCIM_SYNC_PROCESSOR_SWEEP_STEP", "3");
            Run inSteps = run("late, removals in steps", seed, late.events(), stepped);
            inSteps.assertConverged(expected, events.keySet());
            assertThat(inSteps.recordsAmidASweep()).as("records applied while a removal went on").isPositive();

            // the same feed through a replay's processor: at-least-once, stores on the heap (HeapStoreSupplier)
            stepped.put(ProcessorHarness.REPLAY_ON_HEAP, "true");
            Run onHeap = run("late, removals in steps, a replay's stores on the heap", seed, late.events(), stepped);
            onHeap.assertConverged(expected, events.keySet());
            assertThat(onHeap.recordsAmidASweep()).isPositive();
            assertThat(onHeap.appliedEvents()).isEqualTo(inSteps.appliedEvents());
        }
    }

    private Run run(String feed, long seed, List<EventEnvelope> events, Map<String, String> settings)
            throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        long started = System.nanoTime();
        try (ProcessorHarness processor = new ProcessorHarness(Files.createTempDirectory(tmp, "s"), settings,
                metrics)) {
            // the status is emitted once per interval: let intervals end after random runs of events, so that
            // organizations emit several statuses, each covering one or more applied events
            Random intervals = new Random(seed * 17 + events.size());
            int untilInterval = 1 + intervals.nextInt(12);
            List<SyncStatus> statuses = new ArrayList<>();
            int amidASweep = 0;
            for (EventEnvelope event : events) {
                if (processor.sweepsLeft() > 0) {
                    amidASweep++;
                }
                processor.send(event);
                if (--untilInterval == 0) {
                    statuses.addAll(processor.statuses());
                    untilInterval = 1 + intervals.nextInt(12);
                }
            }
            processor.drainSweeps();
            statuses.addAll(processor.statuses());
            System.out.printf("seed %d %s: %d events fed in %d ms: %d applied, %d stale, %d duplicate%n", seed, feed,
                    events.size(), (System.nanoTime() - started) / 1_000_000, metrics.applied(), metrics.stale(),
                    metrics.duplicate());
            return new Run(feed, seed, settings.containsKey("SCIM_SYNC_PROCESSOR_SWEEP_STEP"), DirectoryState.fromRecords(processor.memberState().values(),
                    processor.groupState().values(), processor.membershipState().values()), statuses,
                    new TreeMap<>(processor.statusState()), metrics, amidASweep);
        }
    }

    /** What one feed left: the compacted state topics, every status record in order, and the metrics. */
    private record Run(String feed, long seed, boolean sweepSteps, DirectoryState actual, List<SyncStatus> statusRecords,
                       Map<String, SyncStatus> status, CountingMetrics metrics, int recordsAmidASweep) {

        Map<String, Long> appliedEvents() {
            Map<String, Long> applied = new TreeMap<>();
            status.forEach((org, s) -> applied.put(org, s.appliedEvents()));
            return applied;
        }

        void assertConverged(DirectoryState expected, java.util.Set<String> organizations) {
            String as = "seed " + seed + " feed " + feed;
            assertThat(actual.members()).as("members, %s", as).isEqualTo(expected.members());
            assertThat(actual.groups()).as("groups, %s", as).isEqualTo(expected.groups());
            assertThat(actual.memberships()).as("memberships, %s", as).isEqualTo(expected.memberships());

            assertThat(status).as("status, %s", as).containsOnlyKeys(organizations);
            Map<String, List<Long>> counters = new LinkedHashMap<>();
            statusRecords.forEach(s -> counters.computeIfAbsent(s.organizationId(), o -> new ArrayList<>())
                    .add(s.appliedEvents()));
            status.forEach((org, s) -> {
                String prefix = org + "/";
                assertThat(s.members()).as("member count of %s, %s", org, as).isEqualTo(
                        expected.members().keySet().stream().filter(k -> k.startsWith(prefix)).count());
                assertThat(s.groups()).as("group count of %s, %s", org, as).isEqualTo(
                        expected.groups().keySet().stream().filter(k -> k.startsWith(prefix)).count());
                assertThat(s.memberships()).as("membership count of %s, %s", org, as).isEqualTo(
                        expected.memberships().stream().filter(k -> k.startsWith(prefix)).count());
                // at most one status record per interval, each counting every event applied until then: strictly
                // increasing (what the writer's guard needs), ending at the organization's applied events
                List<Long> counted = counters.get(org);
                assertThat(counted).as("appliedEvents of %s, %s", org, as).doesNotHaveDuplicates()
                        .isSorted().last().isEqualTo(s.appliedEvents());
            });
            long counted = status.values().stream().mapToLong(SyncStatus::appliedEvents).sum();
            if (sweepSteps) {
                // a removal's later steps that removed something count too (the status they move must be newer)
                assertThat(counted).as("applied events, %s", as).isGreaterThanOrEqualTo(metrics.applied());
            } else {
                assertThat(counted).as("applied events, %s", as).isEqualTo(metrics.applied());
            }
            assertThat((long) statusRecords.size()).as("status records, fewer than applied events, %s", as)
                    .isLessThan(metrics.applied());
        }
    }
}
