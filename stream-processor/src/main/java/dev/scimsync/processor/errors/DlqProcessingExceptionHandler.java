package dev.scimsync.processor.errors;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.processor.event.InvalidEventException;

/**
 * An event the topology could not apply. Only an {@link InvalidEventException} goes to the DLQ (with policy
 * {@code dlq}): the parser throws it before any store is written or any record forwarded, so resuming leaves no
 * partial change and the event id is not remembered. Any other exception (a bug, a store failure, a state record
 * that could not be sent) may come after some stores were written and some state records forwarded, so the
 * processor fails: the stream thread stops, the exactly-once transaction aborts, and the stores are restored from
 * their changelogs, so the event is applied whole when it is processed again after the fix.
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
        if (!(exception instanceof InvalidEventException)) {
            LOG.error("cannot apply event {} ({}) in {}; failing: stores or output may hold part of it", eventId,
                    source, context.processorNodeId(), exception);
            return Response.fail();
        }
        if (!deadLetters.sendToDlq()) {
            LOG.error("invalid event {} ({}) in {}; failing as configured", eventId, source,
                    context.processorNodeId(), exception);
            return Response.fail();
        }
        LOG.warn("invalid event {} ({}) in {}; sent to the DLQ: {}", eventId, source, context.processorNodeId(),
                exception.getMessage());
        return Response.resume(deadLetters.record(context, context.sourceRawKey(), context.sourceRawValue(),
                DeadLetters.reasonOf("invalid event in " + context.processorNodeId(), exception), exception,
                eventId));
    }
}
