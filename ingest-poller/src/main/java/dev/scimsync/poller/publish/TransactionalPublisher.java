package dev.scimsync.poller.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.core.topic.Topics;

/**
 * Publishes one page of events, its dead letters and the advanced cursor in ONE Kafka transaction, so the
 * cursor can never run ahead of (or behind) the events it covers. The transactional id is shared by every
 * poller instance of a deployment: {@link #init()} fences any earlier instance and aborts what it left
 * open.
 *
 * <p>An event too large for Kafka ({@link TransactionalProducers#MAX_RECORD_BYTES}) would fail the whole
 * transaction, every time the page is read again: it goes to the DLQ instead, truncated, in the same transaction,
 * and the cursor moves past it.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;

    public TransactionalPublisher(String bootstrapServers, Topics topics, String transactionalId) {
        this.topics = topics;
        // a transaction holds up to ~1,000 events (~1 MB): with one request in flight, big batches keep it to
        // about one request per partition
        this.producer = TransactionalProducers.create(bootstrapServers, transactionalId, 512 * 1024,
                Duration.ofSeconds(60));
    }

    /** Fences earlier instances with the same transactional id; must run before {@link CursorStore#read}. */
    public void init() {
        producer.initTransactions();
    }

    /**
     * Commits {@code events} (in order), {@code deadLetters} and {@code cursor} atomically. On any failure
     * the transaction is aborted (when the producer still can) and the exception rethrown: nothing of the
     * page is visible to read_committed readers.
     *
     * @return the events that were too large to publish and went to the DLQ instead (in this transaction)
     */
    public List<DeadLetter> publish(List<EventEnvelope> events, List<DeadLetter> deadLetters, Cursor cursor) {
        List<DeadLetter> oversized = new ArrayList<>();
        producer.beginTransaction();
        try {
            for (EventEnvelope envelope : events) {
                ProducerRecord<byte[], byte[]> record = TransactionalProducers.event(topics.events(), envelope);
                if (record.value().length > TransactionalProducers.MAX_RECORD_BYTES) {
                    DeadLetter dead = TransactionalProducers.tooLarge(envelope, record.value().length);
                    oversized.add(dead);
                    producer.send(deadLetter(dead));
                } else {
                    producer.send(record);
                }
            }
            for (DeadLetter dead : deadLetters) {
                producer.send(deadLetter(dead));
            }
            producer.send(new ProducerRecord<>(topics.cursor().name(), 0,
                    CursorStore.KEY.getBytes(StandardCharsets.UTF_8),
                    CursorStore.encode(cursor).getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            return oversized;
        } catch (RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
    }

    /** The DLQ record of {@code dead}, its payload truncated when too large for Kafka (whatever the reason). */
    private ProducerRecord<byte[], byte[]> deadLetter(DeadLetter dead) {
        byte[] payload = dead.rawJson().getBytes(StandardCharsets.UTF_8);
        if (payload.length > TransactionalProducers.MAX_RECORD_BYTES) {
            dead = TransactionalProducers.truncated(dead, payload.length);
            payload = dead.rawJson().getBytes(StandardCharsets.UTF_8);
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.dlq().name(), null, payload);
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.REASON, dead.reason());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.EVENT_ID, dead.eventId());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.STAGE, "ingest-poller");
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.SOURCE, "workos:/events");
        return record;
    }

    private void abortQuietly(RuntimeException cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailure) {
            // fenced or closed: the broker aborts the transaction on its own (fencing or timeout)
            cause.addSuppressed(abortFailure);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
