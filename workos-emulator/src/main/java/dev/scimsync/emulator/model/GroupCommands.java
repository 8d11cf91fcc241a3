package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdPrefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Directory group changes. Membership changes emit one event per member actually added or
 * removed and never touch the user's or the group's {@code updated_at}.
 */
final class GroupCommands {

    private final ModelState state;

    GroupCommands(ModelState state) {
        this.state = state;
    }

    DirectoryGroup create(String directoryId, String idpId, String name, Collection<String> memberIds) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryCommands.requireText(name, "displayName");
        requireUsers(directory, memberIds);
        Instant now = state.now();
        DirectoryGroup group = new DirectoryGroup(state.newId(IdPrefix.DIRECTORY_GROUP), directory.id(),
                directory.organizationId(), idpId == null ? UUID.randomUUID().toString() : idpId, name, now, now);
        directory.putGroup(group);
        state.emit(directory, new ModelChange.GroupChange(EventTypes.GROUP_CREATED, group));
        addMembers(directory, group, memberIds);
        return group;
    }

    DirectoryGroup rename(String directoryId, String groupId, String name) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryCommands.requireText(name, "displayName");
        DirectoryGroup before = directory.group(groupId);
        if (before.name().equals(name)) {
            return before;
        }
        DirectoryGroup after = before.renamed(name, state.bumped(before.updatedAt()));
        directory.putGroup(after);
        state.emit(directory, new ModelChange.GroupUpdated(before, after));
        return after;
    }

    void addMembers(String directoryId, String groupId, Collection<String> userIds) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryGroup group = directory.group(groupId);
        requireUsers(directory, userIds);
        addMembers(directory, group, userIds);
    }

    /** Ids that are not members (or not users) are ignored, as SCIM remove is idempotent. */
    void removeMembers(String directoryId, String groupId, Collection<String> userIds) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryGroup group = directory.group(groupId);
        for (String userId : new LinkedHashSet<>(userIds)) {
            if (directory.removeMember(groupId, userId)) {
                state.emit(directory, new ModelChange.MembershipChange(EventTypes.GROUP_USER_REMOVED,
                        directory.user(userId), group));
            }
        }
    }

    /** Makes the members exactly {@code userIds}: removals first, then additions. */
    void replaceMembers(String directoryId, String groupId, Collection<String> userIds) {
        DirectoryData directory = state.directory(directoryId);
        directory.group(groupId);
        requireUsers(directory, userIds);
        Set<String> wanted = new LinkedHashSet<>(userIds);
        List<String> leaving = new ArrayList<>();
        for (String member : directory.members(groupId)) {
            if (!wanted.contains(member)) {
                leaving.add(member);
            }
        }
        removeMembers(directoryId, groupId, leaving);
        addMembers(directory, directory.group(groupId), wanted);
    }

    /** Like WorkOS: only {@code dsync.group.deleted}; the memberships disappear silently. */
    void delete(String directoryId, String groupId) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryGroup removed = directory.removeGroup(groupId);
        state.emit(directory, new ModelChange.GroupChange(EventTypes.GROUP_DELETED, removed));
    }

    private void addMembers(DirectoryData directory, DirectoryGroup group, Collection<String> userIds) {
        for (String userId : new LinkedHashSet<>(userIds)) {
            if (directory.addMember(group.id(), userId)) {
                state.emit(directory, new ModelChange.MembershipChange(EventTypes.GROUP_USER_ADDED,
                        directory.user(userId), group));
            }
        }
    }

    // validated up front so a request naming an unknown user changes nothing
    private static void requireUsers(DirectoryData directory, Collection<String> userIds) {
        for (String userId : userIds) {
            if (!directory.users().containsKey(userId)) {
                throw ModelException.invalid("member '" + userId + "' is not a user of directory " + directory.id());
            }
        }
    }
}
