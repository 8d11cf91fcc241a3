package dev.scimsync.core.topic;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

import dev.scimsync.core.model.EntityKeys;

/**
 * The one rule that puts all of an organization's records in one partition: murmur2 of the organization
 * id, as Kafka's default partitioner does for the events topic (keyed by organization id). The state
 * topics (keyed by organization + entity) use the same function on the key's organization part, so
 * partition N of every topic holds the same organizations.
 */
public final class OrganizationPartitioning {

    private OrganizationPartitioning() {
    }

    public static int partitionOf(String organizationId, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(organizationId.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    /** Partition of a state-topic key ({@link EntityKeys}) or of an organization id. */
    public static int partitionOfKey(String key, int numPartitions) {
        return partitionOf(EntityKeys.organizationOf(key), numPartitions);
    }
}
