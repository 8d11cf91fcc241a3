package dev.scimsync.emulator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/** Read-only views of the model for the WorkOS API, SCIM and the admin API. */
final class ModelQueries {

    private final ModelState state;

    ModelQueries(ModelState state) {
        this.state = state;
    }

    Page<Directory> directories(String organizationId, PageRequest request) {
        NavigableSet<String> ids = new TreeSet<>();
        state.directories.values().stream()
                .filter(d -> organizationId == null || d.organizationId().equals(organizationId))
                .forEach(d -> ids.add(d.id()));
        return Page.of(ids, request, id -> state.directories.get(id).directory());
    }

    /** Unknown directories and groups give an empty list, not an error, like WorkOS's list filters. */
    Page<DirectoryUserView> users(String directoryId, String groupId, String email, String idpId,
                                  PageRequest request) {
        Optional<DirectoryData> directory = groupId != null ? directoryOfGroup(groupId)
                : Optional.ofNullable(state.directories.get(directoryId));
        if (directory.isEmpty() || (directoryId != null && !directory.get().id().equals(directoryId))) {
            return new Page<>(List.of(), null, null);
        }
        DirectoryData d = directory.get();
        NavigableSet<String> ids = groupId != null ? d.members(groupId) : d.users().navigableKeySet();
        if (email != null || idpId != null) {
            // rare lookups: a scan is fine, the unfiltered listing stays O(limit · log n)
            NavigableSet<String> matching = new TreeSet<>();
            ids.stream().map(d.users()::get)
                    .filter(u -> email == null || u.email().equalsIgnoreCase(email))
                    .filter(u -> idpId == null || idpId.equals(u.attributes().idpId()))
                    .forEach(u -> matching.add(u.id()));
            ids = matching;
        }
        return Page.of(ids, request, id -> view(d, d.users().get(id)));
    }

    Page<DirectoryGroup> groups(String directoryId, String userId, PageRequest request) {
        Optional<DirectoryData> directory = userId != null ? directoryOfUser(userId)
                : Optional.ofNullable(state.directories.get(directoryId));
        if (directory.isEmpty() || (directoryId != null && !directory.get().id().equals(directoryId))) {
            return new Page<>(List.of(), null, null);
        }
        DirectoryData d = directory.get();
        NavigableSet<String> ids = userId != null ? d.groupsOf(userId) : d.groups().navigableKeySet();
        return Page.of(ids, request, d.groups()::get);
    }

    Optional<DirectoryUserView> user(String userId) {
        return directoryOfUser(userId).map(d -> view(d, d.users().get(userId)));
    }

    Optional<DirectoryGroup> group(String groupId) {
        return directoryOfGroup(groupId).map(d -> d.groups().get(groupId));
    }

    /** The users at positions {@code [offset, offset + count)} in id order (SCIM startIndex paging). */
    List<DirectoryUser> userSlice(String directoryId, int offset, int count) {
        return slice(state.directory(directoryId).users().values(), offset, count);
    }

    List<DirectoryGroup> groupSlice(String directoryId, int offset, int count) {
        return slice(state.directory(directoryId).groups().values(), offset, count);
    }

    List<String> memberIds(String directoryId, String groupId) {
        DirectoryData directory = state.directory(directoryId);
        directory.group(groupId);
        return new ArrayList<>(directory.members(groupId));
    }

    DirectorySnapshot snapshot(String directoryId) {
        DirectoryData d = state.directory(directoryId);
        List<DirectorySnapshot.User> users = new ArrayList<>(d.users().size());
        d.users().values().forEach(u -> users.add(new DirectorySnapshot.User(u.id(), u.email(),
                u.state().wireValue(), u.attributes().firstName(), u.attributes().lastName(), u.updatedAt())));
        List<DirectorySnapshot.Group> groups = new ArrayList<>(d.groups().size());
        List<DirectorySnapshot.Membership> memberships = new ArrayList<>();
        for (DirectoryGroup g : d.groups().values()) {
            groups.add(new DirectorySnapshot.Group(g.id(), g.name()));
            d.members(g.id()).forEach(userId -> memberships.add(new DirectorySnapshot.Membership(g.id(), userId)));
        }
        return new DirectorySnapshot(d.organizationId(), d.id(), users, groups, memberships);
    }

    private DirectoryUserView view(DirectoryData d, DirectoryUser user) {
        List<DirectoryGroup> groups = new ArrayList<>();
        d.groupsOf(user.id()).forEach(groupId -> groups.add(d.groups().get(groupId)));
        return new DirectoryUserView(user, Collections.unmodifiableList(groups));
    }

    // few directories exist, so finding an entity's directory by asking each is cheap
    private Optional<DirectoryData> directoryOfUser(String userId) {
        return state.directories.values().stream().filter(d -> d.users().containsKey(userId)).findFirst();
    }

    private Optional<DirectoryData> directoryOfGroup(String groupId) {
        return state.directories.values().stream().filter(d -> d.groups().containsKey(groupId)).findFirst();
    }

    private static <T> List<T> slice(Iterable<T> values, int offset, int count) {
        List<T> out = new ArrayList<>(Math.max(0, Math.min(count, 1000)));
        int position = 0;
        for (T value : values) {
            if (out.size() >= count) {
                break;
            }
            if (position++ >= offset) {
                out.add(value);
            }
        }
        return out;
    }
}
