package dev.scimsync.writer.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.topic.DeadLetterHeaders;

class KafkaDeadLetterSinkTest {

    @Test
    void shouldPublishOriginalBytes_WithTheDeadLetterHeaders() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaDeadLetterSink sink = new KafkaDeadLetterSink(producer, "p.dlq", Duration.ofSeconds(1));
        byte[] value = "{bad".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("p.members", 2, 41, "org/u".getBytes(StandardCharsets.UTF_8), value);

        sink.publish(List.of(DeadLetter.of(source, "unparsable value", new IllegalArgumentException())));

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("p.dlq");
            assertThat(r.value()).isEqualTo(value);
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).isEqualTo("unparsable value");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.STAGE)).isEqualTo("state-writer");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE)).isEqualTo("p.members-2@41");
            assertThat(r.headers().lastHeader(DeadLetterHeaders.EVENT_ID)).as("no event id of an undecodable record").isNull();
        });
    }

    @Test
    void shouldCarryTheEventId_WhenTheRecordWasDecoded() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaDeadLetterSink sink = new KafkaDeadLetterSink(producer, "p.dlq", Duration.ofSeconds(1));
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("p.members", 0, 7, "org/u".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));

        sink.publish(List.of(DeadLetter.of(source, "event_01", "database rejected the change", null)));

        assertThat(producer.history()).singleElement().satisfies(r ->
                assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.EVENT_ID)).isEqualTo("event_01"));
    }
}
