package dev.scimsync.writer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.topic.OrganizationPartitioning;
import dev.scimsync.core.topic.Topics;

/**
 * What the stream processor would have written to the state topics, in order: turns values into the raw
 * records the writer reads (as ConsumerRecords with offsets, or as ProducerRecords for a real broker).
 */
final class TopicLog {

    private final Topics topics;
    private final int partitions;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

    TopicLog(Topics topics, int partitions) {
        this.topics = topics;
        this.partitions = partitions;
    }

    TopicLog member(Member m) {
        return add(topics.members().name(), m.key(), topics.members().valueSerde().serializer().serialize("-", m));
    }

    TopicLog group(Group g) {
        return add(topics.groups().name(), g.key(), topics.groups().valueSerde().serializer().serialize("-", g));
    }

    TopicLog membership(Membership ms) {
        return add(topics.memberships().name(), ms.key(), topics.memberships().valueSerde().serializer().serialize("-", ms));
    }

    TopicLog status(SyncStatus s) {
        return add(topics.status().name(), s.organizationId(), topics.status().valueSerde().serializer().serialize("-", s));
    }

    TopicLog raw(String topic, String key, byte[] value) {
        return add(topic, key, value);
    }

    private TopicLog add(String topic, String key, byte[] value) {
        int partition = OrganizationPartitioning.partitionOfKey(key, partitions);
        records.add(new ProducerRecord<>(topic, partition, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
        return this;
    }

    List<ProducerRecord<byte[], byte[]>> producerRecords() {
        return List.copyOf(records);
    }

    /** The records as a consumer would see them, offsets counted per partition, in write order. */
    List<ConsumerRecord<byte[], byte[]>> consumerRecords() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            long offset = offsets.merge(tp, 1L, Long::sum) - 1;
            out.add(new ConsumerRecord<>(r.topic(), r.partition(), offset, r.key(), r.value()));
        }
        return out;
    }

    int size() {
        return records.size();
    }
}
