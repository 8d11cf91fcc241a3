package dev.scimsync.processor.errors;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An events-topic record whose bytes are not an envelope: to the DLQ (or fail, by policy). */
public final class DlqDeserializationExceptionHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqDeserializationExceptionHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (!deadLetters.sendToDlq()) {
            LOG.error("cannot deserialize record {}; failing as configured", source, exception);
            return Response.fail();
        }
        LOG.warn("cannot deserialize record {}; sent to the DLQ: {}", source, exception.getMessage());
        return Response.resume(deadLetters.record(context, record.key(), record.value(),
                DeadLetters.reasonOf("cannot deserialize", exception), exception, null));
    }
}
