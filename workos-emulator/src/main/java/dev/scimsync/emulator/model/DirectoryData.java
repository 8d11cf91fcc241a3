package dev.scimsync.emulator.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The mutable state of one directory: users and groups by id (sorted, for cursor paging) and
 * memberships indexed both ways. Every change is reported to the recorder, for the journal. Not
 * thread-safe; {@link EmulatorModel} holds the lock.
 */
final class DirectoryData {

    private Directory directory;
    private final TreeMap<String, DirectoryUser> users = new TreeMap<>();
    private final TreeMap<String, DirectoryGroup> groups = new TreeMap<>();
    // SCIM userName is unique per directory, case-insensitively (RFC 7643 §4.1.1)
    private final Map<String, String> userIdByUserName = new HashMap<>();
    private final Map<String, NavigableSet<String>> membersByGroup = new HashMap<>();
    private final Map<String, NavigableSet<String>> groupsByUser = new HashMap<>();
    private final MutationRecorder recorder;
    private int seedSequence;

    DirectoryData(Directory directory, MutationRecorder recorder) {
        this.directory = directory;
        this.recorder = recorder;
    }

    Directory directory() {
        return directory;
    }

    String id() {
        return directory.id();
    }

    String organizationId() {
        return directory.organizationId();
    }

    TreeMap<String, DirectoryUser> users() {
        return users;
    }

    TreeMap<String, DirectoryGroup> groups() {
        return groups;
    }

    DirectoryUser user(String userId) {
        DirectoryUser user = users.get(userId);
        if (user == null) {
            throw ModelException.notFound("Directory user", userId);
        }
        return user;
    }

    DirectoryGroup group(String groupId) {
        DirectoryGroup group = groups.get(groupId);
        if (group == null) {
            throw ModelException.notFound("Directory group", groupId);
        }
        return group;
    }

    Optional<DirectoryUser> userByUserName(String userName) {
        String id = userIdByUserName.get(key(userName));
        return Optional.ofNullable(id).map(users::get);
    }

    /** Throws a conflict when another user of this directory already has {@code userName}. */
    void requireUserNameFree(String userName, String exceptUserId) {
        String holder = userIdByUserName.get(key(userName));
        if (holder != null && !holder.equals(exceptUserId)) {
            throw ModelException.conflict("userName '" + userName + "' is already in use in directory " + id());
        }
    }

    void putUser(DirectoryUser user) {
        DirectoryUser previous = users.put(user.id(), user);
        if (previous != null) {
            userIdByUserName.remove(key(previous.attributes().userName()));
        }
        userIdByUserName.put(key(user.attributes().userName()), user.id());
        recorder.record(new ModelMutation.UserPut(user));
    }

    /** Removes the user and their memberships. */
    DirectoryUser removeUser(String userId) {
        DirectoryUser removed = user(userId);
        users.remove(userId);
        userIdByUserName.remove(key(removed.attributes().userName()));
        NavigableSet<String> memberOf = groupsByUser.remove(userId);
        if (memberOf != null) {
            memberOf.forEach(groupId -> membersByGroup.get(groupId).remove(userId));
        }
        recorder.record(new ModelMutation.UserRemoved(id(), userId));
        return removed;
    }

    void putGroup(DirectoryGroup group) {
        groups.put(group.id(), group);
        recorder.record(new ModelMutation.GroupPut(group));
    }

    /** Removes the group and its memberships. */
    DirectoryGroup removeGroup(String groupId) {
        DirectoryGroup removed = group(groupId);
        groups.remove(groupId);
        NavigableSet<String> members = membersByGroup.remove(groupId);
        if (members != null) {
            members.forEach(userId -> groupsByUser.get(userId).remove(groupId));
        }
        recorder.record(new ModelMutation.GroupRemoved(id(), groupId));
        return removed;
    }

    /** @return false when the user already was a member */
    boolean addMember(String groupId, String userId) {
        boolean added = membersByGroup.computeIfAbsent(groupId, g -> new TreeSet<>()).add(userId);
        if (added) {
            groupsByUser.computeIfAbsent(userId, u -> new TreeSet<>()).add(groupId);
            recorder.record(new ModelMutation.MembershipAdded(id(), groupId, userId));
        }
        return added;
    }

    /** @return false when the user was not a member */
    boolean removeMember(String groupId, String userId) {
        NavigableSet<String> members = membersByGroup.get(groupId);
        if (members == null || !members.remove(userId)) {
            return false;
        }
        groupsByUser.get(userId).remove(groupId);
        recorder.record(new ModelMutation.MembershipRemoved(id(), groupId, userId));
        return true;
    }

    NavigableSet<String> members(String groupId) {
        return Collections.unmodifiableNavigableSet(membersByGroup.getOrDefault(groupId, new TreeSet<>()));
    }

    NavigableSet<String> groupsOf(String userId) {
        return Collections.unmodifiableNavigableSet(groupsByUser.getOrDefault(userId, new TreeSet<>()));
    }

    int nextSeedSequence() {
        recorder.seedSequence(id(), ++seedSequence);
        return seedSequence;
    }

    int seedSequence() {
        return seedSequence;
    }

    void restoreSeedSequence(int value) {
        seedSequence = value;
    }

    private static String key(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }
}
