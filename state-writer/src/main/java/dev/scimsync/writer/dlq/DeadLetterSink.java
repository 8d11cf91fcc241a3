package dev.scimsync.writer.dlq;

import java.util.List;

/** Where dead letters go. {@link #publish} returns only once every letter is durably stored. */
@FunctionalInterface
public interface DeadLetterSink {

    void publish(List<DeadLetter> letters) throws Exception;
}
