package dev.scimsync.processor.event;

/** An event whose payload cannot be turned into a directory change; the record goes to the DLQ. */
public final class InvalidEventException extends RuntimeException {

    public InvalidEventException(String eventId, String eventType, String problem) {
        super("event " + eventId + " (" + eventType + "): " + problem);
    }
}
