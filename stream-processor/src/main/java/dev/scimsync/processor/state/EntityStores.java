package dev.scimsync.processor.state;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;

/**
 * The entity stores of one task and the bookkeeping every write needs: the change in entities present, the
 * membership index, the removal expiry, and the emission of the new state. Also the directory removals, which are
 * not emitted (the state topics carry the removed entities).
 */
final class EntityStores {

    private static final StringSerializer KEYS = new StringSerializer();
    /** Groups kept as objects; a task with more groups reads the least recently used ones from the store again. */
    static final int MAX_GROUP_OBJECTS = 10_000;

    private final KeyValueStore<String, Member> members;
    /** Read by every membership event: kept as objects, see {@link StoreObjects}. */
    private final StoreObjects<Group> groups;
    private final KeyValueStore<String, Membership> memberships;
    private final KeyValueStore<String, String> membershipsByMember;
    private final KeyValueStore<String, Version> directoryRemovals;
    private final KeyValueStore<String, Sweep> sweeps;
    private final Removals removals;
    private final StateEmitter emitter;
    private Changes changes = new Changes();
    /** Set when a sweep was left for later since the last {@link #takeSweepLeft()}. */
    private boolean sweepLeft;

    EntityStores(KeyValueStore<String, Member> members, KeyValueStore<String, Group> groups,
                 KeyValueStore<String, Membership> memberships, KeyValueStore<String, String> membershipsByMember,
                 KeyValueStore<String, Version> directoryRemovals, KeyValueStore<String, Sweep> sweeps,
                 Removals removals, StateEmitter emitter) {
        this.sweeps = sweeps;
        this.members = members;
        this.groups = new StoreObjects<>(groups, MAX_GROUP_OBJECTS);
        this.memberships = memberships;
        this.membershipsByMember = membershipsByMember;
        this.directoryRemovals = directoryRemovals;
        this.removals = removals;
        this.emitter = emitter;
    }

    /** Drops the objects kept of the stores' values (the processor closes). */
    void clearObjects() {
        groups.clear();
    }

    /** Starts the bookkeeping of one event. */
    Changes begin() {
        changes = new Changes();
        return changes;
    }

    Member member(String key) {
        return members.get(key);
    }

    Group group(String key) {
        return groups.get(key);
    }

    Membership membership(String key) {
        return memberships.get(key);
    }

    /** The version of the directory's dsync.deleted, or null while it has none (or it was purged). */
    Version directoryRemoval(String organizationId, String directoryId) {
        return directoryRemovals.get(directoryKey(organizationId, directoryId));
    }

    /** Remembers a dsync.deleted (newer than the directory's previous one) until the tombstone retention ends. */
    void putDirectoryRemoval(String organizationId, String directoryId, Version version) {
        String key = directoryKey(organizationId, directoryId);
        directoryRemovals.put(key, version);
        changes.changed();
        removals.expireLater(Removals.Kind.DIRECTORY, key, version);
    }

    void putMember(Member next, Member previous) {
        members.put(next.key(), next);
        changes.changed();
        changes.members(present(!next.removed()) - present(previous != null && !previous.removed()));
        if (next.removed()) {
            removals.expireLater(Removals.Kind.MEMBER, next.key(), next.version());
        }
        emitter.member(next);
    }

    void putGroup(Group next, Group previous) {
        groups.put(next.key(), next);
        changes.changed();
        changes.groups(present(!next.removed()) - present(previous != null && !previous.removed()));
        if (next.removed()) {
            removals.expireLater(Removals.Kind.GROUP, next.key(), next.version());
        }
        emitter.group(next);
    }

    /**
     * Stores a membership; it is emitted when it appears, ends, or ends while unknown to the store (the writer may
     * still hold it), not when only its version moves.
     */
    void putMembership(Membership next, Membership previous) {
        boolean wasPresent = previous != null && !previous.removed();
        memberships.put(next.key(), next);
        changes.changed();
        changes.memberships(present(!next.removed()) - present(wasPresent));
        String indexKey = EntityKeys.member(next.organizationId(), next.directoryUserId()) + EntityKeys.SEPARATOR
                + next.directoryGroupId();
        if (next.removed()) {
            membershipsByMember.delete(indexKey);
            removals.expireLater(Removals.Kind.MEMBERSHIP, next.key(), next.version());
        } else {
            membershipsByMember.put(indexKey, next.directoryGroupId());
        }
        if (previous == null || wasPresent == next.removed()) {
            emitter.membership(next);
        }
    }

