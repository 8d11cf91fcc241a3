package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdPrefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates users, groups and memberships in bulk, directly in the directory's maps: one
 * timestamp for the whole batch and no per-object validation beyond userName uniqueness, which
 * is what makes 100,000 users take about a second.
 */
final class Seeder {

    private final ModelState state;

    Seeder(ModelState state) {
        this.state = state;
    }

    SeedResult seed(String directoryId, SeedRequest request) {
        long started = System.nanoTime();
        DirectoryData directory = state.directory(directoryId);
        Instant now = state.now();
        List<DirectoryUser> users = createUsers(directory, request, now);
        List<DirectoryGroup> groups = createGroups(directory, request, now);
        List<DirectoryGroup> targets = groups.isEmpty() ? new ArrayList<>(directory.groups().values()) : groups;
        int memberships = addMemberships(directory, users, targets, request);
        return new SeedResult(users.size(), groups.size(), memberships, (System.nanoTime() - started) / 1_000_000);
    }

    /** Removes the {@code count} oldest users and their memberships; returns their ids. */
    List<String> drop(String directoryId, int count, boolean emitEvents) {
        DirectoryData directory = state.directory(directoryId);
        List<String> ids = new ArrayList<>(directory.users().keySet()).subList(0,
                Math.min(Math.max(count, 0), directory.users().size()));
        List<String> dropped = new ArrayList<>(ids);
        for (String id : dropped) {
            DirectoryUser removed = directory.removeUser(id);
            if (emitEvents) {
                state.emit(directory, new ModelChange.UserChange(EventTypes.USER_DELETED, removed));
            }
        }
        return dropped;
    }

    private List<DirectoryUser> createUsers(DirectoryData directory, SeedRequest request, Instant now) {
        List<DirectoryUser> users = new ArrayList<>(request.users());
        while (users.size() < request.users()) {
            int n = directory.nextSeedSequence();
            String email = String.format("user%06d@%s.example.com", n, domainLabel(directory));
            if (directory.userByUserName(email).isPresent()) {
                continue;
            }
            UserAttributes attributes = new UserAttributes("seed-" + n, email, "User", String.format("%06d", n),
                    List.of(UserEmail.primaryWork(email)), true);
            DirectoryUser user = new DirectoryUser(state.newId(IdPrefix.DIRECTORY_USER), directory.id(),
                    directory.organizationId(), attributes, now, now);
            directory.putUser(user);
            users.add(user);
            if (request.emitEvents()) {
                state.emit(directory, new ModelChange.UserChange(EventTypes.USER_CREATED, user));
            }
        }
        return users;
    }

    private List<DirectoryGroup> createGroups(DirectoryData directory, SeedRequest request, Instant now) {
        List<DirectoryGroup> groups = new ArrayList<>(request.groups());
        int base = directory.groups().size();
        for (int i = 1; i <= request.groups(); i++) {
            String id = state.newId(IdPrefix.DIRECTORY_GROUP);
            DirectoryGroup group = new DirectoryGroup(id, directory.id(), directory.organizationId(),
                    "seed-group-" + (base + i), String.format("Group %04d", base + i), now, now);
            directory.putGroup(group);
            groups.add(group);
            if (request.emitEvents()) {
                state.emit(directory, new ModelChange.GroupChange(EventTypes.GROUP_CREATED, group));
            }
        }
        return groups;
    }

    /** Spreads each user over distinct groups, round-robin, so group sizes come out even. */
    private int addMemberships(DirectoryData directory, List<DirectoryUser> users, List<DirectoryGroup> groups,
                               SeedRequest request) {
        if (groups.isEmpty()) {
            return 0;
        }
        int perUser = Math.min(request.membershipsPerUser(), groups.size());
        int stride = Math.max(1, groups.size() / Math.max(perUser, 1));
        int created = 0;
        for (int u = 0; u < users.size(); u++) {
            DirectoryUser user = users.get(u);
            for (int k = 0; k < perUser; k++) {
                DirectoryGroup group = groups.get((u + k * stride) % groups.size());
                if (directory.addMember(group.id(), user.id())) {
                    created++;
                    if (request.emitEvents()) {
                        state.emit(directory, new ModelChange.MembershipChange(EventTypes.GROUP_USER_ADDED,
                                user, group));
                    }
                }
            }
        }
        return created;
    }

    private static String domainLabel(DirectoryData directory) {
        String id = directory.id();
        return "d" + id.substring(id.length() - 8).toLowerCase();
    }
}
