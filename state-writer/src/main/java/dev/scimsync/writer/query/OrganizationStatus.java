package dev.scimsync.writer.query;

import java.time.Instant;

/**
 * The sync status of one organization as the database has it. Counts without the {@code processor} prefix
 * are the database's own (present rows); {@code processor*} are the stream processor's, from the status
 * topic (nullable until it reported). Every other field is nullable. {@code lastResyncRemoved} and
 * {@code lastResyncNote} are the last resync's sweep: members removed (or, held or dry run, to be removed).
 */
public record OrganizationStatus(String id, String name, String provisioningMode, Long primaryOwnerMemberId,
                                 Integer maxRemovalPercent, Integer maxRemovalCount, long members, long groups,
                                 long memberships, Long processorMembers, Long processorGroups,
                                 Long processorMemberships, String lastEventId, Instant lastEventCreatedAt,
                                 Instant lastAppliedAt, String lastResyncId, String lastResyncState,
                                 Instant lastResyncAt, String lastResyncScope, Boolean lastResyncDryRun,
                                 Long lastResyncRemoved, String lastResyncNote) {
}
