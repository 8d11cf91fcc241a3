package dev.scimsync.processor.errors;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.serde.Json;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.processor.BadRecordPolicy;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds the DLQ records of the stream processor: the original record's bytes with {@link DeadLetterHeaders}.
 * Shared by the three exception handlers, which Kafka Streams instantiates from their class names and
 * configures with the streams properties; {@link #POLICY_CONFIG} and {@link #METER_REGISTRY_CONFIG} travel there.
 */
public final class DeadLetters {

    public static final String STAGE = "stream-processor";
    /** Streams property holding the {@link BadRecordPolicy} name. */
    public static final String POLICY_CONFIG = "scim-sync.processor.on-bad-record";
    /** Streams property holding the {@link MeterRegistry} instance (optional). */
    public static final String METER_REGISTRY_CONFIG = "scim-sync.processor.meter-registry";

    private final String topic;
    private final BadRecordPolicy policy;
    private final MeterRegistry registry;

    private DeadLetters(String topic, BadRecordPolicy policy, MeterRegistry registry) {
        this.topic = topic;
        this.policy = policy;
        this.registry = registry;
    }

    static DeadLetters configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        Object policy = configs.get(POLICY_CONFIG);
        Object registry = configs.get(METER_REGISTRY_CONFIG);
        BadRecordPolicy parsed = policy == null ? BadRecordPolicy.DLQ : BadRecordPolicy.valueOf(policy.toString());
        if (parsed == BadRecordPolicy.DLQ && (topic == null || topic.toString().isBlank())) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the DLQ topic when bad records go to the DLQ");
        }
        return new DeadLetters(topic == null ? null : topic.toString(), parsed,
                registry instanceof MeterRegistry r ? r : null);
    }

    boolean sendToDlq() {
        return policy == BadRecordPolicy.DLQ;
    }

    /**
     * One DLQ record holding {@code key}/{@code value} (the original bytes), the reason, the exception, the event
     * id when one can be read, and topic-partition@offset of the source record.
     */
    List<ProducerRecord<byte[], byte[]>> record(ErrorHandlerContext context, byte[] key, byte[] value, String reason,
                                                Exception exception, String eventId) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.add(headers, DeadLetterHeaders.REASON, reason);
        DeadLetterHeaders.add(headers, DeadLetterHeaders.EXCEPTION, exception == null ? null : exception.getClass().getName());
        DeadLetterHeaders.add(headers, DeadLetterHeaders.EVENT_ID, eventId != null ? eventId : eventIdIn(value));
        DeadLetterHeaders.add(headers, DeadLetterHeaders.STAGE, STAGE);
        if (context != null && context.topic() != null) {
            DeadLetterHeaders.add(headers, DeadLetterHeaders.SOURCE,
                    context.topic() + "-" + context.partition() + "@" + context.offset());
        }
        if (registry != null) {
            registry.counter(MetricNames.DEAD_LETTERS, MetricNames.TAG_STAGE, STAGE).increment();
        }
        return List.of(new ProducerRecord<>(topic, null, key, value, headers));
    }

    /** Best effort: the envelope's event id, or the WorkOS event's, from bytes that may not even be JSON. */
    static String eventIdIn(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node == null) {
                return null;
            }
            if (node.hasNonNull("event_id")) {
                return node.get("event_id").asText();
            }
            JsonNode id = node.path("event").path("id");
            return id.isTextual() ? id.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // the bytes are what they are; the record still goes to the DLQ without an id
        }
    }

    /** The reason text of an exception: its message, or its class name when it has none. */
    static String reasonOf(String what, Exception exception) {
        String message = exception.getMessage();
        return what + ": " + (message == null ? exception.getClass().getSimpleName() : message);
    }

    static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