    List<Membership> membershipsOfGroup(String organizationId, String directoryGroupId) {
        return values(memberships, EntityKeys.group(organizationId, directoryGroupId) + EntityKeys.SEPARATOR);
    }

    /** The present memberships of a member, through the index. */
    List<Membership> membershipsOfMember(String organizationId, String directoryUserId) {
        List<Membership> found = new ArrayList<>();
        for (String groupId : values(membershipsByMember,
                EntityKeys.member(organizationId, directoryUserId) + EntityKeys.SEPARATOR)) {
            Membership membership = memberships.get(EntityKeys.membership(organizationId, groupId, directoryUserId));
            if (membership != null) {
                found.add(membership);
            }
        }
        return found;
    }

    /** Keeps a sweep for the steps after this one. */
    void putSweep(Sweep sweep) {
        sweeps.put(sweep.key(), sweep);
        sweepLeft = true;
    }

    void deleteSweep(Sweep sweep) {
        sweeps.delete(sweep.key());
    }

    /** Whether a sweep was kept for later since the last call (the caller schedules the next steps). */
    boolean takeSweepLeft() {
        boolean left = sweepLeft;
        sweepLeft = false;
        return left;
    }

    /** Every sweep left for later, in key order (organization first). */
    List<Sweep> sweeps() {
        List<Sweep> all = new ArrayList<>();
        try (KeyValueIterator<String, Sweep> it = sweeps.all()) {
            it.forEachRemaining(entry -> all.add(entry.value));
        }
        return all;
    }

    /**
     * At most {@code max} members of the organization, in key order, after the key {@code cursor} (null: from the
     * first).
     */
    List<Member> membersAfter(String organizationId, String cursor, int max) {
        return after(members, organizationId, cursor, max);
    }

    List<Group> groupsAfter(String organizationId, String cursor, int max) {
        return after(groups.store(), organizationId, cursor, max);
    }

    List<Membership> membershipsAfter(String organizationId, String cursor, int max) {
        return after(memberships, organizationId, cursor, max);
    }

    List<Member> membersOf(String organizationId) {
        return values(members, organizationId + EntityKeys.SEPARATOR);
    }

    List<Group> groupsOf(String organizationId) {
        return values(groups.store(), organizationId + EntityKeys.SEPARATOR);
    }

    List<Membership> membershipsOf(String organizationId) {
        return values(memberships, organizationId + EntityKeys.SEPARATOR);
    }

    /** Drops a removal record whose time is up, unless the entity changed again since. */
    void purge(Removals.Expired expired) {
        switch (expired.kind()) {
            case MEMBER -> {
                Member m = members.get(expired.entityKey());
                if (m != null && m.removed() && m.version().equals(expired.version())) {
                    members.delete(expired.entityKey());
                }
            }
            case GROUP -> {
                Group g = groups.get(expired.entityKey());
                if (g != null && g.removed() && g.version().equals(expired.version())) {
                    groups.delete(expired.entityKey());
                }
            }
            case MEMBERSHIP -> {
                Membership s = memberships.get(expired.entityKey());
                if (s != null && s.removed() && s.version().equals(expired.version())) {
                    memberships.delete(expired.entityKey());
                }
            }
            case DIRECTORY -> {
                if (expired.version().equals(directoryRemovals.get(expired.entityKey()))) {
                    directoryRemovals.delete(expired.entityKey());
                }
            }
        }
        removals.forget(expired.indexKey());
    }

    Removals removals() {
        return removals;
    }

    private static String directoryKey(String organizationId, String directoryId) {
        return organizationId + EntityKeys.SEPARATOR + directoryId;
    }

    private static int present(boolean present) {
        return present ? 1 : 0;
    }

    /** Materialised first, like {@link #values}; a range, not a prefix scan, so that each step starts at its cursor. */
    private static <V> List<V> after(KeyValueStore<String, V> store, String organizationId, String cursor, int max) {
        String prefix = organizationId + EntityKeys.SEPARATOR;
        // every key of the organization sorts between its prefix and the organization id followed by the next
        // character after the separator
        String end = organizationId + (char) (EntityKeys.SEPARATOR + 1);
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.range(cursor == null ? prefix : cursor, end)) {
            while (values.size() < max && it.hasNext()) {
                KeyValue<String, V> entry = it.next();
                if (!entry.key.equals(cursor) && entry.key.startsWith(prefix)) {
                    values.add(entry.value);
                }
            }
        }
        return values;
    }

    /** Materialised first: the callers write to the same store while they go through the results. */
    private static <V> List<V> values(KeyValueStore<String, V> store, String prefix) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, V> entry = it.next();
                values.add(entry.value);
            }
        }
        return values;
    }
}
