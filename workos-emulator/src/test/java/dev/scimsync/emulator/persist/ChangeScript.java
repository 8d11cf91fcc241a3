package dev.scimsync.emulator.persist;

import dev.scimsync.emulator.model.Directory;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.DirectoryUser;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.SeedRequest;
import dev.scimsync.emulator.model.UserAttributes;
import dev.scimsync.emulator.model.UserEmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every kind of change the model makes, at random but reproducibly: users, groups, memberships,
 * seeds with and without events, drops, directories created and deleted.
 */
final class ChangeScript {

    private final EmulatorModel model;
    private final Random random;
    private final List<String> directories = new ArrayList<>();
    private String organizationId;
    private int sequence;

    ChangeScript(EmulatorModel model, long seed) {
        this.model = model;
        this.random = new Random(seed);
    }

    void run(int changes) {
        if (organizationId == null) {
            organizationId = model.createOrganization("Script Inc").id();
            newDirectory();
            newDirectory();
        }
        for (int i = 0; i < changes; i++) {
            change();
        }
    }

    private void change() {
        String directory = directories.get(random.nextInt(directories.size()));
        List<DirectoryUser> users = model.userSlice(directory, 0, Integer.MAX_VALUE);
        List<DirectoryGroup> groups = model.groupSlice(directory, 0, Integer.MAX_VALUE);
        int pick = random.nextInt(100);
        if (pick < 2) {
            model.seed(directory, new SeedRequest(5, 1, 1, random.nextBoolean()));
        } else if (pick < 3 && !users.isEmpty()) {
            model.drop(directory, 1, random.nextBoolean());
        } else if (pick < 4 && directories.size() > 1) {
            model.deleteDirectory(directory);
            directories.remove(directory);
        } else if (pick < 5) {
            newDirectory();
        } else if (pick < 25 || users.size() < 3) {
            model.createUser(directory, attributes("user" + (++sequence) + "@script.example", true));
        } else if (pick < 50) {
            DirectoryUser user = any(users);
            model.updateUser(directory, user.id(), a -> new UserAttributes(a.idpId(), a.userName(),
                    "Given " + (++sequence), a.lastName(), a.emails(), a.active()));
        } else if (pick < 55) {
            model.updateUser(directory, any(users).id(), a -> a.withActive(false));
        } else if (pick < 60) {
            model.deleteUser(directory, any(users).id());
        } else if (pick < 68 || groups.isEmpty()) {
            model.createGroup(directory, null, "Group " + (++sequence), List.of(any(users).id(), any(users).id()));
        } else if (pick < 73) {
            model.renameGroup(directory, any(groups).id(), "Renamed " + (++sequence));
        } else if (pick < 85) {
            model.addMembers(directory, any(groups).id(), List.of(any(users).id(), any(users).id()));
        } else if (pick < 93) {
            model.removeMembers(directory, any(groups).id(), List.of(any(users).id()));
        } else if (pick < 97) {
            model.replaceMembers(directory, any(groups).id(), List.of(any(users).id()));
        } else {
            model.deleteGroup(directory, any(groups).id());
        }
    }

    private void newDirectory() {
        Directory directory = model.createDirectory(organizationId, "Directory " + (++sequence));
        directories.add(directory.id());
    }

    private <T> T any(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static UserAttributes attributes(String userName, boolean active) {
        return new UserAttributes(null, userName, "Ada", "Lovelace", List.of(UserEmail.primaryWork(userName)), active);
    }
}
