package dev.scimsync.emulator.model;

import java.util.ArrayList;
import java.util.List;

/** Converts the live state to and from {@link PersistedModel}, and replays journaled mutations on it. */
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
            DirectoryData d = new DirectoryData(p.directory(), state.recorder);
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

    /** Applies one journaled mutation; the recorder is idle, so nothing is recorded again. */
    static void replay(ModelState state, ModelMutation mutation) {
        if (mutation instanceof ModelMutation.OrganizationPut m) {
            state.organizations.put(m.organization().id(), m.organization());
            state.ids().advancePast(m.organization().id());
        } else if (mutation instanceof ModelMutation.DirectoryPut m) {
            state.putDirectory(m.directory());
            state.ids().advancePast(m.directory().id());
        } else if (mutation instanceof ModelMutation.DirectoryRemoved m) {
            state.removeDirectory(m.directoryId());
        } else if (mutation instanceof ModelMutation.UserPut m) {
            state.directory(m.user().directoryId()).putUser(m.user());
            state.ids().advancePast(m.user().id());
        } else if (mutation instanceof ModelMutation.UserRemoved m) {
            state.directory(m.directoryId()).removeUser(m.userId());
        } else if (mutation instanceof ModelMutation.GroupPut m) {
            state.directory(m.group().directoryId()).putGroup(m.group());
            state.ids().advancePast(m.group().id());
        } else if (mutation instanceof ModelMutation.GroupRemoved m) {
            state.directory(m.directoryId()).removeGroup(m.groupId());
        } else if (mutation instanceof ModelMutation.MembershipAdded m) {
            DirectoryData directory = state.directory(m.directoryId());
            directory.group(m.groupId());
            directory.user(m.userId());
            directory.addMember(m.groupId(), m.userId());
        } else if (mutation instanceof ModelMutation.MembershipRemoved m) {
            state.directory(m.directoryId()).removeMember(m.groupId(), m.userId());
        } else if (mutation instanceof ModelMutation.SeedSequence m) {
            state.directory(m.directoryId()).restoreSeedSequence(m.value());
        } else {
            throw new IllegalArgumentException("unknown mutation " + mutation);
        }
    }
}
