package dev.scimsync.processor.partition;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.streams.processor.StreamPartitioner;

import dev.scimsync.core.topic.OrganizationPartitioning;

/**
 * Writes every state record to its organization's partition ({@link OrganizationPartitioning#partitionOfKey}),
 * so that partition N of the state topics holds the same organizations as partition N of the events topic.
 */
public final class OrganizationStreamPartitioner<V> implements StreamPartitioner<String, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        return Optional.of(Set.of(OrganizationPartitioning.partitionOfKey(key, numPartitions)));
    }
}
