package dev.scimsync.writer.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.scimsync.core.topic.DeadLetterHeaders;

/**
 * Publishes dead letters to the DLQ topic and waits for the broker's acknowledgement, so that the writer
 * stores an offset past a bad record only once the record is safe in the DLQ. A crash between the two
 * can publish a letter twice (at least once, never lost).
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {

    public static final String STAGE = "state-writer";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;

    public KafkaDeadLetterSink(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public void publish(List<DeadLetter> letters) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (DeadLetter letter : letters) {
            sent.add(producer.send(toRecord(letter)));
        }
        producer.flush();
        for (Future<RecordMetadata> future : sent) {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, letter.source().key(), letter.source().value());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.REASON, letter.reason());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.EXCEPTION, letter.exception());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.EVENT_ID, letter.eventId());
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.STAGE, STAGE);
        DeadLetterHeaders.add(record.headers(), DeadLetterHeaders.SOURCE, letter.sourceCoordinates());
        return record;
    }
}
