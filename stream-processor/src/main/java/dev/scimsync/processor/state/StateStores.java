package dev.scimsync.processor.state;

import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.JsonSerde;

/**
 * The processor's stores: persistent (RocksDB), each with a changelog topic (a replay's without, and on the heap when
 * they fit: {@link HeapStoreSupplier}), all co-partitioned
 * with the events topic (one task per organization partition). Keys of the entity stores are the state-topic keys
 * ({@link dev.scimsync.core.model.EntityKeys}), organization first, so one organization is one prefix scan.
 */
public final class StateStores {

    /**
     * created_at millis (19 digits)/event id → event type: the ids remembered for dedup, oldest first, so that the
     * expired ones are one range scan (see {@link dev.scimsync.processor.dedup.EventDeduplicator}). Not named
     * {@code dedup}: that store was a window store, whose changelog holds windowed keys.
     */
    public static final String DEDUP = "dedup-ids";
    /** org/user → member with version; removed members stay (removed=true) until purged. */
    public static final String MEMBERS = "members";
    /** org/group → group with version; removed groups stay until purged. */
    public static final String GROUPS = "groups";
    /** org/group/user → membership with version; ended memberships stay until purged. */
    public static final String MEMBERSHIPS = "memberships";
    /** org/user/group → group id, for every present membership: the groups of a member, without a scan. */
    public static final String MEMBERSHIPS_BY_MEMBER = "memberships-by-member";
    /** expiry millis (19 digits)|kind|entity key → version of the removal: what the purge punctuator drops when. */
    public static final String REMOVALS = "removals";
    /**
     * org/directory → version of its dsync.deleted: every change of the directory not newer than it is stale, so an
     * older event delivered after the delete cannot bring its member, group or membership back.
     */
    public static final String DIRECTORY_REMOVALS = "directory-removals";
    /** org → status (last event applied, counts present), updated incrementally. */
    public static final String STATUS = "status";
    /** org → "" for every organization whose status changed since it was last emitted (at most once a commit). */
    public static final String PENDING_STATUS = "pending-status";

    /** org → the resync between its begin and end markers (see {@link ResyncSweeper}). */
    public static final String RESYNCS = "resyncs";
    /** resync id|kind|entity key → "" for every member (m), group (g), membership (s) the open resync saw. */
    public static final String RESYNC_SEEN = "resync-seen";
    /**
     * org|r|resync id or org|d|directory id → a resync's sweep or a directory's removal that goes on after the record
     * that started it, a bounded number of entities per step (see {@link Sweep}).
     */
    public static final String SWEEPS = "sweeps";

    public static final List<String> ALL = List.of(DEDUP, MEMBERS, GROUPS, MEMBERSHIPS, MEMBERSHIPS_BY_MEMBER, REMOVALS,
            DIRECTORY_REMOVALS, STATUS, PENDING_STATUS, RESYNCS, RESYNC_SEEN, SWEEPS);

    private StateStores() {
    }

    /**
     * Stores whose keys are read or written by many events between two commits are cached
     * ({@code statestore.cache.max.bytes}): the organization's status and pending-status (every applied event),
     * members and groups (read by every membership event), directory removals (read by every event). A key written
     * many times then reaches RocksDB and its changelog once per commit, not once per event. The others are written
     * about once per key (dedup, memberships, the membership index, removal expiries): a cache would only add its
     * own bookkeeping and evictions.
     */
    public static List<StoreBuilder<?>> builders() {
        return builders(false);
    }

    /**
     * The stores, without changelog topics when {@code disposable} (see
     * {@link dev.scimsync.processor.ProcessorConfig#disposableState}): nothing restores them, and a replay writes
     * about three changelog records per event.
     */
    public static List<StoreBuilder<?>> builders(boolean disposable) {
        return builders(disposable, false);
    }

    /**
     * @param onHeap the stores on the heap ({@link HeapStoreSupplier}) instead of RocksDB; only with
     *               {@code disposable} state (nothing would survive a restart)
     */
    public static List<StoreBuilder<?>> builders(boolean disposable, boolean onHeap) {
        if (onHeap && !disposable) {
            throw new IllegalArgumentException("only disposable state may be kept on the heap");
        }
        List<StoreBuilder<?>> stores = List.of(
                store(DEDUP, Serdes.String(), onHeap),
                store(MEMBERS, JsonSerde.of(Member.class), onHeap),
                cached(store(GROUPS, JsonSerde.of(Group.class), onHeap)),
                store(MEMBERSHIPS, JsonSerde.of(Membership.class), onHeap),
                store(MEMBERSHIPS_BY_MEMBER, Serdes.String(), onHeap),
                store(REMOVALS, JsonSerde.of(Version.class), onHeap),
                cached(store(DIRECTORY_REMOVALS, JsonSerde.of(Version.class), onHeap)),
                cached(store(STATUS, new StatusStoreSerde(), onHeap)),
                cached(store(PENDING_STATUS, Serdes.String(), onHeap)),
                cached(store(RESYNCS, JsonSerde.of(ActiveResync.class), onHeap)),
                store(RESYNC_SEEN, Serdes.String(), onHeap),
                store(SWEEPS, JsonSerde.of(Sweep.class), onHeap));
        return disposable ? stores.stream().<StoreBuilder<?>>map(StoreBuilder::withLoggingDisabled).toList() : stores;
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values, boolean onHeap) {
        return Stores.keyValueStoreBuilder(onHeap ? new HeapStoreSupplier(name) : Stores.persistentKeyValueStore(name),
                Serdes.String(), values);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> cached(StoreBuilder<KeyValueStore<String, V>> store) {
        return store.withCachingEnabled();
    }
}
