package dev.scimsync.processor.state;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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
 * where RocksDB cost the stream thread 30–40 % of its CPU, and background threads besides (BENCHMARKS.md, "Replay").
 *
 * <p>Not Kafka Streams' own in-memory store, for two reasons. Its iterators copy the keys of their whole range first,
 * so that a sweep going through an organization step by step, or the removal of expired event ids a thousand at a
 * time, would copy the rest of the range at every step; here a range is read as it goes, each step a lookup of the
 * next key in a {@link TreeMap} (the callers may write to the store while they go through a range; a sorted map's
 * own iterator would fail then). And its contents go with the store when the task closes, while a task closed and
 * opened again in the same instance (a rebalance) must find its state as it left it, as a RocksDB store without a
 * changelog would on disk: here the maps belong to the supplier, one per task, for as long as the topology lives. A
 * task's map is used by one stream thread at a time, as Kafka Streams runs a task.
 */
public final class HeapStoreSupplier implements KeyValueBytesStoreSupplier {

    /** Keys in the order RocksDB keeps them: bytes compared unsigned. */
    private static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;
    /** Values this short are shared between entries when equal (see {@link #shared}). */
    static final int SHARED_VALUE_MAX_BYTES = 64;
    /** At most this many distinct short values are shared. */
    static final int MAX_SHARED_VALUES = 1_024;

    private final String name;
    private final Map<TaskId, TreeMap<byte[], byte[]>> tasks = new ConcurrentHashMap<>();
    /** Short values seen, each once: most entries of some stores hold one of a few (event types, group ids, ""). */
    private final Map<Bytes, byte[]> sharedValues = new ConcurrentHashMap<>();

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

    /** Entries held for every task (for tests). */
    long entries() {
        return tasks.values().stream().mapToLong(Map::size).sum();
    }

    /**
     * The array to keep for {@code value}: an equal short value's array when one is kept already. A replay keeps
     * millions of entries alive to its end, and the garbage collector's work grows with their objects (BENCHMARKS.md,
     * "Replay"); the arrays are never written to once stored.
     */
    private byte[] shared(byte[] value) {
        if (value.length > SHARED_VALUE_MAX_BYTES) {
            return value;
        }
        Bytes wrapped = Bytes.wrap(value);
        byte[] kept = sharedValues.get(wrapped);
        if (kept != null) {
            return kept;
        }
        if (sharedValues.size() < MAX_SHARED_VALUES) {
            sharedValues.putIfAbsent(wrapped, value);
        }
        return value;
    }

    private final class HeapStore implements KeyValueStore<Bytes, byte[]> {

        private final Position position = Position.emptyPosition();
        /** Keys as arrays, not {@link Bytes}: one object less per entry. */
        private volatile TreeMap<byte[], byte[]> map;

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            map = tasks.computeIfAbsent(context.taskId(), task -> new TreeMap<>(KEY_ORDER));
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
                open().remove(key.get());
            } else {
                open().put(key.get(), shared(value));
            }
        }

        @Override
        public byte[] putIfAbsent(Bytes key, byte[] value) {
            byte[] previous = open().get(key.get());
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
            return open().remove(key.get());
        }

        @Override
        public byte[] get(Bytes key) {
            return open().get(key.get());
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
            return new Entries(open(), from.get(), Bytes.increment(from).get(), false, false);
        }

        @Override
        public long approximateNumEntries() {
            return open().size();
        }

        /** Both bounds inclusive, as for RocksDB; a null bound is open; from after to gives nothing. */
        private KeyValueIterator<Bytes, byte[]> iterate(Bytes from, Bytes to, boolean reverse) {
            TreeMap<byte[], byte[]> all = open();
            if (from != null && to != null && from.compareTo(to) > 0) {
                return Entries.none();
            }
            return new Entries(all, from == null ? null : from.get(), to == null ? null : to.get(), true, reverse);
        }

        private TreeMap<byte[], byte[]> open() {
            TreeMap<byte[], byte[]> current = map;
            if (current == null) {
                throw new IllegalStateException("store " + name + " is not open");
            }
            return current;
        }
    }

    /**
     * A range read as it goes: each step finds the next key after the last one returned, so the caller may write to
     * the store between steps (a sorted map's own iterator would fail) and sees the keys as they are then.
     */
    private static final class Entries implements KeyValueIterator<Bytes, byte[]> {

        private final TreeMap<byte[], byte[]> map;
        /** Where the range starts (null: the first key), then the last key returned. */
        private byte[] from;
        private boolean fromIncluded = true;
        /** Where the range ends (null: the last key). */
        private final byte[] to;
        private final boolean toIncluded;
        private final boolean reverse;
        private Map.Entry<byte[], byte[]> next;
        private boolean done;

        /**
         * @param from       the first key (inclusive), null for the map's first
         * @param to         the last key, null for the map's last
         * @param toIncluded whether {@code to} itself is in the range
         * @param reverse    from {@code to} down to {@code from}
         */
        Entries(TreeMap<byte[], byte[]> map, byte[] from, byte[] to, boolean toIncluded, boolean reverse) {
            this.map = map;
            this.reverse = reverse;
            if (reverse) {
                // walks from `to` down to `from`
                this.from = to;
                this.to = from;
                this.toIncluded = true;
                this.fromIncluded = toIncluded;
            } else {
                this.from = from;
                this.to = to;
                this.toIncluded = toIncluded;
            }
        }

        /** No entries (a range whose start is after its end). */
        static Entries none() {
            Entries none = new Entries(new TreeMap<>(KEY_ORDER), null, null, true, false);
            none.done = true;
            return none;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                Map.Entry<byte[], byte[]> candidate = reverse
                        ? from == null ? map.lastEntry() : fromIncluded ? map.floorEntry(from) : map.lowerEntry(from)
                        : from == null ? map.firstEntry() : fromIncluded ? map.ceilingEntry(from) : map.higherEntry(from);
                if (candidate == null || beyondEnd(candidate.getKey())) {
                    done = true;
                } else {
                    next = candidate;
                    from = candidate.getKey();
                    fromIncluded = false;
                }
            }
            return next != null;
        }

        private boolean beyondEnd(byte[] key) {
            if (to == null) {
                return false;
            }
            int c = KEY_ORDER.compare(key, to);
            return reverse ? c < 0 || c == 0 && !toIncluded : c > 0 || c == 0 && !toIncluded;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> current = KeyValue.pair(Bytes.wrap(next.getKey()), next.getValue());
            next = null;
            return current;
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return Bytes.wrap(next.getKey());
        }

        @Override
        public void close() {
        }
    }
}
