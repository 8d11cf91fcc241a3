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
 * version, so a late older change finds it and changes nothing. A directory's removal (dsync.deleted) is kept too:
 * a change of that directory not newer than it is stale, even for an entity the stores have never seen.
 */
final class DirectoryRules {

    private final EntityStores stores;

    DirectoryRules(EntityStores stores) {
        this.stores = stores;
    }

    void apply(DirectoryChange change) {
        Version directoryRemoval = directoryRemovalOf(change);
        if (directoryRemoval != null
                && !new Version(change.eventCreatedAt(), change.eventId()).isNewerThan(directoryRemoval)) {
            // the directory was deleted after this event: stale, whatever the stores hold (or no longer hold)
            return;
        }
        if (change instanceof DirectoryChange.UpsertMember c) {
            upsertMember(c.member(), directoryRemoval);
        } else if (change instanceof DirectoryChange.RemoveMember c) {
            removeMember(c, directoryRemoval);
        } else if (change instanceof DirectoryChange.UpsertGroup c) {
            upsertGroup(c.group(), directoryRemoval);
        } else if (change instanceof DirectoryChange.RemoveGroup c) {
            removeGroup(c, directoryRemoval);
        } else if (change instanceof DirectoryChange.AddMembership c) {
            addMembership(c, directoryRemoval);
        } else if (change instanceof DirectoryChange.RemoveMembership c) {
            changeMembership(c.membership());
        } else if (change instanceof DirectoryChange.RemoveDirectory c) {
            removeDirectory(c);
        }
        // NoChange: nothing to apply (the resync sweep will hook its begin/end markers in here). dsync.activated
        // needs no record: a directory's removal only holds back changes not newer than it, so once it is
        // re-activated its newer changes apply, even if they arrive before the activation itself.
    }

    /** The version of the dsync.deleted of the change's directory, if the stores hold one. */
    private Version directoryRemovalOf(DirectoryChange change) {
        String org;
        String directoryId;
        if (change instanceof DirectoryChange.UpsertMember c) {
            org = c.member().organizationId();
            directoryId = c.member().directoryId();
        } else if (change instanceof DirectoryChange.RemoveMember c) {
            org = c.lastKnown().organizationId();
            directoryId = c.lastKnown().directoryId();
        } else if (change instanceof DirectoryChange.UpsertGroup c) {
            org = c.group().organizationId();
            directoryId = c.group().directoryId();
        } else if (change instanceof DirectoryChange.RemoveGroup c) {
            org = c.lastKnown().organizationId();
            directoryId = c.lastKnown().directoryId();
        } else if (change instanceof DirectoryChange.AddMembership c) {
            org = c.membership().organizationId();
            directoryId = c.membership().directoryId();
        } else if (change instanceof DirectoryChange.RemoveMembership c) {
            org = c.membership().organizationId();
            directoryId = c.membership().directoryId();
        } else if (change instanceof DirectoryChange.RemoveDirectory c) {
            org = c.organizationId();
            directoryId = c.directoryId();
        } else {
            return null;
        }
        // a payload without directory_id cannot be matched to a directory removal
        return directoryId == null ? null : stores.directoryRemoval(org, directoryId);
    }

    private void upsertMember(Member next, Version directoryRemoval) {
        Member stored = stores.member(next.key());
        if (stored != null && restoresSweep(next.removed(), next.version(), next.eventCreatedAt(), stored.removed(),
                stored.version())) {
            // versioned by the snapshot's scan start, newer than the sweep: the writer takes it too
            stores.putMember(new Member(next.organizationId(), next.directoryUserId(), next.directoryId(),
                    next.idpId(), next.email(), next.firstName(), next.lastName(), next.state(), next.roles(),
                    next.customAttributes(), new Version(next.eventCreatedAt(), ""), next.eventCreatedAt(), false),
                    stored);
        } else if (stored == null || next.version().isNewerThan(stored.version())
                || removedWithDirectory(stored.removed(), stored.version(), directoryRemoval)) {
            stores.putMember(next, stored);
        }
    }

    private void upsertGroup(Group next, Version directoryRemoval) {
        Group stored = stores.group(next.key());
        if (stored != null && restoresSweep(next.removed(), next.version(), next.eventCreatedAt(), stored.removed(),
                stored.version())) {
            stores.putGroup(new Group(next.organizationId(), next.directoryGroupId(), next.directoryId(),
                    next.idpId(), next.name(), new Version(next.eventCreatedAt(), ""), next.eventCreatedAt(), false),
                    stored);
        } else if (stored == null || next.version().isNewerThan(stored.version())
                || removedWithDirectory(stored.removed(), stored.version(), directoryRemoval)) {
            stores.putGroup(next, stored);
        }
    }

