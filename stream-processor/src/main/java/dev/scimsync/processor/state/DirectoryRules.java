package dev.scimsync.processor.state;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

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
    /** At most this many entities a directory's removal goes through in its record; the rest in later steps. */
    private final int sweepStep;
    private final Supplier<Instant> now;

    /**
     * @param sweepStep see {@link #continueDirectoryRemoval}
     * @param now       this processor's wall clock
     */
    DirectoryRules(EntityStores stores, int sweepStep, Supplier<Instant> now) {
        this.stores = stores;
        this.sweepStep = sweepStep;
        this.now = now;
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
     * the directory's removal holds back its changes that arrive later but are older. The removal's version is
     * stored here, so from this record on every older change of the directory is stale; its entities leave in
     * {@link #continueDirectoryRemoval steps}, the first one here.
     */
    private void removeDirectory(DirectoryChange.RemoveDirectory c) {
        // what an earlier delete of this directory removed, and nothing brought back since, now carries this
        // removal's version: a change that gets past this removal (after a re-activation) must bring it back
        Version previous = stores.directoryRemoval(c.organizationId(), c.directoryId());
        stores.putDirectoryRemoval(c.organizationId(), c.directoryId(), c.version());
        continueDirectoryRemoval(Sweep.directory(c.organizationId(), c.directoryId(), c.version(), previous,
                c.eventId(), c.eventCreatedAt(), now.get()), sweepStep);
    }

    /**
     * Removes the directory's members and groups, then ends its memberships and those of the members and groups it
     * removed, going through at most {@code budget} of the organization's entities; what is left is kept in the
     * sweeps store for the next step. Each entity is decided on as it is found: one that a newer change of the
     * directory (after a re-activation) touched in between has a newer version and stays.
     *
     * @return the entities gone through
     */
    int continueDirectoryRemoval(Sweep sweep, int budget) {
        String org = sweep.organizationId();
        String directoryId = sweep.directoryId();
        Version version = sweep.version();
        Sweep s = sweep;
        boolean done = false;
        int visited = 0;
        long deadline = System.nanoTime() + Sweep.STEP_TIME.toNanos();
        int max;
        while (!done && (max = Sweep.nextBatch(budget, visited, deadline)) > 0) {
            switch (s.phase()) {
                case REMOVE_MEMBERS -> {
                    Sweep.Pass pass = Sweep.through(stores.membersAfter(org, s.cursor(), max), s.cursor(), max,
                            Member::key, m -> {
                                if (!directoryId.equals(m.directoryId()) || !version.isNewerThan(m.version())
                                        || (m.removed() && !m.version().equals(sweep.previous()))) {
                                    return false;
                                }
                                stores.putMember(m.asRemoved(version, sweep.eventCreatedAt()), m);
                                return true;
                            });
                    visited += pass.visited();
                    s = pass.done() ? s.at(Sweep.Phase.REMOVE_GROUPS, null)
                            : s.at(Sweep.Phase.REMOVE_MEMBERS, pass.last());
                }
                case REMOVE_GROUPS -> {
                    Sweep.Pass pass = Sweep.through(stores.groupsAfter(org, s.cursor(), max), s.cursor(), max,
                            Group::key, g -> {
                                if (!directoryId.equals(g.directoryId()) || !version.isNewerThan(g.version())
                                        || (g.removed() && !g.version().equals(sweep.previous()))) {
                                    return false;
                                }
                                stores.putGroup(g.asRemoved(version, sweep.eventCreatedAt()), g);
                                return true;
                            });
                    visited += pass.visited();
                    s = pass.done() ? s.at(Sweep.Phase.REMOVE_MEMBERSHIPS, null)
                            : s.at(Sweep.Phase.REMOVE_GROUPS, pass.last());
                }
                case REMOVE_MEMBERSHIPS -> {
                    Sweep.Pass pass = Sweep.through(stores.membershipsAfter(org, s.cursor(), max), s.cursor(), max,
                            Membership::key, m -> {
                                if (m.removed() || !version.isNewerThan(m.version()) || !ofTheRemoval(m, sweep)) {
                                    return false;
                                }
                                endMemberships(List.of(m), version, sweep.eventCreatedAt());
                                return true;
                            });
                    visited += pass.visited();
                    if (pass.done()) {
                        done = true;
                    } else {
                        s = s.at(Sweep.Phase.REMOVE_MEMBERSHIPS, pass.last());
                    }
                }
                default -> throw new IllegalStateException("a directory removal has no phase " + s.phase());
            }
        }
        if (!done) {
            stores.putSweep(s.stepped(0, 0, 0));
        } else if (sweep.steps() > 0 || sweep.previous() != null) {
            // kept since an earlier step, or an earlier removal of the directory may still be going on: this one
            // has done its work too
            stores.deleteSweep(sweep);
        }
        return visited;
    }

    /**
     * Whether the membership goes with the directory's removal: it is of the directory, or its member or group is one
     * the removal took (it carries the removal's version). Read only for a present membership older than the removal.
     */
    private boolean ofTheRemoval(Membership m, Sweep sweep) {
        if (sweep.directoryId().equals(m.directoryId())) {
            return true;
        }
        String org = sweep.organizationId();
        Member user = stores.member(EntityKeys.member(org, m.directoryUserId()));
        if (user != null && user.removed() && user.version().equals(sweep.version())) {
            return true;
        }
        Group group = stores.group(EntityKeys.group(org, m.directoryGroupId()));
        return group != null && group.removed() && group.version().equals(sweep.version());
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
