package dev.scimsync.core.event;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of the events topic: the original WorkOS event JSON, unchanged, with what ingestion knew.
 * The record key is always {@link #organizationId()}.
 *
 * @param organizationId the WorkOS organization the event belongs to; never null (events that cannot be
 *                       keyed go to the DLQ instead)
 * @param eventId        WorkOS event id ({@code event_…}; ids sort by creation time), or for resync records
 *                       an id minted by the poller, unique per resync and item
 * @param eventType      WorkOS event name ({@code dsync.user.created} …) or a resync marker, see {@link EventTypes}
 * @param createdAt      WorkOS {@code created_at} of the event; for resync items the time it was read
 * @param source         {@link EventSource#EVENTS_API} or {@link EventSource#RESYNC}
 * @param resyncId       the resync this record belongs to; null for the automatic sync
 * @param ingestedAt     when ingest-poller read it
 * @param event          the WorkOS event object as received ({@code {object, id, event, data, created_at}});
 *                       never null
 * @param organizationName the organization's name as WorkOS had it when ingestion read the event; nullable
 *                       (events carry none; the poller looks it up once per organization)
 */
public record EventEnvelope(
        String organizationId,
        String eventId,
        String eventType,
        Instant createdAt,
        EventSource source,
        String resyncId,
        Instant ingestedAt,
        JsonNode event,
        String organizationName) {

    public EventEnvelope {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
    }

    /** An envelope without the organization's name. */
    public EventEnvelope(String organizationId, String eventId, String eventType, Instant createdAt, EventSource source,
                         String resyncId, Instant ingestedAt, JsonNode event) {
        this(organizationId, eventId, eventType, createdAt, source, resyncId, ingestedAt, event, null);
    }

    /** The same envelope with the organization's name. */
    public EventEnvelope withOrganizationName(String name) {
        return new EventEnvelope(organizationId, eventId, eventType, createdAt, source, resyncId, ingestedAt, event,
                name);
    }

    /** The event's {@code data} object (a directory user, group, membership pair or directory). */
    public JsonNode data() {
        return event.path("data");
    }
}
