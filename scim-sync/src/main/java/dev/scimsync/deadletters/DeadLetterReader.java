package dev.scimsync.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.serde.Json;
import dev.scimsync.core.topic.DeadLetterHeaders;

/**
 * The newest records of the DLQ topic, read by a short-lived consumer without a group (it commits nothing and
 * moves no one's position): at most {@code limit} per partition, for at most {@code timeout}. Only the
 * headers and ids are kept, never the record's value (it may hold member data).
 */
public final class DeadLetterReader {

    /** One dead letter: which stage sent it, why, and which event and organization it was about (when known). */
    public record DeadLetter(String stage, String reason, String exception, String eventId, String organizationId,
                             String source, Instant at, String position) {
    }

    /**
     * What was read; {@code complete} false when the timeout ended the read before the end of every partition.
     * {@code offsets} is the span of offsets the topic holds: an upper bound of its records (transaction markers
     * take offsets too).
     */
    public record Listing(List<DeadLetter> entries, long offsets, boolean complete) {
        public Listing {
            entries = List.copyOf(entries);
        }
    }

    private final String bootstrapServers;
    private final String topic;
    private final Duration timeout;

    public DeadLetterReader(String bootstrapServers, String topic, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * The newest dead letters, newest first.
     *
     * @param limit most read per partition (and most returned)
     */
    public Listing newest(int limit) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis()));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis()));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return new Listing(List.of(), 0, true);
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, timeout);
            long total = 0;
            Map<TopicPartition, Long> remaining = new HashMap<>();
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                long end = ends.getOrDefault(partition, 0L);
                long start = starts.getOrDefault(partition, 0L);
                total += end - start;
                long from = Math.max(start, end - limit);
                consumer.seek(partition, from);
                if (from < end) {
                    remaining.put(partition, end);
                }
            }
            List<DeadLetter> letters = new ArrayList<>();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    letters.add(letter(record));
                    if (record.offset() + 1 >= end) {
                        remaining.remove(partition);
                    }
                }
                // transaction markers take offsets too: a partition whose position reached its end is done
                remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
            }
            letters.sort(Comparator.comparing(DeadLetter::at).reversed());
            return new Listing(letters.size() > limit ? letters.subList(0, limit) : letters, total, remaining.isEmpty());
        }
    }

    private static DeadLetter letter(ConsumerRecord<byte[], byte[]> record) {
        String stage = DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.STAGE);
        return new DeadLetter(stage, DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON),
                DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.EXCEPTION),
                DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.EVENT_ID),
                organizationOf(record.key(), record.value()),
                DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE),
                Instant.ofEpochMilli(record.timestamp()), record.partition() + "@" + record.offset());
    }

    /**
     * The organization a dead letter was about: the organization part of its key (every topic is keyed by
     * organization first), else the {@code organization_id} of the WorkOS event it holds; null when neither.
     */
    static String organizationOf(byte[] key, byte[] value) {
        if (key != null && key.length > 0) {
            return EntityKeys.organizationOf(new String(key, StandardCharsets.UTF_8));
        }
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node == null) {
                return null;
            }
            for (JsonNode candidate : List.of(node.path("organization_id"), node.path("event").path("organization_id"),
                    node.path("data").path("organization_id"), node.path("event").path("data").path("organization_id"))) {
                if (candidate.isTextual()) {
                    return candidate.asText();
                }
            }
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // not JSON: the letter is listed without an organization
        }
    }
}
