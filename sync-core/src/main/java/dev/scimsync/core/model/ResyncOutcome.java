package dev.scimsync.core.model;

/**
 * What the sweep at the end of a resync did — or, held by the safeguard or in a dry run, would have done.
 *
 * @param scope          {@code members}, {@code groups} or {@code both}
 * @param dryRun         nothing was removed on purpose
 * @param members        members not in the snapshot (removed, or to be removed)
 * @param groups         groups not in the snapshot
 * @param memberships    memberships not in the snapshot
 * @param presentMembers members present before the sweep (the safeguard's base)
 * @param note           one line for people: what happened and why
 */
public record ResyncOutcome(String scope, boolean dryRun, long members, long groups, long memberships,
                            long presentMembers, String note) {
}
