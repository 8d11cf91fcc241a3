package dev.scimsync.processor.errors;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state record that cannot be written: retriable errors are retried, anything else (too large, cannot be
 * serialized, fatal) fails the processor. Skipping the record would not undo the store writes and the other
 * records of the same event, and the event id would be remembered: the stores would diverge from the state topics
 * and a fixed re-delivery would count as a duplicate. Failing aborts the exactly-once transaction instead.
 */
public final class FailingProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FailingProductionExceptionHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
        // no settings: the bad-record policy covers invalid events only
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        LOG.error("cannot write a record to {} (source {}); failing", record.topic(), source(context), exception);
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        LOG.error("cannot serialize the {} of a record for {} (source {}); failing", origin, record.topic(),
                source(context), exception);
        return Response.fail();
    }

    private static String source(ErrorHandlerContext context) {
        return context == null ? "unknown" : context.topic() + "-" + context.partition() + "@" + context.offset();
    }
}