    /**
     * A snapshot item (event id "") of a resync whose scan began after an earlier resync's sweep removed the entity
     * (the sweep's version is at or after that resync's scan start): WorkOS lists it, so the sweep was wrong (e.g.
     * an item of that resync went to the DLQ) and the later snapshot brings it back, versioned by its scan start.
     * A live event, or an item of a scan that began before the sweep, stays stale against it.
     */
    private static boolean restoresSweep(boolean nextRemoved, Version next, Instant nextScanStartedAt,
                                         boolean storedRemoved, Version stored) {
        return !nextRemoved && storedRemoved && next.eventId().isEmpty() && nextScanStartedAt != null
                && stored.eventId().startsWith(Version.SWEEP_PREFIX) && nextScanStartedAt.isAfter(stored.at());
    }

    /** WorkOS sends no user_removed for a deleted user's groups: its memberships end here. */
    private void removeMember(DirectoryChange.RemoveMember c, Version directoryRemoval) {
        upsertMember(c.lastKnown(), directoryRemoval);
        Member removal = c.lastKnown();
        endMemberships(stores.membershipsOfMember(removal.organizationId(), removal.directoryUserId()),
                c.membershipVersion(), c.eventCreatedAt());
    }

    /** WorkOS sends no user_removed for a deleted group's members: its memberships end here. */
    private void removeGroup(DirectoryChange.RemoveGroup c, Version directoryRemoval) {
        upsertGroup(c.lastKnown(), directoryRemoval);
        Group removal = c.lastKnown();
        endMemberships(stores.membershipsOfGroup(removal.organizationId(), removal.directoryGroupId()),
                c.membershipVersion(), c.eventCreatedAt());
    }

    /**
     * The membership can arrive before its user (or group): the embedded one creates it, or brings it back when
     * the directory's removal took it and the directory was re-activated since.
     */
    private void addMembership(DirectoryChange.AddMembership c, Version directoryRemoval) {
        Membership next = c.membership();
        String org = next.organizationId();
        Member user = stores.member(EntityKeys.member(org, next.directoryUserId()));
        if (user == null || removedWithDirectory(user.removed(), user.version(), directoryRemoval)) {
            stores.putMember(c.embeddedUser(), user);
        }
        Group group = stores.group(EntityKeys.group(org, next.directoryGroupId()));
        if (group == null || removedWithDirectory(group.removed(), group.version(), directoryRemoval)) {
            stores.putGroup(c.embeddedGroup(), group);
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

    /**
     * dsync.deleted: WorkOS sends nothing else, so every member, group and membership of the directory leaves, and
     * the directory's removal holds back its changes that arrive later but are older.
     */
    private void removeDirectory(DirectoryChange.RemoveDirectory c) {
        String directoryId = c.directoryId();
        Version version = c.version();
        // what an earlier delete of this directory removed, and nothing brought back since, now carries this
        // removal's version: a change that gets past this removal (after a re-activation) must bring it back
        Version previous = stores.directoryRemoval(c.organizationId(), directoryId);
        stores.putDirectoryRemoval(c.organizationId(), directoryId, version);
        Set<String> users = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (Member m : stores.membersOf(c.organizationId())) {
            if (directoryId.equals(m.directoryId()) && version.isNewerThan(m.version())
                    && (!m.removed() || m.version().equals(previous))) {
                stores.putMember(m.asRemoved(version, c.eventCreatedAt()), m);
                users.add(m.directoryUserId());
            }
        }
        for (Group g : stores.groupsOf(c.organizationId())) {
            if (directoryId.equals(g.directoryId()) && version.isNewerThan(g.version())
                    && (!g.removed() || g.version().equals(previous))) {
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

    /**
     * True for an entity removed by its directory's dsync.deleted (it carries that removal's version) when the
     * change at hand got past the directory removal, i.e. is newer: the directory was re-activated, and the change
     * applies whatever {@code updated_at} the entity had before the removal.
     */
    private static boolean removedWithDirectory(boolean removed, Version stored, Version directoryRemoval) {
        return removed && stored.equals(directoryRemoval);
    }

    /** True when the entity was removed by an event not older than {@code version} (a membership's version). */
    private static boolean removedSince(Member m, Version version) {
        return m != null && m.removed() && !version.isNewerThan(new Version(m.eventCreatedAt(), m.version().eventId()));
    }

    private static boolean removedSince(Group g, Version version) {
        return g != null && g.removed() && !version.isNewerThan(new Version(g.eventCreatedAt(), g.version().eventId()));
    }
}
