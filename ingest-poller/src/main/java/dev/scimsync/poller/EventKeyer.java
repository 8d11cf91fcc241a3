package dev.scimsync.poller;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.publish.DeadLetter;
import dev.scimsync.poller.workos.EventsApi;
import dev.scimsync.poller.workos.WorkosRetry;

/**
 * Finds the organization of each WorkOS event, the key of the events topic. Membership events carry it
 * inside {@code data.user}/{@code data.group}, user and group events in {@code data}, directory events in
 * the directory; an event with none is resolved from its directory ({@code GET /directories/{id}},
 * cached). What cannot be keyed or is malformed, and any event type but the Directory Sync ones the processor
 * applies ({@link EventTypes#DIRECTORY_SYNC}), becomes a {@link DeadLetter}. Each envelope also carries the
 * organization's name ({@code GET /organizations/{id}}, at most once an hour per organization; a failed lookup is
 * tried again after {@link #NAME_RETRY} and never holds up the sync).
 */
final class EventKeyer {

    /** Either an envelope or a dead letter. */
    record Keyed(EventEnvelope envelope, DeadLetter deadLetter) {
    }

    /** Fixed (it tags a metric): the type itself is in the dead letter's payload. */
    static final String UNKNOWN_TYPE = "unknown event type: not a Directory Sync event type scim-sync applies";

    private final EventsApi api;
    private final WorkosRetry retry;
    static final Duration NAME_RETRY = Duration.ofMinutes(5);
    static final Duration NAME_REFRESH = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(EventKeyer.class);

    private final Map<String, String> organizationByDirectory = new ConcurrentHashMap<>();
    /** org → name ("" when WorkOS has none) and when it was read. */
    private final Map<String, Named> nameByOrganization = new ConcurrentHashMap<>();
    /** org → when its name lookup failed last. */
    private final Map<String, Instant> nameFailedAt = new ConcurrentHashMap<>();

    EventKeyer(EventsApi api, WorkosRetry retry) {
        this.api = api;
        this.retry = retry;
    }

    Keyed key(JsonNode event, Instant ingestedAt) throws InterruptedException {
        String id = text(event, "id");
        String type = text(event, "event");
        if (id == null) {
            return dead(event, null, "malformed event: no id");
        }
        if (type == null) {
            return dead(event, id, "malformed event: no event type");
        }
        if (!EventTypes.DIRECTORY_SYNC.contains(type)) {
            // scim_sync.* markers are ours alone: served by the Events API they would be obeyed as a resync
            return dead(event, id, UNKNOWN_TYPE);
        }
        Instant createdAt;
        try {
            String created = text(event, "created_at");
            if (created == null) {
                return dead(event, id, "malformed event: no created_at");
            }
            createdAt = Instant.parse(created);
        } catch (DateTimeParseException e) {
            return dead(event, id, "malformed event: created_at is not an ISO-8601 instant");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            return dead(event, id, "malformed event: data is not an object");
        }
        String organizationId = organizationOf(type, data);
        if (organizationId == null) {
            return dead(event, id, "no organization: the event names none and its directory is unknown to WorkOS");
        }
        return new Keyed(new EventEnvelope(organizationId, id, type, createdAt, EventSource.EVENTS_API, null,
                ingestedAt, event, nameOf(organizationId, ingestedAt)), null);
    }

    /**
     * The organization's name, looked up once per {@link #NAME_REFRESH} (a rename in WorkOS sends no event); null
     * when unknown or while the lookup keeps failing.
     */
    private String nameOf(String organizationId, Instant now) {
        Named known = nameByOrganization.get(organizationId);
        if (known != null && known.readAt().plus(NAME_REFRESH).isAfter(now)) {
            return known.name().isEmpty() ? null : known.name();
        }
        Instant failed = nameFailedAt.get(organizationId);
        if (failed != null && failed.plus(NAME_RETRY).isAfter(now)) {
            return known == null || known.name().isEmpty() ? null : known.name();
        }
        try {
            String name = api.organizationName(organizationId);
            nameByOrganization.put(organizationId, new Named(name == null ? "" : name, now));
            nameFailedAt.remove(organizationId);
            return name;
        } catch (Exception e) { // a name is a nicety: it never stops the sync (the SDK may throw undeclared ones)
            nameFailedAt.put(organizationId, now);
            LOG.warn("cannot read the name of organization {} from WorkOS ({}); trying again in {} min", organizationId,
                    Redact.emailsIn(String.valueOf(e.getMessage())), NAME_RETRY.toMinutes());
            return known == null || known.name().isEmpty() ? null : known.name();
        }
    }

    private record Named(String name, Instant readAt) {
    }

    private String organizationOf(String type, JsonNode data) throws InterruptedException {
        String org = firstText(data.get("organization_id"), data.path("user").get("organization_id"),
                data.path("group").get("organization_id"));
        if (org != null) {
            return org;
        }
        String directoryId = type.equals(EventTypes.DIRECTORY_ACTIVATED) || type.equals(EventTypes.DIRECTORY_DELETED)
                ? text(data, "id")
                : firstText(data.get("directory_id"), data.path("user").get("directory_id"),
                        data.path("group").get("directory_id"));
        if (directoryId == null) {
            return null;
        }
        String cached = organizationByDirectory.get(directoryId);
        if (cached != null) {
            return cached;
        }
        String resolved = retry.call("resolve organization of directory " + directoryId,
                () -> api.organizationOfDirectory(directoryId));
        if (resolved != null) {
            organizationByDirectory.put(directoryId, resolved);
        }
        return resolved;
    }

    private static Keyed dead(JsonNode event, String eventId, String reason) {
        return new Keyed(null, new DeadLetter(eventId, reason, event.toString()));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null && candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }
}
