package dev.scimsync.processor.errors;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.event.EventEnvelope;

/**
 * An event the topology could not apply (a payload missing its ids, an organization mismatch, a bug): the
 * original bytes to the DLQ (or fail, by policy). The processor validates an event completely before it touches
 * a store, so a resumed record leaves no partial change behind.
 */
public final class DlqProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqProcessingExceptionHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String eventId = record.value() instanceof EventEnvelope envelope ? envelope.eventId() : null;
        String source = context.topic() + "-" + context.partition() + "@" + context.offset();
        if (!deadLetters.sendToDlq()) {
            LOG.error("cannot apply event {} ({}) in {}; failing as configured", eventId, source,
                    context.processorNodeId(), exception);
            return Response.fail();
        }
        LOG.warn("cannot apply event {} ({}) in {}; sent to the DLQ: {}", eventId, source, context.processorNodeId(),
                exception.toString());
        return Response.resume(deadLetters.record(context, context.sourceRawKey(), context.sourceRawValue(),
                DeadLetters.reasonOf("cannot apply in " + context.processorNodeId(), exception), exception, eventId));
    }
}
