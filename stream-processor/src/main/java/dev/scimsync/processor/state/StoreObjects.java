package dev.scimsync.processor.state;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store of one task with the values last read or written kept as objects: the store's cache holds bytes, so every
 * read of a hot key (an organization's status, read twice by every applied event; a group, read by every membership
 * event) parsed the JSON again.
 *
 * <p>Write-through: every {@link #put} and {@link #delete} goes to the store at once, as before, so what the store
 * holds at a commit is exactly what the task's committed output implies, whenever Kafka Streams commits (commit
 * interval, rebalance, close: a wall-clock punctuator is not guaranteed to run before any of them), and nothing has
 * to be flushed first. Only point reads are answered from the map (scans read the store). The map cannot go stale as
 * long as every write of the store goes through it (the processor is the store's only writer, and the store changes
 * otherwise only while the processor is not initialised: restoration runs before {@code init}, and an aborted
 * transaction under exactly-once closes the task dirty, which closes the processor, wipes the stores and restores
 * them before {@code init} again). The owner creates one in {@code init} and {@link #clear}s it in {@code close}:
 * the lifetime of the store's own cache.
 *
 * <p>At most {@code maxObjects} values are held, the least recently used leave first.
 */
final class StoreObjects<V> {

    private final KeyValueStore<String, V> store;
    private final Map<String, V> objects;

    StoreObjects(KeyValueStore<String, V> store, int maxObjects) {
        this.store = store;
        this.objects = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxObjects;
            }
        };
    }

    /** The value, or null while the store has none. */
    V get(String key) {
        V value = objects.get(key);
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                objects.put(key, value);
            }
        }
        return value;
    }

    /** Stores the value (in the store now, not later). */
    void put(String key, V value) {
        store.put(key, value);
        objects.put(key, value);
    }

    void delete(String key) {
        store.delete(key);
        objects.remove(key);
    }

    /** The store itself, for scans. */
    KeyValueStore<String, V> store() {
        return store;
    }

    void clear() {
        objects.clear();
    }
}
