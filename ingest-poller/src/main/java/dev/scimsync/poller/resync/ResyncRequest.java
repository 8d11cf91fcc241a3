package dev.scimsync.poller.resync;

import java.util.Objects;

import dev.scimsync.core.event.ResyncScope;

/**
 * A resync of one organization as asked for.
 *
 * @param dryRun            compute what the sweep would remove and report it; change nothing
 * @param force             sweep even beyond the safeguard
 * @param maxRemovalPercent the safeguard: hold the sweep when it would remove more than this share of the
 *                          organization's present members…
 * @param maxRemovalCount   …or more than this many members
 */
public record ResyncRequest(String organizationId, ResyncScope scope, boolean dryRun, boolean force,
                            int maxRemovalPercent, int maxRemovalCount) {

    public ResyncRequest {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(scope, "scope");
        if (maxRemovalPercent < 0 || maxRemovalPercent > 100 || maxRemovalCount < 0) {
            throw new IllegalArgumentException("safeguard limits out of range: " + maxRemovalPercent + "%, "
                    + maxRemovalCount);
        }
    }
}
