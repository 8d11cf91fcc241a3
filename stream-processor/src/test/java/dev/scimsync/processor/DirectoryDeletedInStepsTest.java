package dev.scimsync.processor;

import java.util.HashMap;
import java.util.Map;

import dev.scimsync.processor.fixtures.ProcessorHarness;

/**
 * Every case of {@link DirectoryDeletedTest} again with a directory's removal going through at most two entities a
 * step, each record followed by the punctuations that end it: the same outcome as in one step.
 */
class DirectoryDeletedInStepsTest extends DirectoryDeletedTest {

    @Override
    ProcessorHarness harness(Map<String, String> settings) {
        Map<String, String> stepped = new HashMap<>(settings);
        stepped.put("SCIM_SYNC_PROCESSOR_SWEEP_STEP", "2");
        return new ProcessorHarness(stateDir, stepped, metrics).drainingSweeps();
    }
}
