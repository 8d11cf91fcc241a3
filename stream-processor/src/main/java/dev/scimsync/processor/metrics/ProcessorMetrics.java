package dev.scimsync.processor.metrics;

/**
 * What the topology reports about each event, by WorkOS event type. Called from stream threads; implementations
 * must be thread-safe.
 */
public interface ProcessorMetrics {

    /** Reports nothing: the topology tests' default. */
    ProcessorMetrics NONE = new ProcessorMetrics() {
        @Override
        public void applied(String eventType) {
        }

        @Override
        public void duplicate(String eventType) {
        }

        @Override
        public void stale(String eventType) {
        }
    };

    /** The event changed the state. */
    void applied(String eventType);

    /** The event id was seen before: nothing done. */
    void duplicate(String eventType);

    /** The event was older than the state it would change (or changed nothing): nothing emitted. */
    void stale(String eventType);

    /**
     * A resync ended (swept, previewed, held or failed), {@code took} after its end marker came (its sweep's steps and
     * the records applied between them).
     */
    default void resyncEnded(java.time.Duration took) {
    }

    /** One step of a resync's sweep or a directory's removal took {@code took} (the partition waited as long). */
    default void sweepStep(java.time.Duration took) {
    }
}
