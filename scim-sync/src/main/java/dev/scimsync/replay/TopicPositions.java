package dev.scimsync.replay;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where topics and consumers stand, as a replay needs to know: the first and next offsets of partitions, a consumer
 * group's committed offsets, and whether a reader that stands at some offsets has read every record before others
 * (transaction markers take offsets too, so "committed ≥ end" is not the test: no record may lie between them).
 */
final class TopicPositions {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String bootstrapServers;

    TopicPositions(Admin admin, String bootstrapServers) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
    }

    Admin admin() {
        return admin;
    }

    List<TopicPartition> partitions(String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .get(topic);
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) throws Exception {
        return offsets(partitions, OffsetSpec.earliest());
    }

    /** The last stable offsets: what read_committed readers can reach (an open transaction's records are beyond). */
    Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions) throws Exception {
        return offsets(partitions, OffsetSpec.latest());
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** The group's committed offsets of {@code partitions}; a partition it has not committed is absent. */
    Map<TopicPartition, Long> committed(String groupId, Collection<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = all.get(tp);
            if (offset != null) {
                committed.put(tp, offset.offset());
            }
        }
        return committed;
    }

    /**
     * True when no committed record lies in {@code [from, to)} of any partition: a reader standing at {@code from}
     * has nothing left to read before {@code to}. A partition missing from {@code from} is read from its start.
     */
    boolean nothingBetween(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "scim-sync-replay-probe-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> open = to.entrySet().stream()
                    .filter(e -> from.getOrDefault(e.getKey(), 0L) < e.getValue()).map(Map.Entry::getKey).toList();
            if (open.isEmpty()) {
                return true;
            }
            consumer.assign(open);
            for (TopicPartition tp : open) {
                if (from.containsKey(tp)) {
                    consumer.seek(tp, from.get(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        return false;
                    }
                }
                boolean past = open.stream().allMatch(tp -> consumer.position(tp) >= to.get(tp));
                if (past) {
                    return true;
                }
            }
            return false;
        }
    }

    void deleteTopics(Collection<String> topics) throws Exception {
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Every topic whose name starts with one of {@code prefixes}. */
    List<String> topicsStartingWith(String... prefixes) throws Exception {
        return admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .filter(name -> java.util.Arrays.stream(prefixes).anyMatch(name::startsWith)).sorted().toList();
    }

    void deleteGroups(Collection<String> groups) {
        try {
            admin.deleteConsumerGroups(groups).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            // a group that never committed or is still leaving: nothing to keep, nothing to report
        }
    }
}
