package dev.scimsync.processor.state;

import java.time.Instant;

/** A resync whose begin marker was applied and whose end marker has not come yet (value of the resyncs store). */
public record ActiveResync(String resyncId, String scope, boolean dryRun, boolean force, int maxRemovalPercent,
                           int maxRemovalCount, Instant scanStartedAt) {

    boolean members() {
        return !scope.equals("groups");
    }

    boolean groups() {
        return !scope.equals("members");
    }
}
