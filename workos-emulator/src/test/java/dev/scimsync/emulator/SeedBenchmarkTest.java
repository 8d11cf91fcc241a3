package dev.scimsync.emulator;

import dev.scimsync.emulator.model.SeedResult;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures seeding 100,000 users / 1,000 groups through the admin API and logs the time. No
 * timing assertion: a loaded CI machine must not fail the build.
 */
class SeedBenchmarkTest {

    private static final Logger LOG = LoggerFactory.getLogger(SeedBenchmarkTest.class);

    @Test
    void shouldSeedAHundredThousandUsers_WhenAskedForABenchmarkDirectory() {
        try (EmulatorFixture fixture = EmulatorFixture.start(EmulatorOptions.defaults())) {
            CreatedDirectory directory = fixture.newDirectory("Benchmark");

            long started = System.nanoTime();
            SeedResult result = fixture.admin().seed(directory.id(), 100_000, 1_000, 3, true);
            double seconds = (System.nanoTime() - started) / 1e9;

            LOG.info("Seeded {} users, {} groups, {} memberships with events in {} s (model {} ms)",
                    result.users(), result.groups(), result.memberships(), String.format("%.2f", seconds), result.millis());
            assertThat(result.users()).isEqualTo(100_000);
            assertThat(result.memberships()).isEqualTo(300_000);
            EmulatorFixture.Response last = fixture.get("/directory_users?directory=" + directory.id() + "&limit=100&order=asc&after="
                    + fixture.emulator().model().userSlice(directory.id(), 99_949, 1).get(0).id());
            assertThat(last.body().get("data")).hasSize(50);
        }
    }
}
