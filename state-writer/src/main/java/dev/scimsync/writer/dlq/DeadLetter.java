package dev.scimsync.writer.dlq;

import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A state-topic record the writer gives up on, with why.
 *
 * @param source    the original record (its bytes go to the DLQ unchanged); never null
 * @param eventId   the WorkOS event id behind the record, when the record could be decoded; nullable
 * @param reason    short, human reason; never null
 * @param exception class name of the exception that caused it; nullable
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> source, String eventId, String reason, String exception) {

    public DeadLetter {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
    }

    /** A record that could not be decoded: no event id is known. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> source, String reason, Throwable cause) {
        return of(source, null, reason, cause);
    }

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> source, String eventId, String reason, Throwable cause) {
        return new DeadLetter(source, eventId, reason, cause == null ? null : cause.getClass().getName());
    }

    /** topic-partition@offset, the DLQ's SOURCE header. */
    public String sourceCoordinates() {
        return source.topic() + "-" + source.partition() + "@" + source.offset();
    }
}
