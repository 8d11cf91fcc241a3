package dev.scimsync.emulator.bench;

import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures SCIM changes per second with persistence on (1 and 4 clients) and logs them; the
 * emulator is a load generator and must not be what a benchmark measures. No timing assertion:
 * a loaded CI machine must not fail the build ({@link ScimLoadBenchmark} measures at length).
 */
class ScimThroughputBenchmarkTest {

    private static final Logger LOG = LoggerFactory.getLogger(ScimThroughputBenchmarkTest.class);

    @Test
    void shouldSustainScimChangesWithPersistence_WhenClientsChangeUsersAsFastAsAnswered(@TempDir Path dir)
            throws Exception {
        try (WorkosEmulator emulator = WorkosEmulator.start(EmulatorOptions.defaults().withRateLimits(false)
                .withPersistFile(dir.resolve("emulator.json")))) {
            ScimLoad load = ScimLoad.prepare(emulator.baseUrl(), 20_000);

            ScimLoad.Latency latency = load.latency(500, 500);
            ScimLoad.Throughput one = load.throughput(1, 3);
            ScimLoad.Throughput four = load.throughput(4, 3);

            LOG.info("With persistence: latency {}; {}; {}", latency, one, four);
            assertThat(four.changesPerSecond()).isPositive();
            assertThat(emulator.events().size()).isGreaterThan(20_000);
        }
    }
}
