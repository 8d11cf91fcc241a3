package dev.scimsync.processor.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.model.EntityKeys;
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
 * is ended as failed {@link #MAX_AGE} after its begin marker was applied, or when a newer one begins. The sweep goes
 * in {@link #step steps} of a bounded number of entities (a {@link Sweep} in the store between them), so the end
 * marker of a large organization does not hold the partition; events applied between the steps mark what they
 * touch for it as for an open resync.
 */
final class ResyncSweeper {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final String MEMBER = "m";
    private static final String GROUP = "g";
    private static final String MEMBERSHIP = "s";
    /** Infix (after the resync id) of the notes of what its count found unseen: resync id|u|kind|entity key. */
    private static final String UNSEEN = "|u|";
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
     * org → the resyncs whose sweep goes on (ended, not yet swept whole): an event of the organization marks what it
     * touches for them too, so that their later steps keep it. Read from the sweeps store when the task starts.
     */
    private final Map<String, List<String>> sweeping = new HashMap<>();

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
        for (Sweep sweep : stores.sweeps()) {
            if (sweep.kind() == Sweep.Kind.RESYNC) {
                sweeping.computeIfAbsent(sweep.organizationId(), o -> new ArrayList<>()).add(sweep.resync().resyncId());
            }
        }
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
     * Marks what {@code change} touched as seen, for the organization's open resync and for those whose sweep goes on.
     *
     * @param itemOf the resync whose snapshot item {@code change} is; null for a live event
     */
    void touched(String organizationId, DirectoryChange change, String itemOf) {
        ActiveResync resync = active.get(organizationId);
        if (resync != null) {
            if (resync.resyncId().equals(itemOf)) {
                active.put(organizationId, resync.withOneMoreItem());
            }
            mark(resync.resyncId(), change);
        }
        List<String> ofOrganization = sweeping.get(organizationId);
        if (ofOrganization != null) {
            ofOrganization.forEach(id -> mark(id, change));
        }
    }

    private void mark(String id, DirectoryChange change) {
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
     * Ends the resync: an aborted one or one with items missing fails at once; otherwise its sweep starts here and
     * goes on in {@link #step}s of at most {@code budget} entities, the first in this call.
     *
     * @param changes the bookkeeping of this event, for the counts the sweep removed
     * @return null when {@code e} is not the end of the organization's open resync (stale)
     */
    Step end(DirectoryChange.ResyncEnd e, Changes changes, Instant now, int budget) {
        String org = e.organizationId();
        ActiveResync resync = active.get(org);
        if (resync == null || !resync.resyncId().equals(e.resyncId())) {
            return null;
        }
        active.delete(org);
        if (e.aborted() || (e.snapshotItems() >= 0 && resync.items() != e.snapshotItems())) {
            forget(resync.resyncId());
            String note = e.aborted() ? "aborted, nothing swept: " + e.reason()
                    : String.format(Locale.ROOT, "incomplete snapshot: %d of its %d items applied (see the "
                            + "dead-letter topic); nothing swept", resync.items(), e.snapshotItems());
            return new Step(0, new Ended(org, resync.resyncId(), "failed", new ResyncOutcome(resync.scope(),
                    resync.dryRun(), 0, 0, 0, 0, note)));
        }
        sweeping.computeIfAbsent(org, o -> new ArrayList<>()).add(resync.resyncId());
        return step(Sweep.resync(org, resync, e.eventId(), e.eventCreatedAt(), now), budget, changes);
    }

    /** What a step of a sweep did: the entities it went through, and the resync's end once it has one. */
    record Step(int visited, Ended ended) {
    }

    /**
     * Goes through at most {@code budget} more entities of the sweep: counts what is present and what the resync
     * did not see, then decides (a dry run previews, the safeguard holds), then removes. Whether an entity is
     * removed is decided when the removal step reaches it: an entity a later event touched in between (a live
     * change, a newer resync's item) is marked seen by that event and stays. The sweep is kept in the store while it
     * goes on (so a restart resumes it); its marks are forgotten when it ends.
     *
     * @param changes the bookkeeping of this step, for the counts it removed
     */
    Step step(Sweep sweep, int budget, Changes changes) {
        String org = sweep.organizationId();
        ActiveResync resync = sweep.resync();
        String id = resync.resyncId();
        Sweep s = sweep;
        String eventId = sweep.eventId();
        Instant eventCreatedAt = sweep.eventCreatedAt();
        Ended ended = null;
        boolean removedAll = false;
        int visited = 0;
        long deadline = System.nanoTime() + Sweep.STEP_TIME.toNanos();
        int max;
        while (ended == null && !removedAll && (max = Sweep.nextBatch(budget, visited, deadline)) > 0) {
            switch (s.phase()) {
                case COUNT_MEMBERS -> {
                    List<Member> batch = stores.membersAfter(org, s.cursor(), max);
                    long present = 0;
                    long unseen = 0;
                    for (Member m : batch) {
                        if (!m.removed()) {
                            present++;
                            if (resync.members() && !isSeen(id, MEMBER, m.key())) {
                                unseen++;
                                noteUnseen(id, MEMBER, m.key());
                            }
                        }
                    }
                    visited += batch.size();
                    s = s.counted(s.present().plus(present, 0, 0), s.unseen().plus(unseen, 0, 0));
                    s = batch.size() < max ? s.at(Sweep.Phase.COUNT_GROUPS, null)
                            : s.at(Sweep.Phase.COUNT_MEMBERS, batch.get(batch.size() - 1).key());
                }
                case COUNT_GROUPS -> {
                    List<Group> batch = stores.groupsAfter(org, s.cursor(), max);
                    long present = 0;
                    long unseen = 0;
                    for (Group g : batch) {
                        if (!g.removed()) {
                            present++;
                            if (resync.groups() && !isSeen(id, GROUP, g.key())) {
                                unseen++;
                                noteUnseen(id, GROUP, g.key());
                            }
                        }
                    }
                    visited += batch.size();
                    s = s.counted(s.present().plus(0, present, 0), s.unseen().plus(0, unseen, 0));
                    s = batch.size() < max ? s.at(Sweep.Phase.COUNT_MEMBERSHIPS, null)
                            : s.at(Sweep.Phase.COUNT_GROUPS, batch.get(batch.size() - 1).key());
                }
                case COUNT_MEMBERSHIPS -> {
                    List<Membership> batch = stores.membershipsAfter(org, s.cursor(), max);
                    long present = 0;
                    long unseen = 0;
                    for (Membership m : batch) {
                        if (!m.removed()) {
                            present++;
                            if (resync.groups() && !isSeen(id, MEMBERSHIP, m.key())) {
                                unseen++;
                                noteUnseen(id, MEMBERSHIP, m.key());
                            } else if (endsWithItsMemberOrGroup(s, m)) {
                                unseen++;
                            }
                        }
                    }
                    visited += batch.size();
                    s = s.counted(s.present().plus(0, 0, present), s.unseen().plus(0, 0, unseen));
                    if (batch.size() == max) {
                        s = s.at(Sweep.Phase.COUNT_MEMBERSHIPS, batch.get(batch.size() - 1).key());
                    } else {
                        ended = decide(s);
                        s = s.at(Sweep.Phase.REMOVE_MEMBERS, null);
                    }
                }
                case REMOVE_MEMBERS -> {
                    // only what was unseen when counted (events since only add marks), and is still unseen now
                    Sweep.Pass pass = removeNoted(id, MEMBER, s.cursor(), max, key -> {
                        Member m = stores.member(key);
                        if (m == null || m.removed() || isSeen(id, MEMBER, key)) {
                            return false;
                        }
                        rules.apply(new DirectoryChange.RemoveMember(eventId, eventCreatedAt,
                                m.asRemoved(removal(id, resync.scanStartedAt(), m.version(), List.of()),
                                        eventCreatedAt),
                                removal(id, resync.scanStartedAt(), m.version(),
                                        stores.membershipsOfMember(org, m.directoryUserId()))));
                        return true;
                    });
                    visited += pass.visited();
                    s = pass.done() ? s.at(Sweep.Phase.REMOVE_GROUPS, null)
                            : s.at(Sweep.Phase.REMOVE_MEMBERS, pass.last());
                }
                case REMOVE_GROUPS -> {
                    Sweep.Pass pass = removeNoted(id, GROUP, s.cursor(), max, key -> {
                        Group g = stores.group(key);
                        if (g == null || g.removed() || isSeen(id, GROUP, key)) {
                            return false;
                        }
                        rules.apply(new DirectoryChange.RemoveGroup(eventId, eventCreatedAt,
                                g.asRemoved(removal(id, resync.scanStartedAt(), g.version(), List.of()),
                                        eventCreatedAt),
                                removal(id, resync.scanStartedAt(), g.version(),
                                        stores.membershipsOfGroup(org, g.directoryGroupId()))));
                        return true;
                    });
                    visited += pass.visited();
                    s = pass.done() ? s.at(Sweep.Phase.REMOVE_MEMBERSHIPS, null)
                            : s.at(Sweep.Phase.REMOVE_GROUPS, pass.last());
                }
                case REMOVE_MEMBERSHIPS -> {
                    // those unseen themselves (a resync of groups); those of the members and groups removed ended
                    // with them (see DirectoryRules)
                    Sweep.Pass pass = removeNoted(id, MEMBERSHIP, s.cursor(), max, key -> {
                        Membership m = stores.membership(key);
                        if (m == null || m.removed() || isSeen(id, MEMBERSHIP, key)) {
                            return false;
                        }
                        rules.apply(new DirectoryChange.RemoveMembership(eventId, eventCreatedAt,
                                new Membership(org, m.directoryGroupId(), m.directoryUserId(), m.directoryId(),
                                        removal(id, resync.scanStartedAt(), m.version(), List.of()),
                                        eventCreatedAt, true)));
                        return true;
                    });
                    visited += pass.visited();
                    if (pass.done()) {
                        removedAll = true;
                    } else {
                        s = s.at(Sweep.Phase.REMOVE_MEMBERSHIPS, pass.last());
                    }
                }
            }
        }
        s = s.stepped(-changes.membersDelta(), -changes.groupsDelta(), -changes.membershipsDelta());
        if (removedAll) {
            ended = completed(s);
        }
        if (ended == null) {
            stores.putSweep(s);
        } else {
            if (sweep.steps() > 0) {
                stores.deleteSweep(sweep);
            }
            List<String> ofOrg = sweeping.get(org);
            if (ofOrg != null && ofOrg.remove(id) && ofOrg.isEmpty()) {
                sweeping.remove(org);
            }
            forget(id);
        }
        return new Step(visited, ended);
    }

    /**
     * Whether the sweep would end this present membership with its member or group (asked only when it removes
     * some: the counts of the earlier phases say; and a mark is read before the entity).
     */
    private boolean endsWithItsMemberOrGroup(Sweep s, Membership m) {
        String id = s.resync().resyncId();
        String org = m.organizationId();
        String userKey = EntityKeys.member(org, m.directoryUserId());
        if (s.unseen().members() > 0 && !isSeen(id, MEMBER, userKey)) {
            Member member = stores.member(userKey);
            if (member != null && !member.removed()) {
                return true;
            }
        }
        String groupKey = EntityKeys.group(org, m.directoryGroupId());
        if (s.unseen().groups() > 0 && !isSeen(id, GROUP, groupKey)) {
            Group group = stores.group(groupKey);
            return group != null && !group.removed();
        }
        return false;
    }

    /** After counting: a dry run's preview, or the safeguard's hold; null when the removal goes ahead. */
    private static Ended decide(Sweep s) {
        ActiveResync resync = s.resync();
        String org = s.organizationId();
        String id = resync.resyncId();
        List<String> beyond = beyond(s);
        Sweep.Counts unseen = s.unseen();
        String what = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", unseen.members(),
                unseen.groups(), unseen.memberships());
        if (resync.dryRun()) {
            return new Ended(org, id, "previewed", outcome(resync, unseen, s.present().members(),
                    "dry run: would remove " + what + (!beyond.isEmpty() && !resync.force()
                            ? "; would be held: " + limits(beyond, resync) : "")));
        }
        if (!beyond.isEmpty() && !resync.force()) {
            return new Ended(org, id, "held", outcome(resync, unseen, s.present().members(),
                    "held: would remove " + what + " (" + limits(beyond, resync) + "); nothing removed (re-run with "
                            + "--force)"));
        }
        return null;
    }

    private static Ended completed(Sweep s) {
        ActiveResync resync = s.resync();
        Sweep.Counts removed = s.removed();
        List<String> beyond = beyond(s);
        String what = String.format(Locale.ROOT, "%d members, %d groups, %d memberships", removed.members(),
                removed.groups(), removed.memberships());
        return new Ended(s.organizationId(), resync.resyncId(), "completed", new ResyncOutcome(resync.scope(), false,
                removed.members(), removed.groups(), removed.memberships(), s.present().members(), "removed " + what
                + (!beyond.isEmpty() ? " (forced beyond the safeguard: " + limits(beyond, resync) + ")" : "")));
    }

    /** The safeguard: members and groups by count and share, memberships by share. */
    private static List<String> beyond(Sweep s) {
        List<String> beyond = new ArrayList<>();
        beyond(beyond, "members", s.unseen().members(), s.present().members(), s.resync(), true);
        beyond(beyond, "groups", s.unseen().groups(), s.present().groups(), s.resync(), true);
        beyond(beyond, "memberships", s.unseen().memberships(), s.present().memberships(), s.resync(), false);
        return beyond;
    }

    private static String limits(List<String> beyond, ActiveResync resync) {
        return String.join(", ", beyond) + String.format(Locale.ROOT, "; the safeguard allows %d%% / %d",
                resync.maxRemovalPercent(), resync.maxRemovalCount());
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

    private static ResyncOutcome outcome(ActiveResync resync, Sweep.Counts unseen, long present, String note) {
        return new ResyncOutcome(resync.scope(), resync.dryRun(), unseen.members(), unseen.groups(),
                unseen.memberships(), present, note);
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

    /** A removal pass over the entities noted unseen of one kind (see {@link Sweep#through}). */
    private Sweep.Pass removeNoted(String resyncId, String kind, String cursor, int budget, Predicate<String> removal) {
        return Sweep.through(unseenAfter(resyncId, kind, cursor, budget), cursor, budget, key -> key, removal);
    }

    /**
     * Notes an entity the count found present and unseen, under the resync's own prefix (so it is forgotten with its
     * marks): the removal steps go through these notes, not the whole organization again.
     */
    private void noteUnseen(String resyncId, String kind, String entityKey) {
        seen.put(resyncId + UNSEEN + kind + '|' + entityKey, "");
    }

    /**
     * At most {@code max} entity keys noted unseen of one kind, in key order, after {@code cursor} (null: from the
     * first).
     */
    private List<String> unseenAfter(String resyncId, String kind, String cursor, int max) {
        String prefix = resyncId + UNSEEN + kind + '|';
        // every note of the kind sorts between the prefix and the same with its last character ('|') incremented
        String end = prefix.substring(0, prefix.length() - 1) + (char) ('|' + 1);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = seen.range(cursor == null ? prefix : prefix + cursor, end)) {
            while (keys.size() < max && it.hasNext()) {
                String key = it.next().key;
                if (key.startsWith(prefix)) {
                    String entityKey = key.substring(prefix.length());
                    if (!entityKey.equals(cursor)) {
                        keys.add(entityKey);
                    }
                }
            }
        }
        return keys;
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
