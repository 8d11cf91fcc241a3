package dev.scimsync.poller.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.core.topic.Topics;

/**
 * Publishes one page of events, its dead letters and the advanced cursor in ONE Kafka transaction, so the
 * cursor can never run ahead of (or behind) the events it covers. The transactional id is shared by every
 * poller instance of a deployment: {@link #init()} fences any earlier instance and aborts what it left
 * open.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;

    public TransactionalPublisher(String bootstrapServers, Topics topics, String transactionalId) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // one request in flight per partition: with transactions v2, a first send answered
                // CONCURRENT_TRANSACTIONS (the previous commit's markers still being written) would otherwise
                // make the requests behind it fail with OUT_OF_ORDER_SEQUENCE_NUMBER
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // a transaction holds up to ~1,000 events (~1 MB): with one request in flight, big batches keep
                // it to about one request per partition
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Fences earlier instances with the same transactional id; must run before {@link CursorStore#read}. */
    public void init() {
        producer.initTransactions();
    }

    /**
     * Commits {@code events} (in order), {@code deadLetters} and {@code cursor} atomically. On any failure
     * the transaction is aborted (when the producer still can) and the exception rethrown: nothing of the
     * page is visible to read_committed readers.
     */
    public void publish(List<EventEnvelope> events, List<DeadLetter> deadLetters, Cursor cursor) {
        producer.beginTransaction();
        try {
            var eventsTopic = topics.events();
            for (EventEnvelope envelope : events) {
                producer.send(new ProducerRecord<>(eventsTopic.name(),
                        eventsTopic.keySerde().serializer().serialize(eventsTopic.name(), envelope.organizationId()),
                        eventsTopic.valueSerde().serializer().serialize(eventsTopic.name(), envelope)));
            }
            for (DeadLetter dead : deadLetters) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.dlq().name(), null,
                        dead.rawJson().getBytes(StandardCharsets.UTF_8));
                DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.REASON, dead.reason());
                DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.EVENT_ID, dead.eventId());
                DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.STAGE, "ingest-poller");
                DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.SOURCE, "workos:/events");
                producer.send(record);
            }
            producer.send(new ProducerRecord<>(topics.cursor().name(), 0,
                    CursorStore.KEY.getBytes(StandardCharsets.UTF_8),
                    CursorStore.encode(cursor).getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
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
