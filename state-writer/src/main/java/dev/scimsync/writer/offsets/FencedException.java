package dev.scimsync.writer.offsets;

import org.apache.kafka.common.TopicPartition;

/**
 * Another writer moved a partition's stored offset since this one read it (it took the partition over in a
 * rebalance). The batch is rolled back; the writer re-reads the stored offsets before going on.
 */
public final class FencedException extends Exception {

    private final TopicPartition partition;

    public FencedException(TopicPartition partition, Long expected) {
        super("stored offset of " + partition + " is no longer " + (expected == null ? "absent" : expected)
                + ": another writer owns the partition");
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }
}
