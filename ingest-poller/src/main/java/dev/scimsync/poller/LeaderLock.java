package dev.scimsync.poller;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Decides which poller instance polls: the members of one consumer group share the single-partition
 * cursor topic, and the member that owns partition 0 is the leader; the others wait as standbys. The
 * sticky assignor keeps the partition where it is when a standby joins. A leader that stops heartbeating
 * loses the partition after the session timeout and a standby takes over; the transactional id then fences
 * the old leader, should it still be alive.
 */
final class LeaderLock implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition lockPartition;
    private volatile boolean leader;

    /**
     * @param groupInstanceId static membership: an instance restarted after a crash with the same id (kept in its
     *                        data directory) takes the lock back at once instead of waiting for its old session to
     *                        expire; null = dynamic member
     */
    LeaderLock(String bootstrapServers, String groupId, String topic, String groupInstanceId) {
        // partition 0 is the lock, even if someone created the cursor topic with more partitions
        this.lockPartition = new TopicPartition(topic, 0);
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000));
        if (groupInstanceId != null) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // the lock's records are not read here (CursorStore reads them read_committed)
                consumer.pause(partitions);
                leader = leader || partitions.contains(lockPartition);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (partitions.contains(lockPartition)) {
                    leader = false;
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                leader = false;
            }
        });
    }

    /** Keeps the membership alive and returns whether this instance leads; waits up to {@code wait}. */
    boolean poll(Duration wait) {
        consumer.poll(wait);
        return leader;
    }

    boolean isLeader() {
        return leader;
    }

    /** Makes a blocked {@link #poll} return at once (with a WakeupException), from any thread. */
    void wakeup() {
        consumer.wakeup();
    }

    /** Leaves the group, static member or not: a standby takes the lock at once, not after the session timeout. */
    @Override
    public void close() {
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(5)));
    }
}
