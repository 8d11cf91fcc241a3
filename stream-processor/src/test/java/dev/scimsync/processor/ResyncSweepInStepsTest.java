package dev.scimsync.processor;

import java.nio.file.Path;
import java.util.Map;

import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;

/**
 * Every case of {@link ResyncSweepTest} again with sweeps of at most two entities a step, each record followed by the
 * punctuations that end its sweep: the stepped sweep ends as the one-step sweep did (same removals, counts, safeguard,
 * dry run, notes, forgotten marks).
 */
class ResyncSweepInStepsTest extends ResyncSweepTest {

    @Override
    ProcessorHarness harness(Path dir, CountingMetrics counting) {
        return new ProcessorHarness(dir, Map.of("SCIM_SYNC_PROCESSOR_SWEEP_STEP", "2"), counting).drainingSweeps();
    }
}
