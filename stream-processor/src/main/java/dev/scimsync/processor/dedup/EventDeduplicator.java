package dev.scimsync.processor.dedup;

import java.time.Instant;

import org.apache.kafka.streams.state.WindowStore;

/**
 * Remembers WorkOS event ids in a window store keyed by id at the event's {@code created_at}: a re-delivered event
 * has the same id and created_at, so one point lookup finds it. Segments older than the retention (measured from
 * the newest created_at seen) are dropped whole, which bounds the store. An event older than the retention is not
 * recognised as a duplicate; the version rules still make it change nothing.
 */
public final class EventDeduplicator {

    private final WindowStore<String, String> seen;

    public EventDeduplicator(WindowStore<String, String> seen) {
        this.seen = seen;
    }

    public boolean isDuplicate(String eventId, Instant createdAt) {
        return seen.fetch(eventId, createdAt.toEpochMilli()) != null;
    }

    public void remember(String eventId, Instant createdAt, String eventType) {
        seen.put(eventId, eventType, createdAt.toEpochMilli());
    }
}
