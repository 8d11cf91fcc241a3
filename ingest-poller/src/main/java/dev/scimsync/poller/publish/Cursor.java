package dev.scimsync.poller.publish;

import java.time.Instant;

/**
 * Where the automatic sync is in WorkOS's event stream: the value of the cursor topic, committed in the
 * same Kafka transaction as the events it covers.
 *
 * @param after              id of the last event published; null before the first
 * @param rangeStart         where the very first poll started (kept so that a restart before the first
 *                           event does not move the starting point); null = earliest
 * @param lastEventCreatedAt WorkOS created_at of {@code after}; null before the first event
 */
public record Cursor(String after, Instant rangeStart, Instant lastEventCreatedAt) {

    public Cursor advancedTo(String eventId, Instant createdAt) {
        return new Cursor(eventId, rangeStart, createdAt);
    }
}
