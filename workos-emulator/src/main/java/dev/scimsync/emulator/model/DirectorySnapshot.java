package dev.scimsync.emulator.model;

import java.time.Instant;
import java.util.List;

/**
 * The full current state of one directory, sorted by id: what a correct sync must end up with.
 * Deleted users are absent; users kept inactive have state {@code inactive}.
 */
public record DirectorySnapshot(String organizationId, String directoryId, List<User> users, List<Group> groups,
                                List<Membership> memberships) {

    public record User(String id, String email, String state, String firstName, String lastName,
                       Instant updatedAt) {
    }

    public record Group(String id, String name) {
    }

    public record Membership(String groupId, String userId) {
    }
}
