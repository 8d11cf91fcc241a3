package dev.scimsync.processor.state;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.JsonSerde;

/**
 * The processor's stores: persistent (RocksDB), each with a changelog topic, all co-partitioned with the events
 * topic (one task per organization partition). Keys of the entity stores are the state-topic keys
 * ({@link dev.scimsync.core.model.EntityKeys}), organization first, so one organization is one prefix scan.
 */
public final class StateStores {

    /** Event id → event type, windowed by the event's created_at: dropped whole segments bound its size. */
    public static final String DEDUP = "dedup";
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
    /** org → status (last event applied, counts present), updated incrementally. */
    public static final String STATUS = "status";

    public static final List<String> ALL = List.of(DEDUP, MEMBERS, GROUPS, MEMBERSHIPS, MEMBERSHIPS_BY_MEMBER, REMOVALS,
            STATUS);

    private StateStores() {
    }

    public static List<StoreBuilder<?>> builders(Duration dedupRetention) {
        return List.of(
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(DEDUP, dedupRetention, Duration.ofMillis(1), false),
                        Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS), Serdes.String(),
                        JsonSerde.of(Member.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUPS), Serdes.String(),
                        JsonSerde.of(Group.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERSHIPS), Serdes.String(),
                        JsonSerde.of(Membership.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERSHIPS_BY_MEMBER), Serdes.String(),
                        Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REMOVALS), Serdes.String(),
                        JsonSerde.of(Version.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATUS), Serdes.String(),
                        JsonSerde.of(SyncStatus.class)));
    }
}
