package dev.scimsync.writer.dlq;

import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A state-topic record the writer gives up on, with why.
 *
 * @param source    the original record (its bytes go to the DLQ unchanged); never null
 * @param reason    short, human reason; never null
 * @param exception class name of the exception that caused it; nullable
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String exception) {

    public DeadLetter {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
    }

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> source, String reason, Throwable cause) {
        return new DeadLetter(source, reason, cause == null ? null : cause.getClass().getName());
    }

    /** topic-partition@offset, the DLQ's SOURCE header. */
    public String sourceCoordinates() {
        return source.topic() + "-" + source.partition() + "@" + source.offset();
    }
}
