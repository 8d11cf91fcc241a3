package dev.scimsync.processor.state;

import java.time.Duration;
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
 * marks its entity: the sweep never removes what changed during the scan. A snapshot with fewer items applied
 * than the end marker announces (an item went to the DLQ) sweeps nothing; a resync whose end marker never comes
 * is ended as failed {@link #MAX_AGE} after its begin marker was applied, or when a newer one begins.
 */
final class ResyncSweeper {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final String MEMBER = "m";
    private static final String GROUP = "g";
    private static final String MEMBERSHIP = "s";
    /** A resync still open this long after its scan began has lost its end marker (a crash between the two). */
    static final Duration MAX_AGE = Duration.ofHours(6);
    /**
     * At most this many marks of an ended resync are deleted by the record that ends it (each deletion is a
     * changelog record of the transaction): a resync of a large organization leaves more, which
     * {@link #forgetEnded} deletes later in bounded batches. No sweep reads them: marks are keyed by resync id.
     */
    static final int MAX_MARKS_FORGOTTEN_AT_ONCE = 1_000;
    /** Key prefix (in the seen store) of the ended resyncs whose marks are still being deleted. */
    private static final String FORGETTING = "~forgetting|";

    private final KeyValueStore<String, ActiveResync> active;
    private final KeyValueStore<String, String> seen;
    private final EntityStores stores;
    private final DirectoryRules rules;
    /** Set when a resync ended with marks left over; after a restart the next purge finds them in the store. */
    private boolean marksLeft;

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

    /**
     * Opens a resync. One still open for the organization (another instance's, or one whose end never came) is
     * forgotten and returned, ended as failed.
     *
     * @param now this processor's wall clock
     */
    Ended begin(DirectoryChange.ResyncBegin b, Instant now) {
        ActiveResync previous = active.get(b.organizationId());
        Ended superseded = null;
        if (previous != null) {
            forget(previous.resyncId());
            superseded = new Ended(b.organizationId(), previous.resyncId(), "failed", new ResyncOutcome(
                    previous.scope(), previous.dryRun(), 0, 0, 0, 0, "superseded by " + b.resyncId()
                            + " before its end marker; nothing swept"));
        }
        active.put(b.organizationId(), new ActiveResync(b.resyncId(), b.scope(), b.dryRun(), b.force(),
                b.maxRemovalPercent(), b.maxRemovalCount(), b.scanStartedAt(), 0, now));
        return superseded;
    }

    /**
     * Marks what {@code change} touched as seen, when the organization has a resync open.
     *
     * @param itemOf the resync whose snapshot item {@code change} is; null for a live event
     */
    void touched(String organizationId, DirectoryChange change, String itemOf) {
        ActiveResync resync = active.get(organizationId);
        if (resync == null) {
            return;
        }
        String id = resync.resyncId();
        if (id.equals(itemOf)) {
            active.put(organizationId, resync.withOneMoreItem());
        }
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
            // every membership of a member or group names it again: a mark already there costs a read, not a
            // write and its changelog record (two of a snapshot's three items are memberships)
            markUnlessSeen(id, MEMBER, c.embeddedUser().key());
            markUnlessSeen(id, GROUP, c.embeddedGroup().key());
        } else if (change instanceof DirectoryChange.RemoveMembership c) {
            mark(id, MEMBERSHIP, c.membership().key());
        }
    }

    /** The state a resync ends in, with what its sweep did or would do. */
    record Ended(String organizationId, String resyncId, String state, ResyncOutcome outcome) {
    }

    /** Ends, as failed, every resync this processor opened more than {@link #MAX_AGE} before {@code now}. */
    List<Ended> expire(Instant now) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, ActiveResync> it = active.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value.openedAt().plus(MAX_AGE).isBefore(now)) {
                    stale.add(entry.key);
                }
            });
        }
        List<Ended> ended = new ArrayList<>();
        for (String org : stale) {
            ActiveResync resync = active.get(org);
            forget(resync.resyncId());
            active.delete(org);
            ended.add(new Ended(org, resync.resyncId(), "failed", new ResyncOutcome(resync.scope(), resync.dryRun(),
                    0, 0, 0, 0, "no end marker within " + MAX_AGE.toHours() + " h of its begin marker; nothing swept")));
        }
        return ended;
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
                return new Ended(org, resync.resyncId(), "failed", new ResyncOutcome(resync.scope(), resync.dryRun(),
                        0, 0, 0, 0, "aborted, nothing swept: " + e.reason()));
            }
            if (e.snapshotItems() >= 0 && resync.items() != e.snapshotItems()) {
                return new Ended(org, resync.resyncId(), "failed", new ResyncOutcome(resync.scope(), resync.dryRun(),
                        0, 0, 0, 0, String.format(Locale.ROOT, "incomplete snapshot: %d of its %d items applied (see "
                                + "the dead-letter topic); nothing swept", resync.items(), e.snapshotItems())));
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
        long presentMembers = 0;
        List<Member> members = new ArrayList<>();
        for (Member m : stores.membersOf(org)) {
            if (!m.removed()) {
                presentMembers++;
                if (resync.members() && !isSeen(id, MEMBER, m.key())) {
                    members.add(m);
                }
            }
        }
        long presentGroups = 0;
        List<Group> groups = new ArrayList<>();
        for (Group g : stores.groupsOf(org)) {
            if (!g.removed()) {
                presentGroups++;
                if (resync.groups() && !isSeen(id, GROUP, g.key())) {
                    groups.add(g);
                }
            }
        }
        Set<String> sweptUsers = new HashSet<>();
        members.forEach(m -> sweptUsers.add(m.directoryUserId()));
        Set<String> sweptGroups = new HashSet<>();
        groups.forEach(g -> sweptGroups.add(g.directoryGroupId()));
        long presentMemberships = 0;
        List<Membership> memberships = new ArrayList<>();
        for (Membership s : stores.membershipsOf(org)) {
            if (!s.removed()) {
                presentMemberships++;
                if (sweptUsers.contains(s.directoryUserId()) || sweptGroups.contains(s.directoryGroupId())
                        || (resync.groups() && !isSeen(id, MEMBERSHIP, s.key()))) {
                    memberships.add(s);
                }
            }
        }

        // the safeguard: members and groups by count and share, memberships by share
        List<String> beyond = new ArrayList<>();
        beyond(beyond, "members", members.size(), presentMembers, resync, true);
        beyond(beyond, "groups", groups.size(), presentGroups, resync, true);
        beyond(beyond, "memberships", memberships.size(), presentMemberships, resync, false);
        String what = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", members.size(),
                groups.size(), memberships.size());
        String limits = String.join(", ", beyond) + String.format(Locale.ROOT, "; the safeguard allows %d%% / %d",
                resync.maxRemovalPercent(), resync.maxRemovalCount());
        if (resync.dryRun()) {
            return new Ended(org, id, "previewed", outcome(resync, members, groups, memberships, presentMembers,
                    "dry run: would remove " + what + (!beyond.isEmpty() && !resync.force()
                            ? "; would be held: " + limits : "")));
        }
        if (!beyond.isEmpty() && !resync.force()) {
            return new Ended(org, id, "held", outcome(resync, members, groups, memberships, presentMembers,
                    "held: would remove " + what + " (" + limits + "); nothing removed (re-run with --force)"));
        }
        Instant scanStart = resync.scanStartedAt();
        for (Member m : members) {
            rules.apply(new DirectoryChange.RemoveMember(e.eventId(), e.eventCreatedAt(),
                    m.asRemoved(removal(id, scanStart, m.version(), List.of()), e.eventCreatedAt()),
                    removal(id, scanStart, m.version(), stores.membershipsOfMember(org, m.directoryUserId()))));
        }
        for (Group g : groups) {
            rules.apply(new DirectoryChange.RemoveGroup(e.eventId(), e.eventCreatedAt(),
                    g.asRemoved(removal(id, scanStart, g.version(), List.of()), e.eventCreatedAt()),
                    removal(id, scanStart, g.version(), stores.membershipsOfGroup(org, g.directoryGroupId()))));
        }
        for (Membership s : memberships) {
            Membership now = stores.membership(s.key());
            if (now != null && !now.removed()) {
                rules.apply(new DirectoryChange.RemoveMembership(e.eventId(), e.eventCreatedAt(),
                        new Membership(org, now.directoryGroupId(), now.directoryUserId(), now.directoryId(),
                                removal(id, scanStart, now.version(), List.of()), e.eventCreatedAt(), true)));
            }
        }
        String removed = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", -changes.membersDelta(),
                -changes.groupsDelta(), -changes.membershipsDelta());
        return new Ended(org, id, "completed", new ResyncOutcome(resync.scope(), false, -changes.membersDelta(),
                -changes.groupsDelta(), -changes.membershipsDelta(), presentMembers, "removed " + removed
                + (!beyond.isEmpty() ? " (forced beyond the safeguard: " + limits + ")" : "")));
    }

    /** Adds why removing {@code count} of {@code present} is beyond the safeguard, if it is. */
    private static void beyond(List<String> reasons, String kind, long count, long present, ActiveResync resync,
                               boolean byCount) {
        boolean overCount = byCount && count > resync.maxRemovalCount();
        boolean overShare = count * 100 > (long) resync.maxRemovalPercent() * present;
        if (overCount || overShare) {
            reasons.add(String.format(Locale.ROOT, "%d of %d %s present (%s)", count, present, kind,
                    percent(count, present)));
        }
    }

    private static ResyncOutcome outcome(ActiveResync resync, List<Member> members, List<Group> groups,
                                         List<Membership> memberships, long present, String note) {
        return new ResyncOutcome(resync.scope(), resync.dryRun(), members.size(), groups.size(), memberships.size(),
                present, note);
    }

    /**
     * The version of a sweep's removal: at the scan start, or later where the entity (or one of the memberships it
     * ends) is newer — newer than anything the entity had (the id sorts after every event id), so a late, older
     * update cannot bring it back, while a later resync's snapshot item can (see {@link DirectoryRules}).
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

    private void markUnlessSeen(String resyncId, String kind, String entityKey) {
        if (!isSeen(resyncId, kind, entityKey)) {
            mark(resyncId, kind, entityKey);
        }
    }

    private boolean isSeen(String resyncId, String kind, String entityKey) {
        return seen.get(resyncId + '|' + kind + '|' + entityKey) != null;
    }

    /**
     * Deletes the resync's marks, at most {@link #MAX_MARKS_FORGOTTEN_AT_ONCE}; where more may be left, the resync
     * joins the ones {@link #forgetEnded} goes on with.
     */
    private void forget(String resyncId) {
        if (forgetMarks(resyncId, MAX_MARKS_FORGOTTEN_AT_ONCE) == MAX_MARKS_FORGOTTEN_AT_ONCE) {
            seen.put(FORGETTING + resyncId, "");
            marksLeft = true;
        }
    }

    /** Whether a resync ended with marks left to delete since the last call (the caller schedules their deletion). */
    boolean takeMarksLeft() {
        boolean left = marksLeft;
        marksLeft = false;
        return left;
    }

    /**
     * Deletes at most {@code max} marks of resyncs that ended with marks left over.
     *
     * @return how many were deleted: {@code max} when some may be left
     */
    int forgetEnded(int max) {
        List<String> ended = new ArrayList<>();
        try (KeyValueIterator<String, String> it = seen.prefixScan(FORGETTING, KEYS)) {
            it.forEachRemaining(entry -> ended.add(entry.key.substring(FORGETTING.length())));
        }
        int deleted = 0;
        for (String resyncId : ended) {
            int budget = max - deleted;
            int n = forgetMarks(resyncId, budget);
            deleted += n;
            if (n < budget) {
                seen.delete(FORGETTING + resyncId);
            } else {
                break;
            }
        }
        return deleted;
    }

    private int forgetMarks(String resyncId, int max) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = seen.prefixScan(resyncId + '|', KEYS)) {
            while (keys.size() < max && it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(seen::delete);
        return keys.size();
    }
}
