package dev.scimsync.emulator.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One change to the model's state as the journal records it. Mutations carry their results (ids,
 * timestamps, tokens), not the commands that produced them: replaying a change's mutations on the
 * state before it gives exactly the state after it, where running the command again would draw
 * new ids.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ModelMutation.OrganizationPut.class, name = "organization"),
        @JsonSubTypes.Type(value = ModelMutation.DirectoryPut.class, name = "directory"),
        @JsonSubTypes.Type(value = ModelMutation.DirectoryRemoved.class, name = "directory_removed"),
        @JsonSubTypes.Type(value = ModelMutation.UserPut.class, name = "user"),
        @JsonSubTypes.Type(value = ModelMutation.UserRemoved.class, name = "user_removed"),
        @JsonSubTypes.Type(value = ModelMutation.GroupPut.class, name = "group"),
        @JsonSubTypes.Type(value = ModelMutation.GroupRemoved.class, name = "group_removed"),
        @JsonSubTypes.Type(value = ModelMutation.MembershipAdded.class, name = "membership_added"),
        @JsonSubTypes.Type(value = ModelMutation.MembershipRemoved.class, name = "membership_removed"),
        @JsonSubTypes.Type(value = ModelMutation.SeedSequence.class, name = "seed_sequence")})
public sealed interface ModelMutation {

    record OrganizationPut(Organization organization) implements ModelMutation {
    }

    /** A new directory, empty. */
    record DirectoryPut(Directory directory) implements ModelMutation {
    }

    /** The directory with its users, groups and memberships. */
    record DirectoryRemoved(String directoryId) implements ModelMutation {
    }

    /** A user created or replaced by a new version. */
    record UserPut(DirectoryUser user) implements ModelMutation {
    }

    /** The user and their memberships. */
    record UserRemoved(String directoryId, String userId) implements ModelMutation {
    }

    record GroupPut(DirectoryGroup group) implements ModelMutation {
    }

    /** The group and its memberships. */
    record GroupRemoved(String directoryId, String groupId) implements ModelMutation {
    }

    record MembershipAdded(String directoryId, String groupId, String userId) implements ModelMutation {
    }

    record MembershipRemoved(String directoryId, String groupId, String userId) implements ModelMutation {
    }

    /** The directory's seed counter (the number in seeded users' emails) is now {@code value}. */
    record SeedSequence(String directoryId, int value) implements ModelMutation {
    }
}
