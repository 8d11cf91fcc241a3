package dev.scimsync.emulator.model;

import java.util.ArrayList;
import java.util.List;

/** Converts the live state to and from {@link PersistedModel}. */
final class ModelPersistence {

    private ModelPersistence() {
    }

    static PersistedModel export(ModelState state) {
        List<PersistedModel.PersistedDirectory> directories = new ArrayList<>();
        for (DirectoryData d : state.directories.values()) {
            List<DirectorySnapshot.Membership> memberships = new ArrayList<>();
            d.groups().keySet().forEach(groupId -> d.members(groupId)
                    .forEach(userId -> memberships.add(new DirectorySnapshot.Membership(groupId, userId))));
            directories.add(new PersistedModel.PersistedDirectory(d.directory(), d.seedSequence(),
                    new ArrayList<>(d.users().values()), new ArrayList<>(d.groups().values()), memberships));
        }
        return new PersistedModel(new ArrayList<>(state.organizations.values()), directories);
    }

    static void restore(ModelState state, PersistedModel persisted) {
        state.organizations.clear();
        state.directories.clear();
        persisted.organizations().forEach(o -> {
            state.organizations.put(o.id(), o);
            state.ids().advancePast(o.id());
        });
        for (PersistedModel.PersistedDirectory p : persisted.directories()) {
            DirectoryData d = new DirectoryData(p.directory());
            d.restoreSeedSequence(p.seedSequence());
            state.ids().advancePast(p.directory().id());
            p.users().forEach(u -> {
                d.putUser(u);
                state.ids().advancePast(u.id());
            });
            p.groups().forEach(g -> {
                d.putGroup(g);
                state.ids().advancePast(g.id());
            });
            p.memberships().forEach(m -> d.addMember(m.groupId(), m.userId()));
            state.directories.put(d.id(), d);
        }
    }
}
