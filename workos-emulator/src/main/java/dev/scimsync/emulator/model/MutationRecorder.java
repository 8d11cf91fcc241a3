package dev.scimsync.emulator.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the mutations of the change in progress, under the model lock, for the journal.
 * Outside a recorded change (no journal, restore, replay) it records nothing.
 */
final class MutationRecorder {

    private List<ModelMutation> current;
    // seeding 100,000 users moves the counter 100,000 times; only its last value matters
    private final Map<String, Integer> seedSequences = new LinkedHashMap<>();

    void begin() {
        current = new ArrayList<>();
        seedSequences.clear();
    }

    void record(ModelMutation mutation) {
        if (current != null) {
            current.add(mutation);
        }
    }

    void seedSequence(String directoryId, int value) {
        if (current != null) {
            seedSequences.put(directoryId, value);
        }
    }

    /** The change's mutations in the order they were made; empty when nothing was being recorded. */
    List<ModelMutation> end() {
        if (current == null) {
            return List.of();
        }
        List<ModelMutation> mutations = current;
        seedSequences.forEach((directoryId, value) -> mutations.add(new ModelMutation.SeedSequence(directoryId, value)));
        current = null;
        seedSequences.clear();
        return mutations;
    }
}
