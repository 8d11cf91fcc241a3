package dev.scimsync.processor.event;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.DirectoryUsers;
import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Timestamps;

/**
 * Turns an envelope of the events topic into a {@link DirectoryChange}, reading WorkOS Directory Sync payloads
 * (directory user, directory group, {@code {directory_id, user, group}}, directory). Pure; throws
 * {@link InvalidEventException} for a payload that lacks what the change needs.
 */
public final class EventParser {

    private EventParser() {
    }

    /**
     * @param envelope the record's value; null (a tombstone on the events topic) is an invalid event
     * @throws InvalidEventException when the record cannot be applied as it is
     */
    public static DirectoryChange parse(String recordKey, EventEnvelope envelope) {
        if (envelope == null) {
            throw new InvalidEventException(null, null, "a record without a value on the events topic (key "
                    + recordKey + ")");
        }
        String eventId = envelope.eventId();
        String type = envelope.eventType();
        Payload p = new Payload(eventId, type);
        if (recordKey == null || !recordKey.equals(envelope.organizationId())) {
            throw p.invalid("record key " + recordKey + " is not the envelope's organization "
                    + envelope.organizationId());
        }
        checkSource(envelope, p);
        String org = envelope.organizationId();
        Instant createdAt = createdAt(envelope, p);
        JsonNode data = envelope.data();
        StoredText.check(data, p::invalid);
        Version eventVersion = new Version(createdAt, eventId);
        switch (type) {
            case EventTypes.USER_CREATED, EventTypes.USER_UPDATED -> {
                return new DirectoryChange.UpsertMember(eventId, createdAt,
                        member(p, org, data, new Version(p.requiredTime(data, "updated_at"), eventId), createdAt));
            }
            case EventTypes.RESYNC_USER -> {
                return new DirectoryChange.UpsertMember(eventId, createdAt,
                        member(p, org, data, new Version(p.requiredTime(data, "updated_at"), ""), createdAt));
            }
            case EventTypes.USER_DELETED -> {
                Instant at = p.optionalTime(data, "updated_at", createdAt);
                Member removed = member(p, org, data, new Version(at, eventId), createdAt);
                return new DirectoryChange.RemoveMember(eventId, createdAt,
                        removed.asRemoved(removed.version(), createdAt), eventVersion);
            }
            case EventTypes.GROUP_CREATED, EventTypes.GROUP_UPDATED -> {
                return new DirectoryChange.UpsertGroup(eventId, createdAt,
                        group(p, org, data, new Version(p.requiredTime(data, "updated_at"), eventId), createdAt));
            }
            case EventTypes.RESYNC_GROUP -> {
                return new DirectoryChange.UpsertGroup(eventId, createdAt,
                        group(p, org, data, new Version(p.requiredTime(data, "updated_at"), ""), createdAt));
            }
            case EventTypes.GROUP_DELETED -> {
                Instant at = p.optionalTime(data, "updated_at", createdAt);
                Group removed = group(p, org, data, new Version(at, eventId), createdAt);
                return new DirectoryChange.RemoveGroup(eventId, createdAt,
                        removed.asRemoved(removed.version(), createdAt), eventVersion);
            }
            case EventTypes.GROUP_USER_ADDED, EventTypes.RESYNC_MEMBERSHIP -> {
                boolean resync = EventTypes.RESYNC_MEMBERSHIP.equals(type);
                Version version = resync ? new Version(createdAt, "") : eventVersion;
                JsonNode user = p.requiredObject(data, "user");
                JsonNode group = p.requiredObject(data, "group");
                String directoryId = directoryIdOf(data, user, group);
                Membership membership = new Membership(org, p.requiredText(group, "id"), p.requiredText(user, "id"),
                        directoryId, version, createdAt, false);
                Member embeddedUser = member(p, org, user,
                        new Version(p.optionalTime(user, "updated_at", createdAt), resync ? "" : eventId), createdAt);
                Group embeddedGroup = group(p, org, group,
                        new Version(p.optionalTime(group, "updated_at", createdAt), resync ? "" : eventId), createdAt);
                return new DirectoryChange.AddMembership(eventId, createdAt, membership, embeddedUser, embeddedGroup);
            }
            case EventTypes.GROUP_USER_REMOVED -> {
                JsonNode user = p.requiredObject(data, "user");
                JsonNode group = p.requiredObject(data, "group");
                // user_added checks these through the embedded member and group; a removal must too
                p.checkOrganization(user, org);
                p.checkOrganization(group, org);
                return new DirectoryChange.RemoveMembership(eventId, createdAt, new Membership(org,
                        p.requiredText(group, "id"), p.requiredText(user, "id"), directoryIdOf(data, user, group),
                        eventVersion, createdAt, true));
            }
            case EventTypes.DIRECTORY_DELETED -> {
                p.checkOrganization(data, org);
                return new DirectoryChange.RemoveDirectory(eventId, createdAt, org, p.requiredText(data, "id"),
                        eventVersion);
            }
            case EventTypes.RESYNC_BEGIN -> {
                String scope = p.requiredText(data, "scope");
                try {
                    ResyncScope.parse(scope);
                } catch (IllegalArgumentException e) {
                    throw p.invalid(e.getMessage());
                }
                return new DirectoryChange.ResyncBegin(eventId, createdAt, org, p.requiredText(data, "resync_id"),
                        scope, data.path("dry_run").asBoolean(false), data.path("force").asBoolean(false),
                        data.path("max_removal_percent").asInt(100), data.path("max_removal_count").asInt(Integer.MAX_VALUE),
                        p.requiredTime(data, "scan_started_at"));
            }
            case EventTypes.RESYNC_END -> {
                boolean counted = data.path("users").isIntegralNumber() && data.path("groups").isIntegralNumber()
                        && data.path("memberships").isIntegralNumber();
                return new DirectoryChange.ResyncEnd(eventId, createdAt, org, p.requiredText(data, "resync_id"),
                        data.path("aborted").asBoolean(false), text(data, "reason"), counted
                                ? data.path("users").asLong() + data.path("groups").asLong()
                                        + data.path("memberships").asLong() : -1);
            }
            default -> {
                return new DirectoryChange.NoChange(eventId, createdAt, type);
            }
        }
    }

