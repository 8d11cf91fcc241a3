package dev.scimsync.emulator.model;

import java.time.Instant;

/** An immutable version of a directory group. Membership is held by the directory, not here. */
public record DirectoryGroup(String id, String directoryId, String organizationId, String idpId, String name,
                             Instant createdAt, Instant updatedAt) {

    DirectoryGroup renamed(String newName, Instant at) {
        return new DirectoryGroup(id, directoryId, organizationId, idpId, newName, createdAt, at);
    }
}
