package dev.scimsync.poller.publish;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.topic.Topic;

/** The transactional producers of the poller (pages of events, resync snapshots) and their event records. */
public final class TransactionalProducers {

    /**
     * The largest record value the poller publishes: below the producer's {@code max.request.size} and the broker's
     * {@code message.max.bytes} (both 1 MiB by default) with room for the record's key, headers and batch overhead.
     */
    public static final int MAX_RECORD_BYTES = 1_000_000;
    /** What a dead letter keeps of an event too large to publish: enough to identify it and read its start. */
    static final int TRUNCATED_CHARS = 64 * 1024;

    private TransactionalProducers() {
    }

    /** {@code dead} with its payload cut to {@link #TRUNCATED_CHARS} (it was {@code bytes} long), saying so. */
    static DeadLetter truncated(DeadLetter dead, int bytes) {
        String kept = dead.rawJson().substring(0, Math.min(dead.rawJson().length(), TRUNCATED_CHARS));
        return new DeadLetter(dead.eventId(), dead.reason() + "; payload of " + bytes + " bytes truncated to its first "
                + kept.length() + " characters", kept);
    }

    /** The dead letter of an event whose envelope is {@code bytes} long, over {@link #MAX_RECORD_BYTES}. */
    public static DeadLetter tooLarge(EventEnvelope envelope, int bytes) {
        String raw = envelope.event().toString();
        String kept = raw.length() > TRUNCATED_CHARS ? raw.substring(0, TRUNCATED_CHARS) : raw;
        return new DeadLetter(envelope.eventId(), "event too large to publish: " + bytes + " bytes (limit "
                + MAX_RECORD_BYTES + "); payload truncated to its first " + kept.length() + " characters", kept);
    }

    /**
     * An idempotent, transactional producer with one request in flight: with transactions v2, a transaction's
     * first send answered CONCURRENT_TRANSACTIONS (the previous commit's markers still being written) would
     * otherwise make the requests behind it fail with OUT_OF_ORDER_SEQUENCE_NUMBER. Large batches keep a
     * transaction to about one request per partition.
     */
    public static KafkaProducer<byte[], byte[]> create(String bootstrapServers, String transactionalId, int batchBytes,
                                                       Duration transactionTimeout) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, batchBytes,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The record of {@code envelope} on the events topic, keyed by its organization. */
    public static ProducerRecord<byte[], byte[]> event(Topic<String, EventEnvelope> events, EventEnvelope envelope) {
        return new ProducerRecord<>(events.name(),
                events.keySerde().serializer().serialize(events.name(), envelope.organizationId()),
                events.valueSerde().serializer().serialize(events.name(), envelope));
    }
}
