package dev.scimsync.processor.state;

import java.time.Instant;

import dev.scimsync.core.event.ResyncScope;

/**
 * A resync whose begin marker was applied and whose end marker has not come yet (value of the resyncs store).
 *
 * @param items    snapshot items of this resync applied so far (an item that went to the DLQ is not counted)
 * @param openedAt when this processor applied the begin marker (its wall clock: the age of an open resync)
 */
public record ActiveResync(String resyncId, String scope, boolean dryRun, boolean force, int maxRemovalPercent,
                           int maxRemovalCount, Instant scanStartedAt, long items, Instant openedAt) {

    boolean members() {
        return ResyncScope.parse(scope).members();
    }

    boolean groups() {
        return ResyncScope.parse(scope).groups();
    }

    ActiveResync withOneMoreItem() {
        return new ActiveResync(resyncId, scope, dryRun, force, maxRemovalPercent, maxRemovalCount, scanStartedAt,
                items + 1, openedAt);
    }
}
