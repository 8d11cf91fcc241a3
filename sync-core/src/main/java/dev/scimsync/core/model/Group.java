package dev.scimsync.core.model;

import java.time.Instant;

/**
 * A directory group: the value of the groups state topic (key {@link EntityKeys#group}).
 *
 * @param organizationId   never null
 * @param directoryGroupId WorkOS directory group id ({@code directory_group_…}); never null
 * @param directoryId      nullable on a removal known only by id
 * @param idpId            nullable
 * @param name             nullable on removal
 * @param version          never null
 * @param eventCreatedAt   {@code created_at} of the event that produced this state; never null
 * @param removed          true when the group left the directory
 */
public record Group(
        String organizationId,
        String directoryGroupId,
        String directoryId,
        String idpId,
        String name,
        Version version,
        Instant eventCreatedAt,
        boolean removed) {

    public String key() {
        return EntityKeys.group(organizationId, directoryGroupId);
    }

    public Group asRemoved(Version removalVersion, Instant removalEventCreatedAt) {
        return new Group(organizationId, directoryGroupId, directoryId, idpId, name, removalVersion,
                removalEventCreatedAt, true);
    }
}
