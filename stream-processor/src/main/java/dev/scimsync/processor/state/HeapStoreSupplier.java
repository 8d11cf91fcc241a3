package dev.scimsync.processor.state;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stores on the heap for state that is thrown away (a replay's: {@link StateStores#builders(boolean, boolean)}),
 * where RocksDB cost the stream thread about 40 % of its CPU and background threads besides (BENCHMARKS.md, "Replay").
 *
 * <p>Not Kafka Streams' own in-memory store, for two reasons. Its iterators copy the keys of their whole range first,
 * so that a sweep going through an organization step by step, or the removal of expired event ids a thousand at a
 * time, would copy the rest of the range at every step; here a range is a view of a {@link ConcurrentSkipListMap},
 * read as it goes (weakly consistent: the callers write to the store while they go through a range, which they
 * materialize first where it matters). And its contents go with the store when the task closes, while a task closed
 * and opened again in the same instance (a rebalance) must find its state as it left it, as a RocksDB store without a
 * changelog would on disk: here the maps belong to the supplier, one per task, for as long as the topology lives.
 */
public final class HeapStoreSupplier implements KeyValueBytesStoreSupplier {

    private final String name;
    private final Map<TaskId, ConcurrentSkipListMap<Bytes, byte[]>> tasks = new ConcurrentHashMap<>();

    public HeapStoreSupplier(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return new HeapStore();
    }

    @Override
    public String metricsScope() {
        return "heap";
    }

    /** Entries held for every task (for tests and estimates). */
    long entries() {
        return tasks.values().stream().mapToLong(Map::size).sum();
    }

    private final class HeapStore implements KeyValueStore<Bytes, byte[]> {

        private final Position position = Position.emptyPosition();
        private volatile ConcurrentSkipListMap<Bytes, byte[]> map;

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            map = tasks.computeIfAbsent(context.taskId(), task -> new ConcurrentSkipListMap<>());
            // without a changelog (disposable state) nothing is ever restored into it
            context.register(root, (key, value) -> {
                throw new IllegalStateException("a heap store of disposable state has no changelog to restore");
            });
        }

        @Override
        public void close() {
            map = null; // the contents stay with the supplier: the task may open again in this instance
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public Position getPosition() {
            return position; // nothing queries a replay's stores
        }

        @Override
        public boolean isOpen() {
            return map != null;
        }

        @Override
        public void put(Bytes key, byte[] value) {
            if (value == null) {
                open().remove(key);
            } else {
                open().put(key, value);
            }
        }

        @Override
        public byte[] putIfAbsent(Bytes key, byte[] value) {
            byte[] previous = open().get(key);
            if (previous == null) {
                put(key, value);
            }
            return previous;
        }

        @Override
        public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
            for (KeyValue<Bytes, byte[]> entry : entries) {
                put(entry.key, entry.value);
            }
        }

        @Override
        public byte[] delete(Bytes key) {
            return open().remove(key);
        }

        @Override
        public byte[] get(Bytes key) {
            return open().get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            return iterate(from, to, false);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
            return iterate(from, to, true);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            return iterate(null, null, false);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseAll() {
            return iterate(null, null, true);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
            Bytes from = Bytes.wrap(serializer.serialize(null, prefix));
            Bytes to = Bytes.increment(from);
            return new Entries(open().subMap(from, true, to, false).entrySet().iterator());
        }

        @Override
        public long approximateNumEntries() {
            return open().size();
        }

        /** Both bounds inclusive, as for RocksDB; a null bound is open; from after to gives nothing. */
        private KeyValueIterator<Bytes, byte[]> iterate(Bytes from, Bytes to, boolean reverse) {
            ConcurrentSkipListMap<Bytes, byte[]> all = open();
            if (from != null && to != null && from.compareTo(to) > 0) {
                return new Entries(Collections.emptyIterator());
            }
            ConcurrentNavigableMap<Bytes, byte[]> range = from == null
                    ? to == null ? all : all.headMap(to, true)
                    : to == null ? all.tailMap(from, true) : all.subMap(from, true, to, true);
            NavigableMap<Bytes, byte[]> ordered = reverse ? range.descendingMap() : range;
            return new Entries(ordered.entrySet().iterator());
        }

        private ConcurrentSkipListMap<Bytes, byte[]> open() {
            ConcurrentSkipListMap<Bytes, byte[]> current = map;
            if (current == null) {
                throw new IllegalStateException("store " + name + " is not open");
            }
            return current;
        }
    }

    private static final class Entries implements KeyValueIterator<Bytes, byte[]> {

        private final Iterator<Map.Entry<Bytes, byte[]>> entries;
        private KeyValue<Bytes, byte[]> next;

        Entries(Iterator<Map.Entry<Bytes, byte[]>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            if (next == null && entries.hasNext()) {
                Map.Entry<Bytes, byte[]> entry = entries.next();
                next = KeyValue.pair(entry.getKey(), entry.getValue());
            }
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> current = next;
            next = null;
            return current;
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
        }
    }
}
