package dev.scimsync.writer.query;

import java.time.Instant;

/**
 * One organization in a list, with the counts of present members, groups and memberships.
 *
 * @param name             nullable (set by the admin, not by sync)
 * @param lastEventCreatedAt WorkOS created_at of the last event the processor applied; nullable
 */
public record OrganizationSummary(String id, String name, String provisioningMode, long members, long groups,
                                  long memberships, Instant lastEventCreatedAt) {
}
