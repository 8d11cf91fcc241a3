package dev.scimsync.processor.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import dev.scimsync.processor.event.EventParser;
import dev.scimsync.processor.event.InvalidEventException;

/** Which errors go to the DLQ and go on, and which stop the processor. */
class ExceptionHandlersTest {

    private static final Map<String, Object> DLQ_POLICY = Map.of(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "scim-sync.dlq", DeadLetters.POLICY_CONFIG, "DLQ");

    private final Context context = new Context("scim-sync.events", 2, 41, new RecordHeaders(), "apply-directory-events",
            new TaskId(0, 2), 0, "org_01ACME".getBytes(StandardCharsets.UTF_8),
            "{}".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldSendAnInvalidEventToTheDlqAndGoOn() {
        var response = processing().handleError(context, new Record<>("org_01ACME", null, 0), invalidEvent());

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement()
                .satisfies(dead -> assertThat(dead.topic()).isEqualTo("scim-sync.dlq"));
    }

    @Test
    void shouldFail_WhenApplyingFailsForAnyOtherReason_EvenWithTheDlqPolicy() {
        var response = processing().handleError(context, new Record<>("org_01ACME", null, 0),
                new IllegalStateException("a bug after a store write"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldFail_WhenAStateRecordIsTooLarge() {
        var response = production().handleError(context, stateRecord(), new RecordTooLargeException("1 MB"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldFail_WhenAStateRecordCannotBeSerialized() {
        var response = production().handleSerializationError(context, stateRecord(),
                new SerializationException("cannot write"), ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldRetry_WhenWritingAStateRecordFailsRetriably() {
        var response = production().handleError(context, stateRecord(), new TimeoutException("broker busy"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
    }

    private static DlqProcessingExceptionHandler processing() {
        DlqProcessingExceptionHandler handler = new DlqProcessingExceptionHandler();
        handler.configure(DLQ_POLICY);
        return handler;
    }

    private static FailingProductionExceptionHandler production() {
        FailingProductionExceptionHandler handler = new FailingProductionExceptionHandler();
        handler.configure(DLQ_POLICY);
        return handler;
    }

    private static ProducerRecord<byte[], byte[]> stateRecord() {
        return new ProducerRecord<>("scim-sync.members", new byte[1], new byte[1]);
    }

    private static InvalidEventException invalidEvent() {
        return catchThrowableOfType(InvalidEventException.class, () -> EventParser.parse("org_01ACME", null));
    }

    private record Context(String topic, int partition, long offset, Headers headers, String processorNodeId,
                           TaskId taskId, long timestamp, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {
    }
}
