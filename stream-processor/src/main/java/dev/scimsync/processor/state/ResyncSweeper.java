package dev.scimsync.processor.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.event.DirectoryChange;

/**
 * The mark-and-sweep of a resync (Debezium's incremental snapshots are the model). The begin marker opens the
 * resync; from then on every entity an event touches in the organization — a snapshot item or a live change —
 * is marked seen. At the end marker, what is present but unseen is what WorkOS no longer lists: members,
 * groups and memberships in the resync's scope are removed through the ordinary rules (memberships of a removed
 * member or group end with it), unless it is a dry run or the safeguard holds the sweep. The begin marker is
 * committed before the scan starts, so a change made in the IdP while the scan ran is published behind it and
 * marks its entity: the sweep never removes what changed during the scan.
 */
final class ResyncSweeper {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final String MEMBER = "m";
    private static final String GROUP = "g";
    private static final String MEMBERSHIP = "s";

    private final KeyValueStore<String, ActiveResync> active;
    private final KeyValueStore<String, String> seen;
    private final EntityStores stores;
    private final DirectoryRules rules;

    /**
     * @param active org → its resync between begin and end
     * @param seen   resync id|kind|entity key → "" for every entity the resync saw
     */
    ResyncSweeper(KeyValueStore<String, ActiveResync> active, KeyValueStore<String, String> seen, EntityStores stores,
                  DirectoryRules rules) {
        this.active = active;
        this.seen = seen;
        this.stores = stores;
        this.rules = rules;
    }

    /** Opens a resync; one still open for the organization (its end never came) is forgotten. */
    void begin(DirectoryChange.ResyncBegin b) {
        ActiveResync previous = active.get(b.organizationId());
        if (previous != null) {
            forget(previous.resyncId());
        }
        active.put(b.organizationId(), new ActiveResync(b.resyncId(), b.scope(), b.dryRun(), b.force(),
                b.maxRemovalPercent(), b.maxRemovalCount(), b.scanStartedAt()));
    }

    /** Marks what {@code change} touched as seen, when the organization has a resync open. */
    void touched(String organizationId, DirectoryChange change) {
        ActiveResync resync = active.get(organizationId);
        if (resync == null) {
            return;
        }
        String id = resync.resyncId();
        if (change instanceof DirectoryChange.UpsertMember c) {
            mark(id, MEMBER, c.member().key());
        } else if (change instanceof DirectoryChange.RemoveMember c) {
            mark(id, MEMBER, c.lastKnown().key());
        } else if (change instanceof DirectoryChange.UpsertGroup c) {
            mark(id, GROUP, c.group().key());
        } else if (change instanceof DirectoryChange.RemoveGroup c) {
            mark(id, GROUP, c.lastKnown().key());
        } else if (change instanceof DirectoryChange.AddMembership c) {
            mark(id, MEMBERSHIP, c.membership().key());
            mark(id, MEMBER, c.embeddedUser().key());
            mark(id, GROUP, c.embeddedGroup().key());
        } else if (change instanceof DirectoryChange.RemoveMembership c) {
            mark(id, MEMBERSHIP, c.membership().key());
        }
    }

    /** The state a resync ends in, with what its sweep did or would do; {@code null} for an end no resync awaits. */
    record Ended(String resyncId, String state, ResyncOutcome outcome) {
    }

    /**
     * Ends the resync: sweeps (or previews, or holds) and forgets it.
     *
     * @param changes the bookkeeping of this event, for the counts the sweep removed
     */
    Ended end(DirectoryChange.ResyncEnd e, Changes changes) {
        String org = e.organizationId();
        ActiveResync resync = active.get(org);
        if (resync == null || !resync.resyncId().equals(e.resyncId())) {
            return null;
        }
        try {
            if (e.aborted()) {
                return new Ended(resync.resyncId(), "failed", new ResyncOutcome(resync.scope(), resync.dryRun(), 0, 0,
                        0, 0, "aborted, nothing swept: " + e.reason()));
            }
            return sweep(e, resync, changes);
        } finally {
            forget(resync.resyncId());
            active.delete(org);
        }
    }

