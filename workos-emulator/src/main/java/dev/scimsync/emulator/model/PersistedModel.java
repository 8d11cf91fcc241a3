package dev.scimsync.emulator.model;

import java.util.List;

/** The model's state as written to the persist file (events are stored separately). */
public record PersistedModel(List<Organization> organizations, List<PersistedDirectory> directories) {

    public record PersistedDirectory(Directory directory, int seedSequence, List<DirectoryUser> users,
                                     List<DirectoryGroup> groups, List<DirectorySnapshot.Membership> memberships) {
    }
}
