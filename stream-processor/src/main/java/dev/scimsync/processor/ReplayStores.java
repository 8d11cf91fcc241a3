package dev.scimsync.processor;

/**
 * Where a replay's Kafka Streams application keeps its stores. Its state is thrown away when it ends or stops, so it
 * may live on the heap ({@link dev.scimsync.processor.state.HeapStoreSupplier}), which costs the stream thread far
 * less than RocksDB, as long as it fits.
 */
public enum ReplayStores {
    /** On the heap when the estimate of the state fits ({@link #fitsOnHeap}), otherwise in RocksDB. */
    AUTO,
    /** On the heap, whatever the size of the history (an estimate too large is only logged). */
    HEAP,
    /** In RocksDB under the state directory, as the live processor's. */
    DISK;

    /**
     * Heap bytes a replay's stores are taken to hold per event of history read: measured ~900 bytes per event (heap
     * after collection, before and at the end of a replay of 1,021,362 events, each a new member, group or
     * membership: BENCHMARKS.md, "Replay"), with a margin; a history with duplicates, updates and removals holds fewer
     * entities per event.
     */
    public static final long HEAP_BYTES_PER_EVENT = 1_536;

    /**
     * Whether a replay of {@code events} events fits on this JVM's heap: the estimate at most half of what the heap
     * can still grow to ({@code -Xmx} minus what is in use), the live stages keeping the other half.
     */
    public static boolean fitsOnHeap(long events, Runtime runtime) {
        long used = runtime.totalMemory() - runtime.freeMemory();
        long available = runtime.maxMemory() - used;
        return events * HEAP_BYTES_PER_EVENT <= available / 2;
    }

    /** Whether a replay of {@code events} events keeps its stores on the heap. */
    public boolean onHeap(long events, Runtime runtime) {
        return onHeap(fitsOnHeap(events, runtime));
    }

    /** Whether a replay keeps its stores on the heap, given whether they {@linkplain #fitsOnHeap fit}. */
    public boolean onHeap(boolean fits) {
        return switch (this) {
            case HEAP -> true;
            case DISK -> false;
            case AUTO -> fits;
        };
    }
}
