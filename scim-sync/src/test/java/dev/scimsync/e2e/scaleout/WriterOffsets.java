package dev.scimsync.e2e.scaleout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.scimsync.e2e.TestPipeline;

/**
 * The writers' positions as they stored them in {@code writer_offsets} (in the transaction of the rows they wrote),
 * held against the state topics: the committed records after them are what a writer would still write — or, had it
 * stored its positions wrongly, write again.
 */
final class WriterOffsets {

    private WriterOffsets() {
    }

    /** Committed records of {@code topics} after the positions {@code group} stored in {@code schema}. */
    static List<String> unwritten(String bootstrap, String schema, String group, List<String> topics) throws Exception {
        Map<TopicPartition, Long> stored = new HashMap<>();
        for (List<String> row : TestPipeline.rows(schema, "SELECT topic, partition, next_offset FROM writer_offsets "
                + "WHERE consumer_group = '" + group + "'")) {
            stored.put(new TopicPartition(row.get(0), Integer.parseInt(row.get(1))), Long.parseLong(row.get(2)));
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                if (stored.containsKey(tp)) {
                    consumer.seek(tp, stored.get(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            // read_committed: the end is the last stable offset, which the positions reach once nothing is left
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> unwritten = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the state topics to their end " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    unwritten.add(r.topic() + "-" + r.partition() + "@" + r.offset());
                }
            }
            return unwritten;
        }
    }
}
