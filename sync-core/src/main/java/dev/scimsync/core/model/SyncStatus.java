package dev.scimsync.core.model;

import java.time.Instant;

/**
 * Per-organization progress of the stream processor: the value of the status topic (key: organization id).
 *
 * @param organizationId     never null
 * @param lastEventId        the last event applied; nullable before the first
 * @param lastEventCreatedAt its WorkOS {@code created_at}; nullable
 * @param lastAppliedAt      when the processor applied it; nullable
 * @param members            members present (not removed) in the processor's store
 * @param groups             groups present
 * @param memberships        memberships present
 * @param resyncId           the in-flight or last resync; nullable
 * @param resyncState        {@code running}, {@code completed}, {@code held} (safeguard) or null
 * @param appliedEvents      how many events the processor has applied for this organization: grows by one
 *                           per applied event, so it orders status records (WorkOS {@code created_at} and
 *                           event ids need not be monotonic across the stream)
 * @param countingSince      when the processor started counting {@code appliedEvents} for this organization:
 *                           a new application id or lost processor state starts a new count, which must not
 *                           look older than the last one; status records order by ({@code countingSince},
 *                           {@code appliedEvents}). Nullable in records written before it existed.
 * @param resyncOutcome      what the sweep of {@code resyncId} did or would do, once that resync ended; nullable
 * @param resyncChangedAt    when the processor applied the last change of {@code resyncState} (begin or end
 *                           marker); nullable
 * @param organizationName   the organization's name as the last event that carried one had it; nullable
 */
public record SyncStatus(
        String organizationId,
        String lastEventId,
        Instant lastEventCreatedAt,
        Instant lastAppliedAt,
        long members,
        long groups,
        long memberships,
        String resyncId,
        String resyncState,
        long appliedEvents,
        Instant countingSince,
        ResyncOutcome resyncOutcome,
        Instant resyncChangedAt,
        String organizationName) {

    /** A status without the organization's name. */
    public SyncStatus(String organizationId, String lastEventId, Instant lastEventCreatedAt, Instant lastAppliedAt,
                      long members, long groups, long memberships, String resyncId, String resyncState,
                      long appliedEvents, Instant countingSince, ResyncOutcome resyncOutcome, Instant resyncChangedAt) {
        this(organizationId, lastEventId, lastEventCreatedAt, lastAppliedAt, members, groups, memberships, resyncId,
                resyncState, appliedEvents, countingSince, resyncOutcome, resyncChangedAt, null);
    }

    /** A status without a resync outcome. */
    public SyncStatus(String organizationId, String lastEventId, Instant lastEventCreatedAt, Instant lastAppliedAt,
                      long members, long groups, long memberships, String resyncId, String resyncState,
                      long appliedEvents, Instant countingSince) {
        this(organizationId, lastEventId, lastEventCreatedAt, lastAppliedAt, members, groups, memberships, resyncId,
                resyncState, appliedEvents, countingSince, null, null, null);
    }
}
