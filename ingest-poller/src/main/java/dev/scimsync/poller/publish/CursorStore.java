package dev.scimsync.poller.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import dev.scimsync.core.serde.JsonSerde;
import dev.scimsync.core.topic.Topic;

/**
 * Reads the last committed cursor from the cursor topic (read_committed, so a cursor from an aborted
 * transaction never counts). Call it only after {@code initTransactions()}, which aborts what a previous
 * instance left open, so that the read reaches the true end.
 */
public final class CursorStore {

    public static final String KEY = "events_api";
    static final JsonSerde<Cursor> SERDE = JsonSerde.of(Cursor.class);

    private final String bootstrapServers;
    private final Topic<String, String> topic;

    public CursorStore(String bootstrapServers, Topic<String, String> topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** The last committed cursor, or null when none was ever committed. */
    public Cursor read(Duration timeout) {
        TopicPartition partition = new TopicPartition(topic.name(), 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the topic ends with a transaction marker: the fetch that steps over it brings no record, and the
                // broker would hold it for the default 500 ms before the poller could lead (measured at restarts)
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = null;
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    // a Kafka timeout: the poller goes around and retries, as for any broker hiccup
                    throw new TimeoutException("cannot read the cursor topic " + topic.name() + " to its end within "
                            + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (KEY.equals(record.key()) && record.value() != null) {
                        last = record.value();
                    }
                }
            }
            return last == null ? null : SERDE.fromBytes(last.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String encode(Cursor cursor) {
        return new String(SERDE.toBytes(cursor), StandardCharsets.UTF_8);
    }
}
