package dev.scimsync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.scenario.DirectoryState;
import dev.scimsync.processor.scenario.EmulatorScenario;

/**
 * For random SCIM operations applied to the emulator, the emulator's events fed in any order that keeps each
 * organization's order, with random re-deliveries, leave exactly the emulator's final snapshot in the state topics.
 */
class DirectoryConvergencePropertyTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void shouldConvergeToTheEmulatorsSnapshot_ForAnyPerOrganizationOrderWithDuplicates(long seed) throws Exception {
        try (EmulatorScenario scenario = new EmulatorScenario(seed, 3)) {
            scenario.randomOperations(100);
            Map<String, List<EventEnvelope>> events = scenario.eventsByOrganization();
            DirectoryState expected = scenario.expected();
            int total = scenario.totalEvents(events);
            assertThat(expected.members()).isNotEmpty();
            assertThat(expected.memberships()).isNotEmpty();

            for (int feed = 0; feed < 2; feed++) {
                Random random = new Random(seed * 31 + feed);
                List<EventEnvelope> interleaved = EmulatorScenario.interleaveWithDuplicates(events, random, 0.15);
                long started = System.nanoTime();
                try (ProcessorHarness processor = new ProcessorHarness(Files.createTempDirectory(tmp, "s"))) {
                    interleaved.forEach(processor::send);
                    System.out.printf("seed %d feed %d: %d events (%d fed with re-deliveries) in %d ms; expected %d"
                                    + " members, %d groups, %d memberships%n", seed, feed, total, interleaved.size(),
                            (System.nanoTime() - started) / 1_000_000, expected.members().size(),
                            expected.groups().size(), expected.memberships().size());

                    DirectoryState actual = DirectoryState.fromRecords(processor.memberState().values(),
                            processor.groupState().values(), processor.membershipState().values());
                    assertThat(actual.members()).as("members, seed %d feed %d", seed, feed)
                            .isEqualTo(expected.members());
                    assertThat(actual.groups()).as("groups, seed %d feed %d", seed, feed).isEqualTo(expected.groups());
                    assertThat(actual.memberships()).as("memberships, seed %d feed %d", seed, feed)
                            .isEqualTo(expected.memberships());
                    processor.statusState().forEach((org, status) -> {
                        assertThat(status.members()).as("member count of %s", org).isEqualTo(
                                expected.members().keySet().stream().filter(k -> k.startsWith(org + "/")).count());
                        assertThat(status.memberships()).as("membership count of %s", org).isEqualTo(
                                expected.memberships().stream().filter(k -> k.startsWith(org + "/")).count());
                    });
                }
            }
        }
    }
}
