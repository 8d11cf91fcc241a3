package dev.scimsync.poller.resync;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.topic.Topic;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.poller.publish.TransactionalProducers;

/**
 * Publishes the records of a resync, each call in ONE Kafka transaction: the begin marker alone (before the
 * scan), then the snapshot in chunks as the scan streams it, the last chunk with the end marker (which announces
 * the item count, so the processor never sweeps on a partial snapshot). The scan's requests run between the
 * calls, outside any transaction, so a transaction (which holds back read_committed readers of its partition)
 * lasts only as long as its sends.
 */
public final class ResyncPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topic<String, EventEnvelope> events;

    public ResyncPublisher(String bootstrapServers, Topics topics, String transactionalId) {
        this.events = topics.events();
        // a resync goes to a single partition, so large batches carry it
        this.producer = TransactionalProducers.create(bootstrapServers, transactionalId, 1024 * 1024,
                Duration.ofMinutes(2));
        producer.initTransactions();
    }

    /** {@code records} atomically; on failure nothing of them is visible and the exception is rethrown. */
    public void publish(List<EventEnvelope> records) {
        producer.beginTransaction();
        try {
            for (EventEnvelope envelope : records) {
                producer.send(TransactionalProducers.event(events, envelope));
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
