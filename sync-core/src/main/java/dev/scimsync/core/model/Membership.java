package dev.scimsync.core.model;

import java.time.Instant;

/**
 * A member's membership of a group: the value of the memberships state topic (key
 * {@link EntityKeys#membership}). Ordered by event, not by the user's {@code updated_at}.
 *
 * @param organizationId   never null
 * @param directoryGroupId never null
 * @param directoryUserId  never null
 * @param directoryId      nullable
 * @param version          never null
 * @param eventCreatedAt   never null
 * @param removed          true when the membership ended (user removed, user or group deleted)
 */
public record Membership(
        String organizationId,
        String directoryGroupId,
        String directoryUserId,
        String directoryId,
        Version version,
        Instant eventCreatedAt,
        boolean removed) {

    public String key() {
        return EntityKeys.membership(organizationId, directoryGroupId, directoryUserId);
    }
}
