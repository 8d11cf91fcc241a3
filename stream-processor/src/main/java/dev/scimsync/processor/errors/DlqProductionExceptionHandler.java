package dev.scimsync.processor.errors;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state record that cannot be written: retriable errors are retried; a record that cannot be serialized or is
 * too large sends the event that caused it to the DLQ (or fails, by policy); anything else fails the processor,
 * since going on would leave a gap in the state topics.
 */
public final class DlqProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqProductionExceptionHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        if (exception instanceof RecordTooLargeException && deadLetters.sendToDlq()) {
            return deadLetter(context, record.topic(), exception);
        }
        LOG.error("cannot write to {}; failing", record.topic(), exception);
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (!deadLetters.sendToDlq()) {
            LOG.error("cannot serialize the {} of a record for {}; failing as configured", origin, record.topic(),
                    exception);
            return Response.fail();
        }
        return deadLetter(context, record.topic(), exception);
    }

    private Response deadLetter(ErrorHandlerContext context, String topic, Exception exception) {
        LOG.warn("cannot write a record for {} (source {}-{}@{}); the event goes to the DLQ: {}", topic,
                context.topic(), context.partition(), context.offset(), exception.toString());
        return Response.resume(deadLetters.record(context, context.sourceRawKey(), context.sourceRawValue(),
                DeadLetters.reasonOf("cannot write to " + topic, exception), exception, null));
    }
}
