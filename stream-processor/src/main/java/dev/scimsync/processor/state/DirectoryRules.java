package dev.scimsync.processor.state;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.event.DirectoryChange;

/**
 * The ordering rules: a member or group changes only for a newer version ({@code updated_at}, then event id); a
 * membership only for a newer event ({@code created_at}, then event id); a removal stays in the store with its
 * version, so a late older change finds it and changes nothing.
 */
final class DirectoryRules {

    private final EntityStores stores;

    DirectoryRules(EntityStores stores) {
        this.stores = stores;
    }

    void apply(DirectoryChange change) {
        if (change instanceof DirectoryChange.UpsertMember c) {
            upsertMember(c.member());
        } else if (change instanceof DirectoryChange.RemoveMember c) {
            removeMember(c);
        } else if (change instanceof DirectoryChange.UpsertGroup c) {
            upsertGroup(c.group());
        } else if (change instanceof DirectoryChange.RemoveGroup c) {
            removeGroup(c);
        } else if (change instanceof DirectoryChange.AddMembership c) {
            addMembership(c);
        } else if (change instanceof DirectoryChange.RemoveMembership c) {
            changeMembership(c.membership());
        } else if (change instanceof DirectoryChange.RemoveDirectory c) {
            removeDirectory(c);
        }
        // NoChange: nothing to apply (the resync sweep will hook its begin/end markers in here)
    }

    private void upsertMember(Member next) {
        Member stored = stores.member(next.key());
        if (stored == null || next.version().isNewerThan(stored.version())) {
            stores.putMember(next, stored);
        }
    }

    private void upsertGroup(Group next) {
        Group stored = stores.group(next.key());
        if (stored == null || next.version().isNewerThan(stored.version())) {
            stores.putGroup(next, stored);
        }
    }

    /** WorkOS sends no user_removed for a deleted user's groups: its memberships end here. */
    private void removeMember(DirectoryChange.RemoveMember c) {
        upsertMember(c.lastKnown());
        Member removal = c.lastKnown();
        endMemberships(stores.membershipsOfMember(removal.organizationId(), removal.directoryUserId()),
                c.membershipVersion(), c.eventCreatedAt());
    }

    /** WorkOS sends no user_removed for a deleted group's members: its memberships end here. */
    private void removeGroup(DirectoryChange.RemoveGroup c) {
        upsertGroup(c.lastKnown());
        Group removal = c.lastKnown();
        endMemberships(stores.membershipsOfGroup(removal.organizationId(), removal.directoryGroupId()),
                c.membershipVersion(), c.eventCreatedAt());
    }

    /** The membership can arrive before its user (or group): the embedded one creates it. */
    private void addMembership(DirectoryChange.AddMembership c) {
        Membership next = c.membership();
        String org = next.organizationId();
        Member user = stores.member(EntityKeys.member(org, next.directoryUserId()));
        if (user == null) {
            stores.putMember(c.embeddedUser(), null);
        }
        Group group = stores.group(EntityKeys.group(org, next.directoryGroupId()));
        if (group == null) {
            stores.putGroup(c.embeddedGroup(), null);
        }
        if (removedSince(user, next.version()) || removedSince(group, next.version())) {
            return;
        }
        changeMembership(next);
    }

    private void changeMembership(Membership next) {
        Membership stored = stores.membership(next.key());
        if (stored == null || next.version().isNewerThan(stored.version())) {
            stores.putMembership(next, stored);
        }
    }

    /** dsync.deleted: WorkOS sends nothing else, so every member, group and membership of the directory leaves. */
    private void removeDirectory(DirectoryChange.RemoveDirectory c) {
        String directoryId = c.directoryId();
        Version version = c.version();
        Set<String> users = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (Member m : stores.membersOf(c.organizationId())) {
            if (!m.removed() && directoryId.equals(m.directoryId()) && version.isNewerThan(m.version())) {
                stores.putMember(m.asRemoved(version, c.eventCreatedAt()), m);
                users.add(m.directoryUserId());
            }
        }
        for (Group g : stores.groupsOf(c.organizationId())) {
            if (!g.removed() && directoryId.equals(g.directoryId()) && version.isNewerThan(g.version())) {
                stores.putGroup(g.asRemoved(version, c.eventCreatedAt()), g);
                groups.add(g.directoryGroupId());
            }
        }
        List<Membership> ofDirectory = stores.membershipsOf(c.organizationId()).stream()
                .filter(s -> directoryId.equals(s.directoryId()) || users.contains(s.directoryUserId())
                        || groups.contains(s.directoryGroupId()))
                .toList();
        endMemberships(ofDirectory, version, c.eventCreatedAt());
    }

    private void endMemberships(List<Membership> memberships, Version version, Instant eventCreatedAt) {
        for (Membership s : memberships) {
            if (!s.removed() && version.isNewerThan(s.version())) {
                stores.putMembership(new Membership(s.organizationId(), s.directoryGroupId(), s.directoryUserId(),
                        s.directoryId(), version, eventCreatedAt, true), s);
            }
        }
    }

    /** True when the entity was removed by an event not older than {@code version} (a membership's version). */
    private static boolean removedSince(Member m, Version version) {
        return m != null && m.removed() && !version.isNewerThan(new Version(m.eventCreatedAt(), m.version().eventId()));
    }

    private static boolean removedSince(Group g, Version version) {
        return g != null && g.removed() && !version.isNewerThan(new Version(g.eventCreatedAt(), g.version().eventId()));
    }
}
