package dev.scimsync.processor.state;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.model.SyncStatus;

/**
 * The {@code status} store of one task with its organizations' statuses kept as objects: every applied event reads
 * the status (its name, then its counts) and the store's cache holds bytes, so each read parsed the JSON again.
 *
 * <p>Write-through: every {@link #put} goes to the store at once, as before, so what the store holds at a commit is
 * exactly what the task's committed output implies, whenever Kafka Streams commits (commit interval, a rebalance, a
 * close), and no flush has to run before it. Only reads are answered from the map. It cannot go stale because this
 * processor is the only writer of the store, and the store changes otherwise only while the processor is not
 * initialised: restoration runs before {@code init}, and an aborted transaction (exactly-once) closes the task dirty,
 * which closes the processor, wipes the stores and restores them before {@code init} again. The owner creates a new
 * one in {@code init} and {@link #clear}s it in {@code close}, the lifetime of the store's own cache.
 *
 * <p>Holds one status per organization of the task that had an event since {@code init} (a few hundred bytes each).
 */
final class OrganizationStatuses {

    private final KeyValueStore<String, SyncStatus> store;
    private final Map<String, SyncStatus> statuses = new HashMap<>();

    OrganizationStatuses(KeyValueStore<String, SyncStatus> store) {
        this.store = store;
    }

    /** The organization's status, or null while it has none. */
    SyncStatus get(String organizationId) {
        SyncStatus status = statuses.get(organizationId);
        if (status == null) {
            status = store.get(organizationId);
            if (status != null) {
                statuses.put(organizationId, status);
            }
        }
        return status;
    }

    /** Stores the organization's new status (in the store now, not later). */
    void put(String organizationId, SyncStatus status) {
        store.put(organizationId, status);
        statuses.put(organizationId, status);
    }

    void clear() {
        statuses.clear();
    }
}