    /**
     * Only scim-sync's own resync writes {@code scim_sync.*} records (source {@code resync}): served by the Events
     * API, a forged marker could sweep an organization. From the Events API, only the Directory Sync types the
     * poller asks for are applied; anything else is refused rather than ignored, so it shows in the DLQ.
     */
    private static void checkSource(EventEnvelope envelope, Payload p) {
        String type = envelope.eventType();
        boolean ours = type.startsWith(EventTypes.RESYNC_PREFIX);
        if (envelope.source() == EventSource.RESYNC) {
            if (!ours) {
                throw p.invalid("a resync record of type " + type + ": a resync writes only " + EventTypes.RESYNC_PREFIX
                        + "* records");
            }
        } else if (ours) {
            throw p.invalid("a resync record from " + (envelope.source() == null ? "an unknown source"
                    : "the Events API") + ": only scim-sync's own resync writes " + EventTypes.RESYNC_PREFIX + "* records");
        } else if (!EventTypes.DIRECTORY_SYNC.contains(type)) {
            throw p.invalid("not a Directory Sync event type scim-sync applies");
        }
    }

    /** Whether the organization database can store {@code text} (no NUL, no unpaired surrogate). */
    public static boolean storable(String text) {
        return StoredText.problemOf(text) == null;
    }

    private static Instant createdAt(EventEnvelope envelope, Payload p) {
        if (envelope.createdAt() != null) {
            return envelope.createdAt();
        }
        return p.requiredTime(envelope.event(), "created_at");
    }

    private static String directoryIdOf(JsonNode data, JsonNode user, JsonNode group) {
        for (JsonNode node : new JsonNode[] {data, user, group}) {
            JsonNode id = node.path("directory_id");
            if (id.isTextual()) {
                return id.asText();
            }
        }
        return null;
    }

    private static Member member(Payload p, String org, JsonNode user, Version version, Instant createdAt) {
        p.checkOrganization(user, org);
        p.requiredText(user, "id");
        return DirectoryUsers.member(org, user, version, createdAt);
    }

    private static Group group(Payload p, String org, JsonNode group, Version version, Instant createdAt) {
        p.checkOrganization(group, org);
        return new Group(org, p.requiredText(group, "id"), text(group, "directory_id"), text(group, "idp_id"),
                text(group, "name"), version, createdAt, false);
    }

    private static String text(JsonNode node, String field) {
        return DirectoryUsers.text(node, field);
    }

    /** Field access that names the event in its failures. */
    private record Payload(String eventId, String eventType) {

        InvalidEventException invalid(String problem) {
            return new InvalidEventException(eventId, eventType, problem);
        }

        JsonNode requiredObject(JsonNode node, String field) {
            JsonNode value = node.path(field);
            if (!value.isObject()) {
                throw invalid("no object '" + field + "' in the data");
            }
            return value;
        }

        String requiredText(JsonNode node, String field) {
            JsonNode value = node.path(field);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw invalid("no '" + field + "' in " + (node.isMissingNode() ? "a missing object" : "the payload"));
            }
            return value.asText();
        }

        Instant requiredTime(JsonNode node, String field) {
            Instant time = optionalTime(node, field, null);
            if (time == null) {
                throw invalid("no '" + field + "' timestamp in the payload");
            }
            return time;
        }

        Instant optionalTime(JsonNode node, String field, Instant fallback) {
            JsonNode value = node.path(field);
            if (!value.isTextual()) {
                return fallback;
            }
            try {
                return Timestamps.parse(value.asText());
            } catch (DateTimeParseException e) {
                throw invalid("'" + field + "' is not an ISO-8601 instant: " + value.asText());
            }
        }

        /** The payload's organization, when it names one, must be the record's: a mismatch would cross-talk. */
        void checkOrganization(JsonNode node, String org) {
            JsonNode value = node.path("organization_id");
            if (value.isTextual() && !value.asText().equals(org)) {
                throw invalid("payload organization_id " + value.asText() + " is not the record's " + org);
            }
        }
    }
}
