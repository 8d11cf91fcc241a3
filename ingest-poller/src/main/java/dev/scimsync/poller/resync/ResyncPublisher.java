package dev.scimsync.poller.resync;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.topic.Topic;
import dev.scimsync.core.topic.Topics;

/**
 * Publishes the records of a resync, each call in ONE Kafka transaction: the begin marker alone (before the
 * scan), then the whole snapshot with the end marker, so the processor never sweeps on a partial snapshot. The
 * scan runs between the two, outside any transaction, so a transaction (which holds back read_committed readers
 * of its partition) lasts only as long as its sends.
 */
public final class ResyncPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topic<String, EventEnvelope> events;

    public ResyncPublisher(String bootstrapServers, Topics topics, String transactionalId) {
        this.events = topics.events();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // see TransactionalPublisher: one request in flight avoids OUT_OF_ORDER_SEQUENCE_NUMBER at the
                // start of a transaction; a resync goes to a single partition, so large batches carry it
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(2).toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000),
                new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /** {@code records} atomically; on failure nothing of them is visible and the exception is rethrown. */
    public void publish(List<EventEnvelope> records) {
        producer.beginTransaction();
        try {
            for (EventEnvelope envelope : records) {
                producer.send(new ProducerRecord<>(events.name(),
                        events.keySerde().serializer().serialize(events.name(), envelope.organizationId()),
                        events.valueSerde().serializer().serialize(events.name(), envelope)));
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