    private Ended sweep(DirectoryChange.ResyncEnd e, ActiveResync resync, Changes changes) {
        String org = e.organizationId();
        String id = resync.resyncId();
        long present = 0;
        List<Member> members = new ArrayList<>();
        for (Member m : stores.membersOf(org)) {
            if (!m.removed()) {
                present++;
                if (resync.members() && !isSeen(id, MEMBER, m.key())) {
                    members.add(m);
                }
            }
        }
        List<Group> groups = new ArrayList<>();
        if (resync.groups()) {
            for (Group g : stores.groupsOf(org)) {
                if (!g.removed() && !isSeen(id, GROUP, g.key())) {
                    groups.add(g);
                }
            }
        }
        Set<String> sweptUsers = new HashSet<>();
        members.forEach(m -> sweptUsers.add(m.directoryUserId()));
        Set<String> sweptGroups = new HashSet<>();
        groups.forEach(g -> sweptGroups.add(g.directoryGroupId()));
        List<Membership> memberships = new ArrayList<>();
        for (Membership s : stores.membershipsOf(org)) {
            if (!s.removed() && (sweptUsers.contains(s.directoryUserId()) || sweptGroups.contains(s.directoryGroupId())
                    || (resync.groups() && !isSeen(id, MEMBERSHIP, s.key())))) {
                memberships.add(s);
            }
        }

        boolean beyondSafeguard = members.size() > resync.maxRemovalCount()
                || members.size() * 100L > (long) resync.maxRemovalPercent() * present;
        String what = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", members.size(),
                groups.size(), memberships.size());
        String limits = String.format(Locale.ROOT, "%d of %d members present (%s); the safeguard allows %d%% / %d",
                members.size(), present, percent(members.size(), present), resync.maxRemovalPercent(),
                resync.maxRemovalCount());
        if (resync.dryRun()) {
            return new Ended(id, "previewed", outcome(resync, members, groups, memberships, present,
                    "dry run: would remove " + what + (beyondSafeguard && !resync.force()
                            ? "; would be held: " + limits : "")));
        }
        if (beyondSafeguard && !resync.force()) {
            return new Ended(id, "held", outcome(resync, members, groups, memberships, present,
                    "held: would remove " + what + ", " + limits + "; nothing removed (re-run with --force)"));
        }
        for (Member m : members) {
            Version v = removal(id, resync.scanStartedAt(), m.version(), stores.membershipsOfMember(org,
                    m.directoryUserId()));
            rules.apply(new DirectoryChange.RemoveMember(e.eventId(), e.eventCreatedAt(),
                    m.asRemoved(v, e.eventCreatedAt()), v));
        }
        for (Group g : groups) {
            Version v = removal(id, resync.scanStartedAt(), g.version(), stores.membershipsOfGroup(org,
                    g.directoryGroupId()));
            rules.apply(new DirectoryChange.RemoveGroup(e.eventId(), e.eventCreatedAt(),
                    g.asRemoved(v, e.eventCreatedAt()), v));
        }
        for (Membership s : memberships) {
            Membership now = stores.membership(s.key());
            if (now != null && !now.removed()) {
                Version v = removal(id, resync.scanStartedAt(), now.version(), List.of());
                rules.apply(new DirectoryChange.RemoveMembership(e.eventId(), e.eventCreatedAt(),
                        new Membership(org, now.directoryGroupId(), now.directoryUserId(), now.directoryId(), v,
                                e.eventCreatedAt(), true)));
            }
        }
        String removed = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", -changes.membersDelta(),
                -changes.groupsDelta(), -changes.membershipsDelta());
        return new Ended(id, "completed", new ResyncOutcome(resync.scope(), false, -changes.membersDelta(),
                -changes.groupsDelta(), -changes.membershipsDelta(), present, "removed " + removed
                + (beyondSafeguard ? " (forced beyond the safeguard: " + limits + ")" : "")));
    }

    private static ResyncOutcome outcome(ActiveResync resync, List<Member> members, List<Group> groups,
                                         List<Membership> memberships, long present, String note) {
        return new ResyncOutcome(resync.scope(), resync.dryRun(), members.size(), groups.size(), memberships.size(),
                present, note);
    }

    /**
     * The version of a sweep's removal: newer than the entity and its memberships (a sweep removes only what is
     * unseen, which changed before the scan began — up to clock skew between WorkOS and this machine), ordered
     * after any event of the same instant.
     */
    private static Version removal(String resyncId, Instant scanStartedAt, Version entity, List<Membership> related) {
        Instant at = scanStartedAt.isAfter(entity.at()) ? scanStartedAt : entity.at();
        for (Membership s : related) {
            if (s.version().at().isAfter(at)) {
                at = s.version().at();
            }
        }
        return Version.sweep(at, resyncId);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", part * 100.0 / whole);
    }

    private void mark(String resyncId, String kind, String entityKey) {
        seen.put(resyncId + '|' + kind + '|' + entityKey, "");
    }

    private boolean isSeen(String resyncId, String kind, String entityKey) {
        return seen.get(resyncId + '|' + kind + '|' + entityKey) != null;
    }

    private void forget(String resyncId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = seen.prefixScan(resyncId + '|', KEYS)) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(seen::delete);
    }
}
