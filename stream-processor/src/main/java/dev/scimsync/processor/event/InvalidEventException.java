package dev.scimsync.processor.event;

/**
 * An event whose payload cannot be turned into a directory change. Thrown only by {@link EventParser}, before any
 * store is written: that is what lets the processing exception handler send the record to the DLQ and go on.
 */
public final class InvalidEventException extends RuntimeException {

    InvalidEventException(String eventId, String eventType, String problem) {
        super("event " + eventId + " (" + eventType + "): " + problem);
    }
}
